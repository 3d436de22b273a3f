"""When each section of a service was last checked, and how.

A section counts as checked on the latest of: the service's own verified
date (from its source, or the last whole verification), a verification of
that section or of all of it, and a change of one of its fields by a person
(an account or a provider link; a load from a file restates its source and
does not count). The entry as a whole is as fresh as its stalest section.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from socialmap.audit import AuditEntry
from socialmap.catalogue.models import Service, service_location
from socialmap.freshness.models import SECTIONS, Verification

# The service's own fields and the parts that make up each section.
SECTION_FIELDS = {
    "hours": ("open_24_7", "closed_on_public_holidays"),
    "contacts": (),
    "access": ("cost_type", "cost_note", "conditions", "min_age", "max_age"),
    "waiting": ("waiting_weeks", "waiting_updated"),
    "location": ("locations",),
}
SECTION_PARTS = {"schedule_rule": "hours", "schedule_exception": "hours", "contact": "contacts"}
FIELD_SECTION = {f: s for s, fields in SECTION_FIELDS.items() for f in fields}
# Writers whose changes are not a person's check of the value.
NOT_A_CHECK = ("import:", "demo:", "freshness:", "cli:", "unknown")


@dataclass(frozen=True)
class Check:
    day: date
    how: str  # freshness.models.HOW, "edit" (changed by a person) or "source" (the source's date)
    actor: str | None = None


def applicable(service: Service) -> tuple[str, ...]:
    """The sections this service has."""
    has = {"access"}
    if service.schedule_rules or service.open_24_7:
        has.add("hours")
    if service.contacts:
        has.add("contacts")
    if service.waiting_weeks is not None:
        has.add("waiting")
    if service.locations:
        has.add("location")
    return tuple(s for s in SECTIONS if s in has)


def _later(a: Check | None, b: Check | None) -> Check | None:
    """The later check; on the same day a recorded one says more than the
    service's own date (which a whole verification also sets)."""
    if a is None or (b is not None and (b.day > a.day or (b.day == a.day and a.how == "source"))):
        return b
    return a


def section_checks(session: Session, services: list[Service]) -> dict[int, dict[str, Check | None]]:
    """Per service id, per applicable section, its last check (None: never)."""
    ids = [s.id for s in services]
    found: dict[int, dict[str, Check | None]] = {}
    for service in services:
        base = Check(service.verified_at, "source", service.verified_by) if service.verified_at else None
        found[service.id] = dict.fromkeys(applicable(service), base)
    if not ids:
        return found

    def note(service_id: int, section: str, check: Check) -> None:
        sections = found.get(service_id, {})
        targets = SECTIONS if section == "all" else (section,)
        for s in targets:
            if s in sections:
                sections[s] = _later(sections[s], check)

    for v in session.scalars(select(Verification).where(Verification.service_id.in_(ids))):
        note(v.service_id, v.section, Check(v.at.date(), v.how, v.actor))
    location_services: dict[int, list[int]] = {}
    for service_id, location_id in session.execute(
        select(service_location.c.service_id, service_location.c.location_id).where(
            service_location.c.service_id.in_(ids)
        )
    ):
        location_services.setdefault(location_id, []).append(service_id)
    person = ~or_(*[AuditEntry.actor.startswith(p) for p in NOT_A_CHECK])
    rows = session.execute(
        select(
            AuditEntry.entity,
            AuditEntry.entity_id,
            AuditEntry.parent_id,
            AuditEntry.field,
            AuditEntry.at,
            AuditEntry.actor,
        ).where(
            person,
            or_(
                (AuditEntry.entity == "service") & AuditEntry.entity_id.in_(ids) & AuditEntry.field.in_(FIELD_SECTION),
                (AuditEntry.parent == "service") & AuditEntry.parent_id.in_(ids) & AuditEntry.entity.in_(SECTION_PARTS),
                (AuditEntry.entity == "location") & AuditEntry.entity_id.in_(list(location_services) or [-1]),
            ),
        )
    )
    for entity, entity_id, parent_id, field_, at, actor in rows:
        check = Check(at.date(), "edit", actor)
        if entity == "service" and field_ is not None:
            note(entity_id, FIELD_SECTION[field_], check)
        elif entity == "location":
            for service_id in location_services.get(entity_id, ()):
                note(service_id, "location", check)
        elif parent_id is not None:
            note(parent_id, SECTION_PARTS[entity], check)
    return found


def last_checked(checks: dict[str, Check | None]) -> date | None:
    """The entry's freshness: the date of its stalest section (None if one was never checked)."""
    if not checks or any(c is None for c in checks.values()):
        return None
    return min(c.day for c in checks.values() if c is not None)


def added_on(session: Session, service_ids: list[int]) -> dict[int, date]:
    """When each service was added (its first audit row), for entries never checked."""
    rows = session.execute(
        select(AuditEntry.entity_id, func.min(AuditEntry.at))
        .where(AuditEntry.entity == "service", AuditEntry.entity_id.in_(service_ids or [-1]))
        .group_by(AuditEntry.entity_id)
    )
    return {sid: (at.date() if isinstance(at, datetime) else date.fromisoformat(str(at)[:10])) for sid, at in rows}
