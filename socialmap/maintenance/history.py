"""An entry's history, the region-wide log, and reverting one change.

The history of a service is its own audit rows and those of its parts
(contacts, opening hours, codes), which name it as their parent. A revert of
one field sets the value from before the change again, through the same
audited operation, with a note naming the change it reverts. It is refused,
with the reason, when the field no longer holds the value the change left
(a later change touched it), or when the change is not one of a field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from socialmap.audit import AuditEntry, plain
from socialmap.catalogue.models import Location, Organisation, Service
from socialmap.catalogue.operations import (
    LOCATION_TEXT,
    ORGANISATION_TEXT,
    REVERTIBLE,
    update_location,
    update_organisation,
    update_service,
)
from socialmap.problems import _

PAGE_SIZE = 100


def entry_history(session: Session, entity: str, entity_id: int, limit: int = 500) -> list[AuditEntry]:
    """An entry's changes and those of its parts (``entity`` is its table:
    service, location, referral_route), newest first."""
    query = (
        select(AuditEntry)
        .where(
            or_(
                (AuditEntry.entity == entity) & (AuditEntry.entity_id == entity_id),
                (AuditEntry.parent == entity) & (AuditEntry.parent_id == entity_id),
            )
        )
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def service_history(session: Session, service: Service, limit: int = 500) -> list[AuditEntry]:
    return entry_history(session, "service", service.id, limit)


@dataclass(frozen=True)
class LogFilter:
    actor: str = ""
    entity: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1


def region_log(session: Session, f: LogFilter) -> list[AuditEntry]:
    """Every change, newest first, filtered by who, what and when."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if f.actor:
        query = query.where(AuditEntry.actor.ilike(f"%{f.actor}%"))
    if f.entity:
        query = query.where(or_(AuditEntry.entity == f.entity, AuditEntry.parent == f.entity))
    if f.since:
        query = query.where(AuditEntry.at >= datetime.combine(f.since, time.min))
    if f.until:
        query = query.where(AuditEntry.at <= datetime.combine(f.until, time.max))
    return list(session.scalars(query.offset((f.page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))


# Per kind of entry: its model, the fields of its own row one revert can set
# back, and the audited operation that sets them.
REVERTERS = {
    "service": (Service, REVERTIBLE, update_service),
    "organisation": (Organisation, (*ORGANISATION_TEXT, "status"), update_organisation),
    "location": (Location, (*LOCATION_TEXT, "status"), update_location),
}


class RevertRefused(Exception):
    """The change cannot be reverted; ``str()`` says why, for the editor."""


def revert_problem(session: Session, entry: AuditEntry) -> str | None:
    """Why ``entry`` cannot be reverted, or None."""
    model, fields, _operation = REVERTERS.get(entry.entity, (None, (), None))
    if model is None or entry.action != "update" or entry.field not in fields:
        return _("Alleen een wijziging van één veld van een dienst, organisatie of locatie kan worden teruggedraaid.")
    target = session.get(model, entry.entity_id)
    if target is None:
        return _("Het item bestaat niet meer.")
    if plain(getattr(target, entry.field)) != entry.after:
        return _(
            "Het veld is daarna nog eens gewijzigd; draai eerst die latere wijziging terug of pas het veld zelf aan."
        )
    return None


def _value(model, field_: str, stored):
    column_type = model.__table__.columns[field_].type.python_type
    return date.fromisoformat(stored) if stored is not None and column_type is date else stored


def restore_before(session: Session, service: Service, entry: AuditEntry, actor: str) -> list[str]:
    """Set the service's own fields (texts, status, waiting time) back to what
    they were just before ``entry``: for each, the value before its first change
    since. One audited change; the fields set back are returned. Its parts
    (contacts, hours, areas) keep their current values: revert those one by one."""
    since = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity == "service",
            AuditEntry.entity_id == service.id,
            AuditEntry.action == "update",
            AuditEntry.field.in_(REVERTIBLE),
            AuditEntry.id >= entry.id,
        )
        .order_by(AuditEntry.id)
    ).all()
    earlier: dict[str, object] = {}
    for row in since:
        earlier.setdefault(row.field, row.before)
    changes = {f: _value(Service, f, v) for f, v in earlier.items() if plain(getattr(service, f)) != v}
    if changes:
        at = entry.at.strftime("%Y-%m-%d %H:%M")
        update_service(
            session,
            service,
            actor,
            note=_("teruggezet naar de stand van voor %(at)s (wijziging %(id)d)", at=at, id=entry.id),
            **changes,
        )
    return sorted(changes)


def revert(session: Session, entry: AuditEntry, actor: str):
    """Set the field back to its value before ``entry`` through the entry's
    own operation (an audited change itself, checked by the same rules); the
    service, organisation or location is returned."""
    problem = revert_problem(session, entry)
    if problem:
        raise RevertRefused(problem)
    model, _fields, operation = REVERTERS[entry.entity]
    target = session.get(model, entry.entity_id)
    operation(
        session,
        target,
        actor,
        note=_("terugdraaien van wijziging %(id)d", id=entry.id),
        **{entry.field: _value(model, entry.field, entry.before)},
    )
    return target
