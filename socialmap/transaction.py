"""One place owns the transaction, and side effects run only after it commits.

* **The owner.** A CLI command wraps its writes in :func:`unit_of_work`; a web
  view that writes is decorated with :func:`write_request`. Either commits once
  at the end and rolls back everything on any error. Operations
  (``catalogue/operations.py``, ``routes/operations.py``, the loaders) flush,
  never commit.
* **After commit.** Work that must only follow a kept write is queued with
  :func:`after_commit`: it runs after a successful commit and is dropped on a
  rollback. This is the one after-commit path: the search index
  (:mod:`socialmap.search.indexer`) queues its updates here, the loaders the
  demo notice. :func:`install` registers it (``create_app`` calls it).
* **A stale write.** Services, organisations, locations and routes carry a
  ``row_version``; a write based on a version someone else has replaced fails
  (SQLAlchemy's ``StaleDataError``). The owner turns that into
  :class:`StaleWrite`, which names, per record, the values this write wanted and
  the values now stored; a web request answers 409 with both
  (``templates/errors/stale.html``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.orm.exc import StaleDataError

from socialmap.audit import SKIPPED, plain
from socialmap.extensions import db

_QUEUE = "socialmap_after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's transaction has committed (never on rollback)."""
    session.info.setdefault(_QUEUE, []).append(callback)


def _run_queue(session: Session) -> None:
    for callback in session.info.pop(_QUEUE, []):
        callback()


def _drop_queue(session: Session) -> None:
    session.info.pop(_QUEUE, None)


_WANTED = "socialmap_versioned_changes"


def _note_wanted(session: Session, _context, _instances) -> None:
    # Kept until the flush succeeds: a failed one (a stale version) leaves no
    # other trace of what this write wanted.
    session.info[_WANTED] = _wanted(session)


def _flushed(session: Session, _context) -> None:
    session.info.pop(_WANTED, None)


def install() -> None:
    """Register the after-commit queue and the note of what a flush wants to
    change in versioned records (idempotent)."""
    if not event.contains(Session, "after_commit", _run_queue):
        event.listen(Session, "after_commit", _run_queue)
        event.listen(Session, "after_rollback", _drop_queue)
        event.listen(Session, "before_flush", _note_wanted)
        event.listen(Session, "after_flush_postexec", _flushed)


@dataclass(frozen=True)
class Conflict:
    """One record two writers changed: the fields this write set, with the value
    it wanted and the value now stored."""

    entity: str
    key: str | None
    fields: tuple[tuple[str, object, object], ...]  # (field, this write's value, the stored value)


class StaleWrite(Exception):
    """Someone saved a record after this write read it; nothing of this write was kept."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__("; ".join(f"{c.entity} {c.key or ''}".strip() for c in conflicts) or "stale write")


def _wanted(session: Session) -> list[tuple[object, dict[str, object]]]:
    """Versioned records with unsaved changes: (record, {field: the value set})."""
    found = []
    for obj in session.dirty:
        mapper = inspect(obj).mapper
        if mapper.version_id_col is None:
            continue
        changed = {}
        for attr in mapper.column_attrs:
            if attr.key not in SKIPPED:
                history = get_history(obj, attr.key)
                if history.added:
                    changed[attr.key] = plain(history.added[0])
        if changed:
            found.append((obj, changed))
    return found


def _conflicts(session: Session, wanted: list[tuple[object, dict[str, object]]]) -> list[Conflict]:
    """After the rollback: what is stored now for each record this write wanted to change."""
    conflicts = []
    for obj, changes in wanted:
        mapper = inspect(obj).mapper
        identity = inspect(obj).identity
        stored = session.get(mapper.class_, identity, populate_existing=True) if identity else None
        key = getattr(stored, "key", None) if stored is not None else None
        conflicts.append(
            Conflict(
                mapper.local_table.name,
                key if isinstance(key, str) else None,
                tuple(
                    (name, value, plain(getattr(stored, name)) if stored is not None else None)
                    for name, value in changes.items()
                ),
            )
        )
    return conflicts


@contextmanager
def unit_of_work(session: Session | None = None) -> Iterator[Session]:
    """Commit once at the end; roll back everything on any error. A write on a
    record someone else has saved since raises :class:`StaleWrite`."""
    if session is None:
        session = db.session
    try:
        yield session
        session.commit()
    except StaleDataError:
        wanted = session.info.pop(_WANTED, None) or []  # noted by the flush that failed
        session.rollback()
        raise StaleWrite(_conflicts(session, wanted)) from None
    except BaseException:
        session.rollback()
        raise


def write_request(view: Callable) -> Callable:
    """A web view that writes: one transaction for the whole request, committed
    at the end; any error rolls it back; a stale write answers 409 (web.py)."""

    @functools.wraps(view)
    def owned(*args, **kwargs):
        with unit_of_work():
            return view(*args, **kwargs)

    return owned
