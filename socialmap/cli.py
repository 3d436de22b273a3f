"""Every command of ``flask --app socialmap``: the groups areas, catalogue,
demo, search and referral-routes (not ``routes``: that name is Flask's own
command, it lists the URL rules).

Every command validates its whole input first and writes in one transaction;
on a problem it prints every problem (record and field) and exits 1 with
nothing written.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import secrets
import time
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_migrate import upgrade
from sqlalchemy import select

from socialmap.catalogue.areas import area_tree
from socialmap.catalogue.models import Organisation, Service
from socialmap.catalogue.queries import region_counts
from socialmap.config import DATA_DIR
from socialmap.extensions import db
from socialmap.freshness import rounds
from socialmap.freshness.models import HOW, SECTIONS
from socialmap.freshness.operations import refresh_stages, verify
from socialmap.freshness.stages import STAGES, Thresholds, staging_day
from socialmap.interop.areas import (
    FieldMapping,
    ensure_region,
    import_boroughs,
    import_municipalities,
    import_neighbourhoods,
)
from socialmap.interop.areas import municipality_names as names_in
from socialmap.interop.catalogue_csv import Columns, import_csv
from socialmap.interop.catalogue_records import RetireNotConfirmed, RetireScope, scope_problem
from socialmap.interop.catalogue_yaml import load_catalogue
from socialmap.interop.routes_yaml import load_routes, route_files
from socialmap.interop.taxonomy import load_needs
from socialmap.maintenance import accounts, auth
from socialmap.maintenance.models import Account
from socialmap.problems import ImportFailed, Invalid, _, cli_language, ngettext
from socialmap.routes.operations import route_problems
from socialmap.routes.queries import all_routes
from socialmap.routes.validation import coverage_gaps
from socialmap.search import indexer
from socialmap.transaction import unit_of_work

areas_cli = AppGroup("areas", help="Area units: municipalities, stadsdelen, wijken, buurten.")
catalogue_cli = AppGroup("catalogue", help="The catalogue: needs taxonomy, organisations, services.")
demo_cli = AppGroup("demo", help="The Amsterdam demo region.")
search_cli = AppGroup("search", help="The search index (derived from the database).")
routes_cli = AppGroup("referral-routes", help="Referral routes: load the region's routes, check them.")
accounts_cli = AppGroup("accounts", help="Accounts and their roles (no sign-up: an admin makes them).")
freshness_cli = AppGroup("freshness", help="Keeping the map current: stages of unchecked entries, verifications.")

DEMO_BUURTEN = DATA_DIR / "areas" / "amsterdam_buurten.geojson"
DEMO_BOROUGHS = DATA_DIR / "areas" / "amsterdam_stadsdelen.yaml"
MUNICIPALITIES = DATA_DIR / "areas" / "gemeenten_2023.geojson"
NEEDS_FILE = DATA_DIR / "taxonomy" / "needs.yaml"
DEMO_CATALOGUE = DATA_DIR / "demo" / "catalogue"
DEMO_PLACEMENTS = DATA_DIR / "demo" / "placements.csv"
DEMO_REGION = ("RG-AMA", "Amsterdam-Amstelland", ["GM0363"])
ROUTES_DIR = DATA_DIR / "routes"
DEMO_ROUTES = ROUTES_DIR / "demo"


def register(app: Flask) -> None:
    for group in (areas_cli, catalogue_cli, demo_cli, search_cli, routes_cli, accounts_cli, freshness_cli):
        app.cli.add_command(group)


def _fail(exc: ImportFailed) -> None:
    raise click.ClickException(str(exc))


def _in_cli_language(command):
    """Run ``command`` with messages in the CLI's language (``SOCIALMAP_CLI_LANGUAGE``,
    default the site's default language, Dutch)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with force_locale(cli_language()):
            return command(*args, **kwargs)

    return run


def municipality_names(path: Path = MUNICIPALITIES) -> dict[str, str]:
    return names_in(path)


