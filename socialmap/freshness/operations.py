"""Writes that keep the map current: a verification ("checked, no change")
and the stage of every entry. Like the catalogue operations they flush, never
commit, check everything first, and are audited with the actor."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from socialmap.audit import acting
from socialmap.catalogue.models import Service
from socialmap.catalogue.operations import update_service
from socialmap.freshness.models import HOW, SECTIONS, Verification
from socialmap.freshness.provenance import added_on, last_checked, section_checks
from socialmap.freshness.stages import Thresholds, stage_of
from socialmap.problems import Invalid, Problem, _


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def verify(
    session: Session,
    service: Service,
    actor: str,
    how: str,
    sections: list[str] | tuple[str, ...] = ("all",),
    note: str | None = None,
    today: date | None = None,
    round_id: int | None = None,
    thresholds: Thresholds | None = None,
) -> list[Verification]:
    """Record that ``sections`` of ``service`` (or "all") were checked and found
    right. A confirmed waiting time now applies today (its date moves). The
    entry's stage follows at once."""
    problems = []
    if how not in HOW:
        problems.append(Problem("", "how", _("kies hoe is gecontroleerd: %(codes)s", codes=", ".join(HOW))))
    wrong = [s for s in sections if s != "all" and s not in SECTIONS]
    if not sections or wrong:
        problems.append(
            Problem("", "sections", _("kies wat is gecontroleerd: %(codes)s", codes=", ".join(("all", *SECTIONS))))
        )
    if problems:
        raise Invalid(problems)
    today = today or _now().date()
    at = datetime.combine(today, _now().time()) if today != _now().date() else _now()
    made = []
    with acting(session, actor, note):
        for section in dict.fromkeys(sections):
            row = Verification(
                service_id=service.id, section=section, at=at, actor=actor, how=how, round_id=round_id, note=note
            )
            session.add(row)
            made.append(row)
        if "all" in sections:
            service.verified_at, service.verified_by = today, actor
        session.flush()
    if (
        service.waiting_weeks is not None
        and ("all" in sections or "waiting" in sections)
        and service.waiting_updated != today
    ):
        update_service(session, service, actor, note=note or _("wachttijd bevestigd"), waiting_updated=today)
    refresh_stages(session, today, [service], thresholds=thresholds, actor=actor)
    return made


@dataclass
class StageReport:
    counts: Counter
    changed: list[tuple[str, str, str]]  # service key, from, to


def refresh_stages(
    session: Session,
    today: date,
    services: list[Service] | None = None,
    thresholds: Thresholds | None = None,
    actor: str | None = None,
    demo_today: date | None = None,
) -> StageReport:
    """Put every running service (or these) in the stage its checks give on
    ``today``; each change is audited (as ``freshness:<today>`` unless an actor
    is given). ``demo_today``: the day the demo region's dates were written for;
    its entries are staged as on that day, so the demo keeps the mix of current
    and stale entries it was made with while the calendar moves on."""
    if services is None:
        services = list(
            session.scalars(
                select(Service)
                .where(Service.status != "ended")
                .options(
                    selectinload(Service.schedule_rules),
                    selectinload(Service.contacts),
                    selectinload(Service.locations),
                )
            )
        )
    checks = section_checks(session, services)
    never = [s.id for s in services if last_checked(checks[s.id]) is None]
    added = added_on(session, never) if never else {}
    counts: Counter = Counter()
    changed = []
    with acting(session, actor or f"freshness:{today.isoformat()}"):
        for service in services:
            checked = last_checked(checks[service.id]) or added.get(service.id)
            day = demo_today if (demo_today is not None and service.is_demo) else today
            stage = stage_of(checked, service.review_interval_days, day, thresholds)
            counts[stage] += 1
            if service.freshness_stage != stage:
                changed.append((service.key, service.freshness_stage, stage))
                service.freshness_stage, service.stage_since = stage, today
        session.flush()
    return StageReport(counts, changed)
