"""Alembic environment: runs migrations on the app's engine (SpatiaLite or PostGIS)."""

from alembic import context
from flask import current_app
from geoalchemy2 import alembic_helpers

from socialmap.db import Base
from socialmap.migration_support import include_object

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = current_app.extensions["migrate"].db.engine
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_object=include_object,
            process_revision_directives=alembic_helpers.writer,
            render_item=alembic_helpers.render_item,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: run against a database")
run_migrations_online()