@areas_cli.command("import")
@click.argument("geojson", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--code-field", default="cbsCode", show_default=True, help="Property with the CBS buurt code.")
@click.option("--name-field", default="naam", show_default=True, help="Property with the buurt name.")
@click.option("--district-name-field", default=None, help="Property with the wijk name, if any.")
@_in_cli_language
def import_areas(geojson: Path, code_field: str, name_field: str, district_name_field: str | None) -> None:
    """Import CBS-style buurt GeoJSON; derive wijken and the municipality."""
    try:
        with unit_of_work():
            report = import_neighbourhoods(
                db.session, geojson, FieldMapping(code_field, name_field, district_name_field), municipality_names()
            )
    except ImportFailed as exc:
        _fail(exc)
    click.echo(
        _(
            "%(buurten)s, %(wijken)s, %(municipalities)s geïmporteerd",
            buurten=ngettext("%(num)d buurt", "%(num)d buurten", report.neighbourhoods),
            wijken=ngettext("%(num)d wijk", "%(num)d wijken", report.districts),
            municipalities=ngettext("%(num)d gemeente", "%(num)d gemeenten", report.municipalities),
        )
    )


@areas_cli.command("import-boroughs")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@_in_cli_language
def import_boroughs_cmd(path: Path) -> None:
    """Import the boroughs (stadsdelen, gebieden) of a municipality whose buurten
    are loaded: a YAML file (see data/areas/amsterdam_stadsdelen.yaml)."""
    try:
        with unit_of_work():
            report = import_boroughs(db.session, path)
    except ImportFailed as exc:
        _fail(exc)
    click.echo(
        _(
            "%(boroughs)s geïmporteerd; %(wijken)s eronder geplaatst",
            boroughs=ngettext("%(num)d stadsdeel of gebied", "%(num)d stadsdelen of gebieden", report.boroughs),
            wijken=ngettext("%(num)d wijk", "%(num)d wijken", report.districts),
        )
    )


@areas_cli.command("import-municipalities")
@click.argument("geojson", type=click.Path(dir_okay=False, path_type=Path), default=MUNICIPALITIES)
@click.option(
    "--codes",
    "codes",
    multiple=True,
    required=True,
    help="Municipality code(s) to import, e.g. GM0513 (repeat, or separate with commas).",
)
@click.option("--code-field", default="gemeentecode", show_default=True, help="Property with the GM code.")
@click.option("--name-field", default="gemeentenaam", show_default=True, help="Property with the name.")
@_in_cli_language
def import_municipalities_cmd(geojson: Path, codes: tuple[str, ...], code_field: str, name_field: str) -> None:
    """Import municipalities (default file: data/areas/gemeenten_2023.geojson), for a
    municipality without buurt geometry: services can serve it, postcodes in it find them."""
    wanted = [c for value in codes for c in value.split(",")]
    try:
        with unit_of_work():
            report = import_municipalities(db.session, geojson, wanted, code_field, name_field)
    except ImportFailed as exc:
        _fail(exc)
    if report.imported:
        click.echo(
            ngettext(
                "%(num)d gemeente geïmporteerd: %(codes)s",
                "%(num)d gemeenten geïmporteerd: %(codes)s",
                len(report.imported),
                codes=", ".join(report.imported),
            )
        )
    if report.kept:
        click.echo(
            _(
                "Al geladen met wijken en buurten (naam bijgewerkt, vlak van de buurten behouden): %(codes)s",
                codes=", ".join(report.kept),
            )
        )


@catalogue_cli.command("load-needs")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=NEEDS_FILE)
def load_needs_cmd(path: Path) -> None:
    """Load the needs taxonomy (default: data/taxonomy/needs.yaml)."""
    try:
        with unit_of_work():
            count = load_needs(db.session, path)
    except ImportFailed as exc:
        _fail(exc)
    click.echo(f"{count} need terms loaded")


def _load_options(command):
    """The options every catalogue load shares: dry run and retiring what is missing."""
    command = click.option(
        "--confirm",
        default=None,
        metavar="CODE",
        help="Retire for real: the code the dry run printed for exactly this list.",
    )(command)
    command = click.option(
        "--scope",
        default=None,
        metavar="organisations|demo|AREA",
        help="What the files cover, for --retire-missing: the services of the "
        "organisations in the files (default), the demo's, or those serving "
        "only inside an area code (e.g. GM0513).",
    )(command)
    command = click.option(
        "--retire-missing",
        is_flag=True,
        help="Retire (status ended, never delete) services within --scope that the "
        "files no longer hold. Needs --confirm with the dry run's code.",
    )(command)
    command = click.option(
        "--dry-run", is_flag=True, help="Check everything and say what would happen; change nothing."
    )(command)
    return command


