"""When is a service open, or when does a group meet?

Answers from a service's schedule rules and exceptions, with the Dutch public
holidays known (``holidays`` package). A service that is temporarily closed or
ended is never open. Times are local (Europe/Amsterdam) wall-clock times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask import current_app

from socialmap.catalogue.models import ScheduleException, ScheduleRule, Service


@lru_cache(maxsize=16)
def _dutch_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("NL", years=year, language="nl"))


def local_now(timezone: str | None = None) -> datetime:
    """Wall-clock time in the region (opening hours are local times)."""
    if timezone is None:
        timezone = current_app.config["TIMEZONE"]
    return datetime.now(ZoneInfo(timezone)).replace(tzinfo=None)


def public_holiday(day: date) -> str | None:
    """The name of the Dutch public holiday on ``day``, if it is one."""
    return _dutch_holidays(day.year).get(day)


def rule_occurs_on(rule: ScheduleRule, day: date) -> bool:
    if day.weekday() != rule.weekday:
        return False
    if rule.freq == "weekly":
        if rule.interval <= 1:
            return True
        start = rule.dtstart or day
        return day >= start and ((day - start).days // 7) % rule.interval == 0
    if rule.freq == "monthly":
        if rule.nth == -1:
            return (day + timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 + 1 == rule.nth
    return False


@dataclass(frozen=True)
class Span:
    opens: time
    closes: time
    kind: str  # hours | meeting | exception | 24/7


def _exception_on(service: Service, day: date) -> ScheduleException | None:
    for ex in service.schedule_exceptions:
        if ex.start <= day <= ex.end:
            return ex
    return None


def spans_on(service: Service, day: date) -> list[Span]:
    """The times the service is open (or meets) on ``day``; [] when closed."""
    if service.status != "active":
        return []
    ex = _exception_on(service, day)
    if ex is not None:
        if ex.closed or ex.opens_at is None or ex.closes_at is None:
            return []
        return [Span(ex.opens_at, ex.closes_at, "exception")]
    if service.open_24_7:
        return [Span(time(0, 0), time(23, 59, 59), "24/7")]
    if service.closed_on_public_holidays and public_holiday(day):
        return []
    return sorted(
        (Span(r.opens_at, r.closes_at, r.kind) for r in service.schedule_rules if rule_occurs_on(r, day)),
        key=lambda s: s.opens,
    )


def is_open_at(service: Service, moment: datetime) -> bool:
    now = moment.time()
    return any(s.opens <= now < s.closes for s in spans_on(service, moment.date()))


def is_open_on(service: Service, day: date) -> bool:
    return bool(spans_on(service, day))


def has_schedule(service: Service) -> bool:
    return service.open_24_7 or bool(service.schedule_rules)


def next_meetings(service: Service, start: date, count: int = 3, horizon_days: int = 120) -> list[tuple[date, Span]]:
    """The next ``count`` meeting dates from ``start`` (for groups that meet)."""
    found = []
    for offset in range(horizon_days):
        day = start + timedelta(days=offset)
        for span in spans_on(service, day):
            if span.kind in ("meeting", "exception") and any(r.kind == "meeting" for r in service.schedule_rules):
                found.append((day, span))
        if len(found) >= count:
            break
    return found[:count]


def weekly_hours(service: Service) -> list[tuple[int, list[tuple[time, time]]]]:
    """Regular opening hours per weekday (0 = Monday), for an hours table."""
    table: dict[int, list[tuple[time, time]]] = {d: [] for d in range(7)}
    for r in service.schedule_rules:
        if r.kind == "hours":
            table[r.weekday].append((r.opens_at, r.closes_at))
    return [(d, sorted(spans)) for d, spans in table.items()]


def upcoming_exceptions(service: Service, today: date, days: int = 60) -> list[ScheduleException]:
    return [ex for ex in service.schedule_exceptions if ex.end >= today and ex.start <= today + timedelta(days=days)]
