"""Who changed what, field by field: the audit seam every write passes.

A write says who acts (:func:`acting`: ``"cli:<user>"``, ``"import:<file>"``,
``"demo:setup"``; later an account). At each flush, every new, changed or
deleted catalogue or route object leaves rows in ``audit_entry``: an insert
one row with all its values, an update one row per changed field with the
value before and after, a delete one row with the values it had. The rows are
written in the same transaction as the change, so a rollback takes both away.

Writes made without an actor are recorded as ``"unknown"``: the rows are
never lost, and a test keeps every operation attributed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from inspect import signature
from pathlib import Path

from geoalchemy2.elements import WKBElement, WKTElement
from sqlalchemy import JSON, DateTime, Index, Integer, String, event, func, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session
from sqlalchemy.orm.attributes import get_history

from socialmap.db import Base
from socialmap.geo import from_db

ACTOR = "socialmap_actor"
NOTE = "socialmap_note"
UNKNOWN = "unknown"
# Columns that say when, not what: not worth a row of their own.
SKIPPED = frozenset({"updated_at", "created_at", "row_version"})


class AuditEntry(Base):
    """One change of one field (or one whole record added or removed)."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_entity", "entity", "entity_id"),
        Index("ix_audit_entry_parent", "parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now(), index=True)  # UTC
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    entity: Mapped[str] = mapped_column(String(50))  # the table: service, organisation, referral_route, ...
    entity_id: Mapped[int] = mapped_column(Integer)
    entity_key: Mapped[str | None] = mapped_column(String(100))
    field: Mapped[str | None] = mapped_column(String(100))  # None: the whole record
    before: Mapped[object | None] = mapped_column(JSON)
    after: Mapped[object | None] = mapped_column(JSON)
    # The entry a part belongs to (a contact's service, a step's route), from
    # the model's ``__audit_parent__``: an entry's history includes its parts.
    parent: Mapped[str | None] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(500))  # why, when the editor said


@contextmanager
def acting(session: Session, actor: str, note: str | None = None) -> Iterator[Session]:
    """Attribute the writes inside the block to ``actor``, with an optional
    ``note`` saying why (nested blocks: the innermost)."""
    previous = session.info.get(ACTOR), session.info.get(NOTE)
    session.info[ACTOR] = actor
    session.info[NOTE] = note
    try:
        yield session
    finally:
        for name, value in zip((ACTOR, NOTE), previous):
            if value is None:
                session.info.pop(name, None)
            else:
                session.info[name] = value


def importing(session: Session, paths) -> contextlib.AbstractContextManager:
    """Attribute a load to its files (``"import:a.yaml,b.yaml"``) unless an
    actor was already named (a person running the command, later an account)."""
    if session.info.get(ACTOR):
        return contextlib.nullcontext(session)
    names = ",".join(Path(p).name for p in paths) or "-"
    return acting(session, ("import:" + names)[:200])


def imports(files_param: str):
    """Decorator for a loader ``f(session, <files_param>, ...)``: its writes are
    attributed to those files (:func:`importing`)."""

    def wrap(loader):
        params = signature(loader)

        @functools.wraps(loader)
        def attributed(*args, **kwargs):
            bound = params.bind(*args, **kwargs).arguments
            files = bound[files_param]
            with importing(bound["session"], files if isinstance(files, (list, tuple)) else [files]):
                return loader(*args, **kwargs)

        return attributed

    return wrap


def actor_of(session: Session) -> str:
    return session.info.get(ACTOR) or UNKNOWN


_audited: tuple[type, ...] = ()


def audit(*models: type) -> None:
    """Record changes of these model classes (called once, by the models' packages).
    Their columns keep the value a change replaces even when it was not loaded
    (``active_history``): an edit after a commit still knows "before"."""
    global _audited
    for model in models:
        if model in _audited:
            continue
        for column in inspect(model).column_attrs:
            if column.key not in SKIPPED:
                event.listen(getattr(model, column.key), "set", _keep_old_value, active_history=True)
        event.listen(model, "after_insert", _after_insert)
        event.listen(model, "after_update", _after_update)
        event.listen(model, "after_delete", _after_delete)
    _audited = tuple(dict.fromkeys((*_audited, *models)))


def _keep_old_value(_target, value, _old, _initiator):
    return value


def plain(value):
    """A value as JSON can hold it (dates as ISO text, geometry as WKT)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (WKBElement, WKTElement)):
        shape = from_db(value)
        return shape.wkt if shape is not None else None
    key = getattr(value, "key", None) or getattr(value, "code", None)
    return key if isinstance(key, str) else str(value)


def _columns(obj) -> list[str]:
    return [a.key for a in inspect(obj).mapper.column_attrs if a.key not in SKIPPED]


def _collections(obj) -> list[str]:
    """Many-to-many collections recorded by their members' keys (areas served, needs)."""
    mapper = inspect(obj).mapper
    return [r.key for r in mapper.relationships if r.secondary is not None and r.uselist]


def _members(values) -> list:
    return sorted(plain(v) for v in values or ())


PENDING = "socialmap_audit_rows"


def _pending(target) -> list[dict] | None:
    session = object_session(target)
    return None if session is None else session.info.setdefault(PENDING, [])


def _row(target, action: str, field_=None, before=None, after=None) -> None:
    rows = _pending(target)
    if rows is None:
        return
    mapper = inspect(target).mapper
    # The first primary-key column names the record; a composite key's rest is
    # its key (a service facet: service id, then "domain:social").
    pk = mapper.primary_key_from_instance(target)
    key = getattr(target, "key", None)
    if not isinstance(key, str):
        key = ":".join(str(part) for part in pk[1:]) or None
    parent, parent_column = getattr(type(target), "__audit_parent__", (None, None))
    session = object_session(target)
    rows.append(
        {
            "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),  # UTC on every database
            "actor": actor_of(session),
            "action": action,
            "entity": mapper.local_table.name,
            "entity_id": pk[0],
            "entity_key": key,
            "field": field_,
            "before": before,
            "after": after,
            "parent": parent,
            "parent_id": getattr(target, parent_column) if parent_column else None,
            "note": session.info.get(NOTE),
        }
    )


def _after_insert(_mapper, _connection, target) -> None:
    values = {c: plain(getattr(target, c)) for c in _columns(target)}
    values.update({c: _members(getattr(target, c)) for c in _collections(target)})
    _row(target, "insert", after=values)


def _after_update(_mapper, _connection, target) -> None:
    for name in _columns(target):
        history = get_history(target, name)
        if history.has_changes():
            before = plain(history.deleted[0]) if history.deleted else None
            after = plain(history.added[0]) if history.added else None
            if before != after:
                _row(target, "update", name, before, after)
    for name in _collections(target):
        history = get_history(target, name)
        if history.has_changes():
            now = _members([*history.unchanged, *history.added])
            was = _members([*history.unchanged, *history.deleted])
            if now != was:
                _row(target, "update", name, was, now)


def _after_delete(_mapper, _connection, target) -> None:
    # Also for orphans the flush removes (a route's old steps), which never
    # appear in ``session.deleted``.
    _row(target, "delete", before={c: plain(getattr(target, c)) for c in _columns(target)})


def install() -> None:
    """Write the rows each flush collected, in the flush's transaction (idempotent;
    create_app calls it)."""
    if not event.contains(Session, "after_flush", _write):
        event.listen(Session, "after_flush", _write)
        event.listen(Session, "after_rollback", _forget)


def _write(session: Session, _context) -> None:
    rows = session.info.pop(PENDING, None)
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)