def _retire_scope(retire_missing: bool, scope: str | None, confirm: str | None):
    if not retire_missing:
        if scope or confirm:
            raise click.UsageError(_("--scope en --confirm horen bij --retire-missing"))
        return None
    chosen = RetireScope.parse(scope)
    problem = scope_problem(db.session, chosen)
    if problem:
        raise click.UsageError(problem)
    return chosen


def _run_load(do_load, dry_run: bool, retire_missing: bool, scope: str | None, confirm: str | None) -> None:
    """Run a catalogue load and say what it did, would do, or would retire."""
    retire = _retire_scope(retire_missing, scope, confirm)
    try:
        if dry_run:
            try:
                report = do_load(retire=retire, confirm=confirm, dry_run=True)
            finally:
                db.session.rollback()  # a dry run writes nothing; make sure of it
        else:
            with unit_of_work():
                report = do_load(retire=retire, confirm=confirm, dry_run=False)
    except ImportFailed as exc:
        _fail(exc)
    except RetireNotConfirmed as exc:
        _echo_retire_list(exc.plan.retire, retire)
        if exc.given:
            click.echo(
                _(
                    "De code %(given)s hoort niet bij deze lijst: de bestanden of de database zijn "
                    "veranderd sinds de proefdraai.",
                    given=exc.given,
                )
            )
        click.echo(
            _(
                "Er is niets gewijzigd. Controleer de lijst; om deze diensten te beëindigen en de "
                "bestanden te laden: voer hetzelfde commando uit met --confirm %(code)s",
                code=exc.plan.code,
            )
        )
        raise click.exceptions.Exit(1) from None
    for note in report.notes:
        click.echo(_("Let op: %(note)s", note=note))
    counts = dict(
        organisations=ngettext("%(num)d organisatie", "%(num)d organisaties", report.organisations),
        locations=ngettext("%(num)d locatie", "%(num)d locaties", report.locations),
        services=ngettext("%(num)d dienst", "%(num)d diensten", report.services),
        new=ngettext("%(num)d dienst nieuw", "%(num)d diensten nieuw", report.new_services),
        existing=ngettext("%(num)d dienst bijgewerkt", "%(num)d diensten bijgewerkt", report.updated_services),
    )
    if report.approximate_locations:
        click.echo(
            ngettext(
                "%(num)d locatie staat bij benadering op de kaart (midden van het postcodegebied).",
                "%(num)d locaties staan bij benadering op de kaart (midden van het postcodegebied).",
                report.approximate_locations,
            )
        )
    if dry_run:
        click.echo(
            _(
                "Proefdraai: %(organisations)s, %(locations)s en %(services)s gecontroleerd; dat zou "
                "geven: %(new)s, %(existing)s.",
                **counts,
            )
        )
        if retire is not None:
            if report.retire:
                _echo_retire_list(report.retire, retire)
                click.echo(
                    _(
                        "Om deze diensten te beëindigen en de bestanden te laden: voer hetzelfde commando "
                        "uit zonder --dry-run en met --confirm %(code)s",
                        code=report.code,
                    )
                )
            else:
                click.echo(_("Niets te beëindigen binnen %(scope)s.", scope=retire.describe()))
        click.echo(_("Er is niets gewijzigd."))
        return
    click.echo(_("%(organisations)s, %(locations)s en %(services)s geladen: %(new)s, %(existing)s.", **counts))
    if retire is not None:
        if report.retire:
            click.echo(
                ngettext(
                    "%(num)d dienst beëindigd (status ended; niets verwijderd):",
                    "%(num)d diensten beëindigd (status ended; niets verwijderd):",
                    len(report.retire),
                )
            )
            for r in report.retire:
                click.echo(f"  - {r}")
        else:
            click.echo(_("Niets te beëindigen binnen %(scope)s.", scope=retire.describe()))


def _echo_retire_list(retirees, scope) -> None:
    click.echo(
        ngettext(
            "%(num)d dienst staat niet in de bestanden en zou worden beëindigd (status ended; er "
            "wordt niets verwijderd). Bereik: %(scope)s.",
            "%(num)d diensten staan niet in de bestanden en zouden worden beëindigd (status ended; er "
            "wordt niets verwijderd). Bereik: %(scope)s.",
            len(retirees),
            scope=scope.describe(),
        )
    )
    for r in retirees:
        click.echo(f"  - {r}")


