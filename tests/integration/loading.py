"""Helpers for the catalogue-loading tests (test_load_*.py): small catalogues in
the toy region of tests/factories.py, and the CLI."""

from __future__ import annotations

import yaml
from sqlalchemy import func, select

from socialmap.catalogue.models import Service
from tests import factories as f


def toy(session, commit: bool = False):
    """The toy region (GM9999, buurten BU9999A001/A002/B001) and two needs."""
    areas = f.toy_region(session)
    fin = f.need(session, "fin", "Geld")
    f.need(session, "fin.debt", "Schulden", parent=fin)
    if commit:
        session.commit()
    return areas


def service(key: str, org: str, **fields) -> dict:
    """A valid service record; ``fields`` replace or add fields."""
    record = {
        "key": key,
        "organisation": org,
        "name": {"nl": f"Dienst {key}"},
        "summary": {"nl": "Een korte uitleg."},
        "kinds": ["walk_in"],
        "domains": ["social"],
        "needs": ["fin.debt"],
        "access": ["walk_in"],
        "cost": {"type": "free"},
        "formats": ["group"],
        "languages": ["nl"],
        "serves": ["WK9999A0"],
    }
    record.update(fields)
    return record


def organisation(key: str, *locations: dict) -> dict:
    record = {"key": key, "name": f"Organisatie {key}"}
    if locations:
        record["locations"] = list(locations)
    return record


def location(key: str, **fields) -> dict:
    record = {"key": key, "street": "Dorpsstraat", "number": "1", "city": "Toydorp"}
    record.update(fields)
    return record


def catalogue(tmp_path, name: str, organisations=(), services=()):
    """A catalogue YAML file holding these records."""
    path = tmp_path / name
    path.write_text(
        yaml.safe_dump(
            {"organisations": list(organisations), "services": list(services)}, allow_unicode=True, sort_keys=False
        ),
        encoding="utf-8",
    )
    return path


def cli(app, *args):
    """Run ``flask --app socialmap <args>``; the result (exit_code, output)."""
    return app.test_cli_runner().invoke(args=[str(a) for a in args])


def statuses(session) -> dict[str, str]:
    session.expire_all()
    return dict(session.execute(select(Service.key, Service.status)).all())


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))
