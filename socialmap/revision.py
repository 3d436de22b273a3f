"""Revision stamps for what every process keeps in memory.

The need matcher and the need labels (the taxonomy) and the area tree are built
once per process and reused. A commit that changes need terms or areas gives
them a new stamp in the database, in the same transaction; a process compares
the stamp it built with (one indexed read) before it reuses what it holds, so
an edit in one worker shows up in every worker, also when it changed a label
in place (which a count of rows or the largest id cannot see).

A stamp is a fresh random number, not a count: a database dropped and made
again under the same address (as the tests do, from one template) starts from
the same stamp as its sibling copies, and a count would soon repeat a value a
process already holds for other content.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import BigInteger, String, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from socialmap.db import Base

T = TypeVar("T")


class Revision(Base):
    __tablename__ = "revision"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)  # "needs", "areas"
    value: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


_watched: dict[str, tuple[type, ...]] = {}


def watch(name: str, *models: type) -> None:
    """Give ``name`` a new stamp whenever a flush writes one of ``models``."""
    _watched[name] = tuple(dict.fromkeys((*_watched.get(name, ()), *models)))


def current(session: Session, name: str) -> int:
    """The stamp (0 before the first change)."""
    return session.scalar(select(Revision.value).where(Revision.name == name)) or 0


_held: dict[tuple, tuple[int, object]] = {}


def kept(session: Session, name: str, build: Callable[[], T], *key) -> T:
    """``build()``'s result, kept per process and database (and ``key``) until
    the stamp ``name`` changes: how the need matcher, the need labels and the
    area tree are held."""
    where = (str(session.get_bind().url), name, *key)
    stamp = current(session, name)
    held = _held.get(where)
    if held is None or held[0] != stamp:
        held = (stamp, build())
        _held[where] = held
    return held[1]  # type: ignore[return-value]


def _raise_counters(session: Session, _context) -> None:
    touched = {
        name
        for name, models in _watched.items()
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, models)
    }
    connection = session.connection()
    for name in sorted(touched):
        stamp = secrets.randbits(62) or 1
        done = connection.execute(update(Revision).where(Revision.name == name).values(value=stamp))
        if done.rowcount == 0:
            connection.execute(insert(Revision).values(name=name, value=stamp))


def install() -> None:
    """Register the stamping hook (idempotent; create_app calls it)."""
    if not event.contains(Session, "after_flush", _raise_counters):
        event.listen(Session, "after_flush", _raise_counters)