@catalogue_cli.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--placements",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV with location,lon,lat,postcode (the demo's data/demo/placements.csv); "
    "not needed when locations give lon/lat or a postcode.",
)
@_load_options
@_in_cli_language
def load_catalogue_cmd(
    paths: tuple[Path, ...],
    placements: Path | None,
    dry_run: bool,
    retire_missing: bool,
    scope: str | None,
    confirm: str | None,
) -> None:
    """Load catalogue YAML files or folders: add and update by key, never delete.
    The demo is loaded by `demo setup`."""
    files = _yaml_files(paths)
    _run_load(partial(load_catalogue, db.session, files, placements), dry_run, retire_missing, scope, confirm)


@catalogue_cli.command("import-csv")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--serves",
    "serves",
    multiple=True,
    required=True,
    help="Area code(s) every row's service serves, e.g. GM0513 (repeat, or separate with commas).",
)
@click.option("--name-column", default="naam", show_default=True)
@click.option("--text-column", default="beschrijving", show_default=True, help="Becomes the service's summary.")
@click.option(
    "--address-column",
    default="adres",
    show_default=True,
    help="'Street 12a, 1234AB Place'; give '' when the file has no addresses.",
)
@click.option("--key-prefix", default="", help="Put before every key made from a name (e.g. 'gouda-').")
@_load_options
@_in_cli_language
def import_csv_cmd(
    path: Path,
    serves: tuple[str, ...],
    name_column: str,
    text_column: str,
    address_column: str,
    key_prefix: str,
    dry_run: bool,
    retire_missing: bool,
    scope: str | None,
    confirm: str | None,
) -> None:
    """Import a catalogue CSV (one organisation per row: name, text, address) as
    organisations with one service each; the same checks and writing as `load`."""
    codes = [c.strip() for value in serves for c in value.split(",") if c.strip()]
    columns = Columns(name_column, text_column, address_column or None)
    _run_load(
        partial(import_csv, db.session, path, codes, columns, key_prefix=key_prefix),
        dry_run,
        retire_missing,
        scope,
        confirm,
    )


def _yaml_files(paths) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        files += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    if not files:
        raise click.ClickException(_("geen .yaml-bestanden gevonden"))
    return files


@catalogue_cli.command("stats")
def stats_cmd() -> None:
    """Print the region's counts."""
    c = region_counts(db.session)
    click.echo(
        f"services: {c.services}\norganisations: {c.organisations}\nbuurten: {c.neighbourhoods}\nwijken: {c.districts}"
    )
    for domain, n in sorted(c.per_domain.items()):
        click.echo(f"  {domain}: {n}")


