"""Command groups of ``flask --app socialmap``: areas, catalogue, demo.

Every command validates its whole input first and writes in one transaction;
on a problem it prints every problem (record and field) and exits 1 with
nothing written.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from socialmap.config import DATA_DIR
from socialmap.extensions import db
from socialmap.interop.problems import ImportFailed
from socialmap.transaction import unit_of_work

areas_cli = AppGroup("areas", help="Area units: municipalities, wijken, buurten.")
catalogue_cli = AppGroup("catalogue", help="The catalogue: needs taxonomy, organisations, services.")
demo_cli = AppGroup("demo", help="The Amsterdam demo region.")
search_cli = AppGroup("search", help="The search index (derived from the database).")

DEMO_BUURTEN = DATA_DIR / "areas" / "amsterdam_buurten.geojson"
MUNICIPALITIES = DATA_DIR / "areas" / "gemeenten_2023.geojson"
NEEDS_FILE = DATA_DIR / "taxonomy" / "needs.yaml"
DEMO_CATALOGUE = DATA_DIR / "demo" / "catalogue"
DEMO_PLACEMENTS = DATA_DIR / "demo" / "placements.csv"
DEMO_REGION = ("RG-AMA", "Amsterdam-Amstelland", ["GM0363"])


def register(app: Flask) -> None:
    for group in (areas_cli, catalogue_cli, demo_cli, search_cli):
        app.cli.add_command(group)
    from socialmap.routes.cli import routes_cli  # referral routes: load, check

    app.cli.add_command(routes_cli)


def _fail(exc: ImportFailed) -> None:
    raise click.ClickException(str(exc))


def municipality_names(path: Path = MUNICIPALITIES) -> dict[str, str]:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return {f["properties"]["gemeentecode"]: f["properties"]["gemeentenaam"] for f in doc["features"]}


@areas_cli.command("import")
@click.argument("geojson", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--code-field", default="cbsCode", show_default=True, help="Property with the CBS buurt code.")
@click.option("--name-field", default="naam", show_default=True, help="Property with the buurt name.")
@click.option("--district-name-field", default=None, help="Property with the wijk name, if any.")
def import_areas(geojson: Path, code_field: str, name_field: str, district_name_field: str | None) -> None:
    """Import CBS-style buurt GeoJSON; derive wijken and the municipality."""
    from socialmap.interop.areas import FieldMapping, import_neighbourhoods

    try:
        with unit_of_work():
            report = import_neighbourhoods(db.session, geojson,
                                           FieldMapping(code_field, name_field, district_name_field),
                                           municipality_names())
    except ImportFailed as exc:
        _fail(exc)
    click.echo(f"{report.neighbourhoods} buurten, {report.districts} wijken, "
               f"{report.municipalities} municipalities imported")


@catalogue_cli.command("load-needs")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=NEEDS_FILE)
def load_needs_cmd(path: Path) -> None:
    """Load the needs taxonomy (default: data/taxonomy/needs.yaml)."""
    from socialmap.interop.taxonomy import load_needs

    try:
        with unit_of_work():
            count = load_needs(db.session, path)
    except ImportFailed as exc:
        _fail(exc)
    click.echo(f"{count} need terms loaded")


@catalogue_cli.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--placements", type=click.Path(dir_okay=False, path_type=Path), default=DEMO_PLACEMENTS,
              show_default=True, help="CSV with location,lon,lat,postcode.")
def load_catalogue_cmd(paths: tuple[Path, ...], placements: Path) -> None:
    """Load catalogue YAML files (default: the demo catalogue), replacing the demo entries."""
    from socialmap.interop.catalogue_yaml import load_catalogue

    files = _yaml_files(paths or (DEMO_CATALOGUE,))
    try:
        with unit_of_work():
            report = load_catalogue(db.session, files, placements)
    except ImportFailed as exc:
        _fail(exc)
    click.echo(f"{report.organisations} organisations, {report.locations} locations, "
               f"{report.services} services loaded ({report.removed} removed)")


def _yaml_files(paths) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        files += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    if not files:
        raise click.ClickException("no .yaml files found")
    return files


@catalogue_cli.command("stats")
def stats_cmd() -> None:
    """Print the region's counts."""
    from socialmap.catalogue.queries import region_counts

    c = region_counts(db.session)
    click.echo(f"services: {c.services}\norganisations: {c.organisations}\n"
               f"buurten: {c.neighbourhoods}\nwijken: {c.districts}")
    for domain, n in sorted(c.per_domain.items()):
        click.echo(f"  {domain}: {n}")


