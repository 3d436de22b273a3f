"""Declarative base with a naming convention, and engine setup per database.

SQLite runs through ``pysqlite3`` because the machine's ``sqlite3`` module
cannot load extensions; SpatiaLite is loaded on every new connection.
PostgreSQL needs the PostGIS extension, created by the first migration.

One SQLite and one GEOS per process: ``mod_spatialite`` links Debian's
``libsqlite3`` and ``libgeos``, and SQLite loads it with ``RTLD_GLOBAL``. A
driver wheel with its own SQLite, or a Shapely wheel with its own GEOS, then
shares the process with a second copy whose symbols win the dynamic linker's
look-ups (seen: 3,433 of Shapely's GEOS calls bound to Debian's GEOS 3.11
instead of its own 3.14). ``scripts/bootstrap.sh`` therefore builds pysqlite3
and Shapely from source against the system libraries, and the first SQLite
connection refuses to run when it finds two copies (``native_library_problems``).
"""

from __future__ import annotations

import os
import uuid

from geoalchemy2 import load_spatialite
from sqlalchemy import MetaData, Uuid, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.attributes import flag_modified

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Versioned:
    """Optimistic locking for a record people edit: every UPDATE checks the
    ``row_version`` the writer read and raises it; a second writer who read the
    old number fails (StaleDataError; a write request answers 409, see
    :mod:`socialmap.transaction`)."""

    row_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.row_version}


@event.listens_for(Session, "before_flush")
def _versions_follow_parts(session: Session, _context, _instances) -> None:
    """A record's parts are versioned with it: when a contact, opening hour or
    code of a service (a step or transition of a route) is added, changed or
    removed, or a linked list (areas served, needs) changes, the record's own
    row is updated too, so its ``row_version`` is checked and raised -- two
    editors of one service collide even when they touched different parts.
    Parts name their record with ``__audit_parent__`` (table, column)."""
    by_table = {m.local_table.name: m.class_ for m in Base.registry.mappers if issubclass(m.class_, Versioned)}
    touched = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Versioned):
            if obj in session.dirty and session.is_modified(obj, include_collections=True):
                touched.add(obj)
            continue
        table, column = getattr(type(obj), "__audit_parent__", (None, None))
        parent_class = by_table.get(table)
        parent_id = getattr(obj, column, None) if column else None
        if parent_class is not None and parent_id is not None:
            parent = session.get(parent_class, parent_id)
            if parent is not None:
                touched.add(parent)
    for record in touched:
        if record not in session.new and record not in session.deleted and hasattr(record, "updated_at"):
            flag_modified(record, "updated_at")


# socialmap's own namespace for public identifiers (uuid5 of "socialmap.nl/ids").
PUBLIC_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "socialmap.nl/ids")


def public_id_for(table: str, key: str) -> uuid.UUID:
    """The public identifier a record of ``table`` with ``key`` gets when it is
    created: the same key gives the same id on every machine and every reload."""
    return uuid.uuid5(PUBLIC_ID_NAMESPACE, f"{table}/{key}")


class PublicId:
    """A stable public identifier (a UUID, HSDS's ``id``), set once at creation
    from the table and key (:func:`public_id_for`) and kept when the key is
    renamed: other systems may keep referring to it. The internal integer ``id``
    is never shown outside."""

    @declared_attr
    def public_id(cls) -> Mapped[uuid.UUID | None]:
        table = cls.__tablename__

        def from_key(context) -> uuid.UUID:
            return public_id_for(table, context.get_current_parameters()["key"])

        return mapped_column(Uuid, index=True, unique=True, default=from_key)


def keeping_equal(old: list, new: list, extra=None) -> list:
    """``new`` (rows not yet stored), reusing the stored rows of ``old``: first
    each row whose columns (all but ids and foreign keys, plus ``extra(row)``)
    are equal, then the rest in order, taking the new values. A reload that
    changes nothing writes nothing, and a changed phone number is one audited
    field, not a deleted and a new row."""

    def values(row) -> dict:
        found = {"extra": extra(row)} if extra else {}
        for column in row.__table__.columns:
            if column.primary_key or column.foreign_keys:
                continue
            value = getattr(row, column.key)
            if value is None and column.default is not None:  # a new row before its INSERT
                value = column.default.arg if column.default.is_scalar else column.default.arg(None)
            found[column.key] = value
        return found

    unused: dict[str, list] = {}
    for row in old:
        unused.setdefault(repr(values(row)), []).append(row)
    kept = [unused[repr(values(row))].pop(0) if unused.get(repr(values(row))) else None for row in new]
    leftover = sorted((row for rows in unused.values() for row in rows), key=old.index)
    for i, row in enumerate(new):
        if kept[i] is None and leftover:
            kept[i] = leftover.pop(0)
            for key, value in values(row).items():
                if key != "extra" and getattr(kept[i], key) != value:
                    setattr(kept[i], key, value)
    return [k if k is not None else row for k, row in zip(kept, new)]


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def engine_options(url: str, spatialite_path: str) -> dict:
    """Engine keyword arguments for ``url``: the pysqlite3 driver for SQLite."""
    if is_sqlite(url):
        import pysqlite3.dbapi2 as pysqlite3  # only SQLite needs it (built by scripts/bootstrap.sh)

        os.environ.setdefault("SPATIALITE_LIBRARY_PATH", spatialite_path)
        return {"module": pysqlite3, "connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def native_library_problems(maps_file: str = "/proc/self/maps") -> list[str]:
    """Libraries loaded twice in this process (two SQLite or two GEOS builds).

    Empty where the process map cannot be read (not Linux)."""
    try:
        with open(maps_file, encoding="utf-8", errors="replace") as fh:
            paths = {line.split()[-1] for line in fh if ".so" in line}
    except OSError:
        return []
    families = {
        "SQLite": lambda n: n.startswith("libsqlite3"),
        "GEOS C API": lambda n: n.startswith("libgeos_c"),
        "GEOS": lambda n: n.startswith("libgeos") and not n.startswith("libgeos_c"),
    }
    problems = []
    for family, member in families.items():
        found = sorted(p for p in paths if member(os.path.basename(p)))
        if len(found) > 1:
            problems.append(f"{family} loaded twice ({', '.join(found)})")
    return problems


_checked = {"done": False}


def _on_sqlite_connect(dbapi_conn, _record) -> None:
    # WGS84 only: a full spatial_ref_sys takes seconds to fill on a new file.
    load_spatialite(dbapi_conn, init_mode="WGS84")
    if not _checked["done"]:
        _checked["done"] = True
        problems = native_library_problems()
        if problems:
            raise RuntimeError(
                "SpatiaLite shares this process with a second SQLite or GEOS library, which "
                "corrupts memory: " + "; ".join(problems) + ". Run scripts/bootstrap.sh, which "
                "builds pysqlite3 and Shapely against the system libraries."
            )
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def prepare_engine(engine: Engine) -> None:
    """Per-connection set-up (SpatiaLite, foreign keys) for a new engine."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
