"""The migrations make exactly the schema the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from socialmap.db import Base
from socialmap.extensions import db
from socialmap.migration_support import include_object


def test_models_and_migrations_agree(app, backend):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object, "compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_spatial_columns_are_registered_with_an_index(app, backend, session):
    from sqlalchemy import text

    if backend == "spatialite":
        rows = session.execute(
            text("SELECT f_table_name, spatial_index_enabled FROM geometry_columns ORDER BY 1")
        ).all()
        assert [tuple(r) for r in rows] == [("area_unit", 1), ("location", 1)]
    else:
        rows = (
            session.execute(text("SELECT indexname FROM pg_indexes WHERE indexdef ILIKE '%gist%' ORDER BY 1"))
            .scalars()
            .all()
        )
        assert {"idx_area_unit_geom", "idx_location_geom"} <= set(rows)