def demo_inputs_digest() -> str:
    """A checksum over every input of the demo region (to skip an unchanged reload)."""
    h = hashlib.sha256()

    for path in [
        DEMO_BUURTEN,
        DEMO_BOROUGHS,
        NEEDS_FILE,
        DEMO_PLACEMENTS,
        *sorted(DEMO_CATALOGUE.glob("*.yaml")),
        *route_inputs(),
    ]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def setup_demo(force: bool = False) -> bool:
    """Migrate, then load areas, taxonomy and catalogue if their files changed.
    Returns True when something was loaded."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    stamp = Path(current_app.instance_path) / "demo-loaded.sha256"
    digest = demo_inputs_digest()
    loaded = db.session.scalar(select(Service.id).limit(1)) is not None
    if not force and loaded and stamp.exists() and stamp.read_text() == f"{db.engine.url}|{digest}":
        with unit_of_work():
            _refresh_stages()  # days passed since the last start: entries may have moved on
        if indexer.health(db.session, indexer.current_index())[0] != "ok":
            indexer.reindex(db.session, indexer.current_index())
        return False
    indexer.reindex_follows(db.session)  # rebuilt whole below: build no document at the commit
    with unit_of_work():
        import_neighbourhoods(db.session, DEMO_BUURTEN, municipality_names=municipality_names())
        import_boroughs(db.session, DEMO_BOROUGHS)
        code, name, members = DEMO_REGION
        ensure_region(db.session, code, name, members)
        load_needs(db.session, NEEDS_FILE)
        load_catalogue(
            db.session,
            _yaml_files([DEMO_CATALOGUE]),
            DEMO_PLACEMENTS,
            demo=True,
            retire=RetireScope("demo"),
            confirm=True,
        )  # demo entries gone from its files end

        # referral routes, after the catalogue; demo routes gone from its files are retired
        load_routes(db.session, route_files([DEMO_ROUTES]), demo=True, retire_missing=True)
        _refresh_stages()  # the demo's check dates are real dates: some entries are long unchecked
    indexer.reindex(db.session, indexer.current_index())
    stamp.write_text(f"{db.engine.url}|{digest}")
    return True


def _refresh_stages(day: date | None = None, simulated: bool = False, services=None):
    """Every entry's (or these services') stage on ``day`` (today); demo entries
    as on the demo's own day unless the day is simulated (``--today``), which
    moves everything."""
    return refresh_stages(
        db.session,
        day or datetime.now(UTC).date(),
        services,
        thresholds=Thresholds.from_config(current_app.config),
        demo_today=None if simulated else staging_day(True, date.today(), current_app.config.get("DEMO_AS_OF")),
    )


@demo_cli.command("setup")
@click.option("--force", is_flag=True, help="Reload even if the demo files did not change.")
def demo_setup_cmd(force: bool) -> None:
    """Create or upgrade the database and load the Amsterdam demo region."""
    try:
        changed = setup_demo(force)
    except ImportFailed as exc:
        _fail(exc)
    click.echo("demo region loaded" if changed else "demo region up to date")
    with unit_of_work():
        made = ensure_demo_accounts()
    if made:
        click.echo(
            "Demo accounts (the passwords are shown only now; `flask --app socialmap accounts invite "
            "USERNAME` gives a new link):"
        )
        for username, role, password in made:
            click.echo(f"  {username:<20} {role:<28} {password}")


DEMO_ACCOUNTS = (
    ("demo-beheerder", "Demo beheerder", "admin", None),
    ("demo-coordinator", "Demo coördinator Amsterdam-Amstelland", "coordinator", DEMO_REGION[0]),
    ("demo-professional", "Demo huisarts", "professional", None),
)


def ensure_demo_accounts() -> list[tuple[str, str, str]]:
    """The demo's accounts, made once with random passwords: (username, role, password)
    for each account made now. Only `demo setup` makes them, never a production start."""
    made = []
    for username, name, role, area in DEMO_ACCOUNTS:
        if accounts.find_account(db.session, username) is not None:
            continue
        account = accounts.create_account(db.session, username, name)
        accounts.grant(db.session, account, role, area, by="demo:setup")
        password = secrets.token_urlsafe(12)
        accounts.set_password(db.session, account, password)
        made.append((username, f"{role}{' ' + area if area else ''}", password))
    return made


@search_cli.command("reindex")
@click.option("--processes", default=1, show_default=True, help="Write shards in this many processes.")
def reindex_cmd(processes: int) -> None:
    """Rebuild the search index from the database."""
    started = time.perf_counter()
    manifest = indexer.reindex(db.session, indexer.current_index(), processes=processes)
    click.echo(
        f"indexed {manifest.services} services in {len(manifest.counts)} shard(s) "
        f"in {time.perf_counter() - started:.1f} s"
    )


@search_cli.command("check")
def check_index_cmd() -> None:
    """Compare the index with the database (counts and content checksums); exit 1 on drift."""
    report = indexer.check(db.session, indexer.current_index())
    click.echo(f"database: {report['database']} services, index: {report['index']} documents")
    for name in ("missing", "extra", "different"):
        if report[name]:
            click.echo(
                f"{name} ({len(report[name])}): service ids {', '.join(report[name][:20])}"
                + (" ..." if len(report[name]) > 20 else "")
            )
    if not report["ok"]:
        raise click.ClickException(
            "the index has drifted from the database: run `flask --app socialmap search reindex`"
            if indexer.current_index().exists()
            else "the search index is missing: run `flask --app socialmap search reindex`"
        )
    click.echo("index and database agree")


# --- referral routes ------------------------------------------------------------


def route_inputs() -> list[Path]:
    """Every file the demo routes are made of (for the demo's change check)."""
    return [ROUTES_DIR / "step_kinds.yaml", *sorted(DEMO_ROUTES.glob("*.yaml"))]


@routes_cli.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--retire-missing",
    is_flag=True,
    help="Set status 'retired' on routes the files no longer hold (never deletes; load them again to undo).",
)
@_in_cli_language
def load_routes_cmd(paths: tuple[Path, ...], retire_missing: bool) -> None:
    """Load route YAML files: add and update by key, never delete. Without paths:
    the demo region's routes (as demo routes)."""
    demo = not paths
    try:
        with unit_of_work():
            report = load_routes(
                db.session, route_files(paths or (DEMO_ROUTES,)), demo=demo, retire_missing=retire_missing
            )
    except ImportFailed as exc:
        _fail(exc)
    click.echo(
        f"{report.routes} routes, {report.steps} steps, {report.transitions} transitions loaded "
        f"({report.retired} retired{': ' + ', '.join(report.retired_keys) if report.retired_keys else ''})"
    )


