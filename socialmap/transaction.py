"""One place owns the transaction, and side effects run only after it commits.

Operations flush and may queue work with :func:`after_commit` (search-index
updates, for example); a request handler or CLI command wraps its writes in
:func:`unit_of_work`, which commits once. The queue runs after a successful
commit and is dropped on rollback, so the search index never sees a write
the database did not keep.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

_QUEUE = "socialmap_after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    session.info.setdefault(_QUEUE, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_queue(session: Session) -> None:
    for callback in session.info.pop(_QUEUE, []):
        callback()


@event.listens_for(Session, "after_rollback")
def _drop_queue(session: Session) -> None:
    session.info.pop(_QUEUE, None)


@contextmanager
def unit_of_work(session: Session | None = None) -> Iterator[Session]:
    """Commit once at the end; roll back everything on any error."""
    if session is None:
        from socialmap.extensions import db

        session = db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
