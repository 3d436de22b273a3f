"""Declarative base with a naming convention, and engine setup per database.

SQLite runs through ``pysqlite3`` because the machine's ``sqlite3`` module
cannot load extensions; SpatiaLite is loaded on every new connection.
PostgreSQL needs the PostGIS extension, created by the first migration.
"""
from __future__ import annotations

import os

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def engine_options(url: str, spatialite_path: str) -> dict:
    """Engine keyword arguments for ``url``: the pysqlite3 driver for SQLite."""
    if is_sqlite(url):
        import pysqlite3.dbapi2 as pysqlite3

        os.environ.setdefault("SPATIALITE_LIBRARY_PATH", spatialite_path)
        return {"module": pysqlite3, "connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def _on_sqlite_connect(dbapi_conn, _record) -> None:
    from geoalchemy2 import load_spatialite

    # WGS84 only: a full spatial_ref_sys takes seconds to fill on a new file.
    load_spatialite(dbapi_conn, init_mode="WGS84")
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def prepare_engine(engine: Engine) -> None:
    """Per-connection set-up (SpatiaLite, foreign keys) for a new engine."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
