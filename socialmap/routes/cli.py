"""``flask --app socialmap referral-routes ...``: load the region's routes, check them.

Not ``routes``: that name is Flask's own command (it lists the URL rules)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from socialmap.config import DATA_DIR
from socialmap.extensions import db
from socialmap.problems import ImportFailed
from socialmap.transaction import unit_of_work

ROUTES_DIR = DATA_DIR / "routes"
DEMO_ROUTES = ROUTES_DIR / "demo"

routes_cli = AppGroup("referral-routes", help="Referral routes: load the region's routes, check them.")


def route_inputs() -> list[Path]:
    """Every file the demo routes are made of (for the demo's change check)."""
    return [ROUTES_DIR / "step_kinds.yaml", *sorted(DEMO_ROUTES.glob("*.yaml"))]


@routes_cli.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--retire-missing", is_flag=True,
              help="Set status 'retired' on routes the files no longer hold (never deletes; load them again to undo).")
def load_cmd(paths: tuple[Path, ...], retire_missing: bool) -> None:
    """Load route YAML files: add and update by key, never delete. Without paths:
    the demo region's routes (as demo routes)."""
    from socialmap.interop.routes_yaml import load_routes, route_files

    demo = not paths
    try:
        with unit_of_work():
            report = load_routes(db.session, route_files(paths or (DEMO_ROUTES,)), demo=demo,
                                 retire_missing=retire_missing)
    except ImportFailed as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{report.routes} routes, {report.steps} steps, {report.transitions} transitions loaded "
               f"({report.retired} retired{': ' + ', '.join(report.retired_keys) if report.retired_keys else ''})")


@routes_cli.command("check")
@click.option("--strict", is_flag=True, help="Also exit 1 when a published route has a gap in coverage.")
def check_cmd(strict: bool) -> None:
    """Check every route's rules, and for published routes which neighbourhoods
    lack an active service at some step. Exit 1 on a broken rule."""
    from socialmap.catalogue.areas import area_tree
    from socialmap.routes.operations import route_problems
    from socialmap.routes.queries import all_routes
    from socialmap.routes.validation import coverage_gaps

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