@routes_cli.command("check")
@click.option("--strict", is_flag=True, help="Also exit 1 when a published route has a gap in coverage.")
@_in_cli_language
def check_routes_cmd(strict: bool) -> None:
    """Check every route's rules, and for published routes which neighbourhoods
    lack an active service at some step. Exit 1 on a broken rule."""
    routes = all_routes(db.session)
    tree = area_tree(db.session)
    broken = gaps = 0
    for route in routes:
        problems = route_problems(db.session, route)
        broken += len(problems)
        state = "ok" if not problems else f"{len(problems)} problem(s)"
        click.echo(f"route {route.key} v{route.version} ({route.status}): {state}")
        for p in problems:
            click.echo(f"  - {p}")
        if route.status == "published" and not problems:
            for gap in coverage_gaps(db.session, route, tree):
                gaps += 1
                click.echo(f"  gap: {gap}:")
                for line in gap.per_wijk():
                    click.echo(f"      {line}")
    click.echo(f"{len(routes)} routes, {broken} problem(s), {gaps} step(s) with gaps in coverage")
    if broken or (strict and gaps):
        raise SystemExit(1)


# --- accounts ---------------------------------------------------------------------


def _invalid(exc) -> None:
    raise click.ClickException(str(exc))


@accounts_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="The person's name as pages show it.")
@click.option("--email", default=None)
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where the site runs, for the invitation link.",
)
@_in_cli_language
def create_account_cmd(username: str, display_name: str, email: str | None, base_url: str) -> None:
    """Make an account and print a one-time link to set its password."""
    try:
        with unit_of_work():
            account = accounts.create_account(db.session, username, display_name, email)
            token = accounts.invite(db.session, account, by="cli")
    except Invalid as exc:
        _invalid(exc)
    click.echo(
        f"account {account.username} made; give the person this link (valid {accounts.INVITATION_DAYS} "
        f"days, works once):\n  {base_url.rstrip('/')}/beheer/uitnodiging?t={token}"
    )


@accounts_cli.command("invite")
@click.argument("username")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True)
@_in_cli_language
def invite_cmd(username: str, base_url: str) -> None:
    """A new one-time link to set the password (earlier links stop working)."""
    try:
        with unit_of_work():
            token = accounts.invite(db.session, accounts.account_named(db.session, username), by="cli")
    except Invalid as exc:
        _invalid(exc)
    click.echo(f"{base_url.rstrip('/')}/beheer/uitnodiging?t={token}")


@accounts_cli.command("grant")
@click.argument("username")
@click.argument("role")
@click.option("--area", default=None, help="A coordinator's region or municipality code, e.g. GM0363.")
@click.option("--organisation", default=None, help="An organisation editor's (or limited coordinator's) key.")
@_in_cli_language
def grant_cmd(username: str, role: str, area: str | None, organisation: str | None) -> None:
    """Give an account a role: admin, coordinator (--area), org_editor (--organisation), professional."""
    try:
        with unit_of_work():
            g = accounts.grant(
                db.session, accounts.account_named(db.session, username), role, area, organisation, by="cli"
            )
            described = g.describe()
    except Invalid as exc:
        _invalid(exc)
    click.echo(f"{username}: {described}")


@accounts_cli.command("revoke")
@click.argument("username")
@click.argument("role")
@click.option("--area", default=None)
@click.option("--organisation", default=None)
@_in_cli_language
def revoke_cmd(username: str, role: str, area: str | None, organisation: str | None) -> None:
    """Take a role away (all matching grants)."""
    try:
        with unit_of_work():
            removed = accounts.revoke(
                db.session, accounts.account_named(db.session, username), role, area, organisation
            )
    except Invalid as exc:
        _invalid(exc)
    if not removed:
        raise click.ClickException(f"{username} has no such role")
    click.echo(f"{username}: {removed} grant(s) revoked")