def demo_inputs_digest() -> str:
    """A checksum over every input of the demo region (to skip an unchanged reload)."""
    h = hashlib.sha256()
    from socialmap.routes.cli import route_inputs

    for path in [DEMO_BUURTEN, NEEDS_FILE, DEMO_PLACEMENTS, *sorted(DEMO_CATALOGUE.glob("*.yaml")),
                 *route_inputs()]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def setup_demo(force: bool = False) -> bool:
    """Migrate, then load areas, taxonomy and catalogue if their files changed.
    Returns True when something was loaded."""
    from flask_migrate import upgrade

    from socialmap.catalogue.models import Service
    from socialmap.interop.areas import ensure_region, import_neighbourhoods
    from socialmap.interop.catalogue_yaml import load_catalogue
    from socialmap.interop.taxonomy import load_needs

    from socialmap.search.indexer import current_index, health, reindex

    upgrade(directory=current_app.extensions["migrate"].directory)
    stamp = Path(current_app.instance_path) / "demo-loaded.sha256"
    digest = demo_inputs_digest()
    loaded = db.session.scalar(select(Service.id).limit(1)) is not None
    if not force and loaded and stamp.exists() and stamp.read_text() == f"{db.engine.url}|{digest}":
        if health(db.session, current_index())[0] != "ok":
            reindex(db.session, current_index())
        return False
    with unit_of_work():
        import_neighbourhoods(db.session, DEMO_BUURTEN, municipality_names=municipality_names())
        code, name, members = DEMO_REGION
        ensure_region(db.session, code, name, members)
        load_needs(db.session, NEEDS_FILE)
        load_catalogue(db.session, _yaml_files([DEMO_CATALOGUE]), DEMO_PLACEMENTS)
        from socialmap.routes.cli import DEMO_ROUTES
        from socialmap.routes.loader import load_routes, route_files

        load_routes(db.session, route_files([DEMO_ROUTES]))  # referral routes, after the catalogue
    reindex(db.session, current_index())
    stamp.write_text(f"{db.engine.url}|{digest}")
    return True


@demo_cli.command("setup")
@click.option("--force", is_flag=True, help="Reload even if the demo files did not change.")
def demo_setup_cmd(force: bool) -> None:
    """Create or upgrade the database and load the Amsterdam demo region."""
    try:
        changed = setup_demo(force)
    except ImportFailed as exc:
        _fail(exc)
    click.echo("demo region loaded" if changed else "demo region up to date")


@search_cli.command("reindex")
@click.option("--processes", default=1, show_default=True, help="Write shards in this many processes.")
def reindex_cmd(processes: int) -> None:
    """Rebuild the search index from the database."""
    import time

    from socialmap.search.indexer import current_index, reindex

    started = time.perf_counter()
    manifest = reindex(db.session, current_index(), processes=processes)
    click.echo(f"indexed {manifest.services} services in {len(manifest.counts)} shard(s) "
               f"in {time.perf_counter() - started:.1f} s")


@search_cli.command("check")
def check_cmd() -> None:
    """Compare the index with the database (counts and content checksums); exit 1 on drift."""
    from socialmap.search.indexer import check, current_index

    report = check(db.session, current_index())
    click.echo(f"database: {report['database']} services, index: {report['index']} documents")
    for name in ("missing", "extra", "different"):
        if report[name]:
            click.echo(f"{name} ({len(report[name])}): service ids {', '.join(report[name][:20])}"
                       + (" ..." if len(report[name]) > 20 else ""))
    if not report["ok"]:
        raise click.ClickException("the index has drifted from the database: run `flask --app socialmap "
                                   "search reindex`" if current_index().exists() else
                                   "the search index is missing: run `flask --app socialmap search reindex`")
    click.echo("index and database agree")
