"""Stable public identifiers: uuid5 of table and key at creation, kept when the
key is renamed, and the migration gives existing rows the same ones."""

import uuid

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from socialmap.db import public_id_for
from socialmap.extensions import db
from tests import factories as f
from tests.conftest import _dispose, _make_app


def test_new_records_get_the_id_of_their_key_and_keep_it_when_the_key_changes(session):
    org = f.organisation(session, key="buurtwerk")
    svc = f.service(session, org, key="inloop-oost")
    loc = f.location(session, 4.9, 52.36, key="huis-oost")
    assert org.public_id == public_id_for("organisation", "buurtwerk")
    assert svc.public_id == public_id_for("service", "inloop-oost")
    assert loc.public_id == public_id_for("location", "huis-oost")
    assert len({org.public_id, svc.public_id, loc.public_id}) == 3
    assert isinstance(svc.public_id, uuid.UUID) and svc.public_id.version == 5
    svc.key = "inloop-oost-2"
    session.flush()
    session.expire(svc)
    assert svc.public_id == public_id_for("service", "inloop-oost")


def test_the_migration_gives_existing_rows_the_ids_new_rows_get(tmp_path):
    app = _make_app(f"sqlite:///{tmp_path / 'old.sqlite'}", tmp_path)
    directory = app.extensions["migrate"].directory
    with app.app_context():
        upgrade(directory=directory, revision="b7e3c9a15f22")  # before public ids
        db.session.execute(
            text(
                "INSERT INTO organisation (key, name, translations, row_version, is_demo) "
                "VALUES ('oud', 'Oude organisatie', '{}', 1, 0)"
            )
        )
        db.session.commit()
        upgrade(directory=directory)
        stored = db.session.execute(text("SELECT public_id FROM organisation WHERE key = 'oud'")).scalar()
        assert uuid.UUID(stored) == public_id_for("organisation", "oud")
        downgrade(directory=directory, revision="b7e3c9a15f22")
        columns = [r[1] for r in db.session.execute(text("PRAGMA table_info(organisation)"))]
        assert "public_id" not in columns
    _dispose(app)


def test_every_record_of_the_demo_region_has_its_public_id(demo_session):
    for table in ("service", "organisation", "location"):
        rows = demo_session.execute(text(f"SELECT key, public_id FROM {table}")).all()
        assert rows and all(uuid.UUID(str(pid)) == public_id_for(table, key) for key, pid in rows), table