@accounts_cli.command("unlock")
@click.argument("username")
@_in_cli_language
def unlock_cmd(username: str) -> None:
    """Open an account locked after too many failed sign-ins."""
    try:
        with unit_of_work():
            auth.unlock(accounts.account_named(db.session, username))
    except Invalid as exc:
        _invalid(exc)
    click.echo(f"{username} unlocked")


@accounts_cli.command("trust")
@click.argument("organisation")
@click.option("--off", is_flag=True, help="Its editors' changes wait for review again.")
def trust_cmd(organisation: str, off: bool) -> None:
    """Trust an organisation: its editors' changes apply at once, without review."""
    with unit_of_work():
        found = db.session.scalar(select(Organisation).where(Organisation.key == organisation))
        if found is None:
            raise click.ClickException(f"no organisation {organisation!r}")
        found.trusted = not off
    click.echo(f"{organisation}: {'not ' if off else ''}trusted")


@accounts_cli.command("list")
def list_accounts_cmd() -> None:
    """Every account with its roles and state."""
    for account in db.session.scalars(select(Account).order_by(Account.username)):
        state = "locked" if account.locked_at else ("active" if account.is_active else "inactive")
        if account.password_hash is None:
            state += ", invited"
        roles = "; ".join(g.describe() for g in account.grants) or "-"
        click.echo(f"{account.username:<24} {state:<18} {roles}")


# --- keeping the map current -------------------------------------------------------


def _day(value: str | None) -> date:
    if not value:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}") from None


@freshness_cli.command("update")
@click.option("--today", default=None, help="Compute the stages as on this day (YYYY-MM-DD), e.g. to simulate.")
@click.option("--service", "keys", multiple=True, help="Only this service (repeat for more).")
@_in_cli_language
def freshness_update_cmd(today: str | None, keys: tuple[str, ...]) -> None:
    """Put every running service (or those named) in its stage (current, due,
    overdue, possibly outdated, demoted); each change is audited. Run daily
    (cron or a timer)."""
    with unit_of_work():
        services = None
        if keys:
            services = list(db.session.scalars(select(Service).where(Service.key.in_(keys))))
            missing = sorted(set(keys) - {s.key for s in services})
            if missing:
                raise click.ClickException(f"no service {', '.join(map(repr, missing))}")
        report = _refresh_stages(_day(today), simulated=today is not None, services=services)
    for key, before, after in report.changed:
        click.echo(f"{key}: {before} -> {after}")
    click.echo(
        ", ".join(f"{stage} {report.counts.get(stage, 0)}" for stage in STAGES) + f" ({len(report.changed)} changed)"
    )


@freshness_cli.command("verify")
@click.argument("service")
@click.option("--how", required=True, type=click.Choice(HOW), help="How it was checked.")
@click.option(
    "--section",
    "sections",
    multiple=True,
    default=("all",),
    show_default=True,
    type=click.Choice(("all", *SECTIONS)),
    help="What was checked (repeat for more).",
)
@click.option("--note", default=None)
@click.option("--today", default=None, help="The day of the check (YYYY-MM-DD); default today.")
@_in_cli_language
def freshness_verify_cmd(
    service: str, how: str, sections: tuple[str, ...], note: str | None, today: str | None
) -> None:
    """Record that a service (or some sections) was checked and found right."""
    day = _day(today)
    try:
        with unit_of_work():
            found = db.session.scalar(select(Service).where(Service.key == service))
            if found is None:
                raise click.ClickException(f"no service {service!r}")
            verify(
                db.session,
                found,
                f"cli:{getpass.getuser()}",
                how,
                sections,
                note,
                today=day,
                thresholds=Thresholds.from_config(current_app.config),
            )
            stage = found.freshness_stage
    except Invalid as exc:
        _invalid(exc)
    click.echo(f"{service}: checked ({', '.join(sections)}), now {stage}")


@freshness_cli.command("remind")
@_in_cli_language
def freshness_remind_cmd() -> None:
    """Send a reminder (a fresh link) to organisations in open update rounds that
    did not open their link within the round's reminder days. Run daily."""
    with unit_of_work():
        count = rounds.remind(db.session, current_app.config["PUBLIC_URL"])
    click.echo(f"{count} reminders")
