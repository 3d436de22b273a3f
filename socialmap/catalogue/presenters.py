"""Turning catalogue values into words for people (interface language)."""

from __future__ import annotations

from datetime import date, time

from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _

from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.models import ScheduleRule, Service


def hhmm(t: time | None) -> str:
    if t is None:
        return ""
    return "24:00" if (t.hour, t.minute, t.second) == (23, 59, 59) else f"{t:%H:%M}"


def weekday_name(index: int) -> str:
    return str(voc.WEEKDAY_LABELS[index])


def describe_rule(rule: ScheduleRule) -> str:
    """E.g. 'elke tweede dinsdag van de maand, 19:00-21:00'."""
    day = weekday_name(rule.weekday)
    span = f"{hhmm(rule.opens_at)}–{hhmm(rule.closes_at)}"
    if rule.freq == "monthly":
        nth = {1: _("eerste"), 2: _("tweede"), 3: _("derde"), 4: _("vierde"), -1: _("laatste")}[rule.nth]
        return _("elke %(nth)s %(day)s van de maand, %(span)s", nth=nth, day=day, span=span)
    if rule.interval == 2:
        return _("om de week op %(day)s, %(span)s", day=day, span=span)
    return _("elke %(day)s, %(span)s", day=day, span=span)


def waiting_text(service: Service) -> str | None:
    if service.waiting_weeks is None:
        return None
    if service.waiting_weeks == 0:
        return _("Geen wachtlijst")
    return ngettext("Ongeveer %(num)d week wachten", "Ongeveer %(num)d weken wachten", service.waiting_weeks)


def day_text(day: date | None) -> str:
    return format_date(day, "long") if day else ""


def age_text(service: Service) -> str | None:
    lo, hi = service.min_age, service.max_age
    # "jaar" has one form in Dutch; plural forms let other languages say "1 year" and "2 years".
    if lo is not None and hi is not None:
        return ngettext("Van %(lo)d tot en met %(num)d jaar", "Van %(lo)d tot en met %(num)d jaar", hi, lo=lo)
    if lo is not None:
        return ngettext("Vanaf %(num)d jaar", "Vanaf %(num)d jaar", lo)
    if hi is not None:
        return ngettext("Tot en met %(num)d jaar", "Tot en met %(num)d jaar", hi)
    return None


def label(mapping: dict, code: str) -> str:
    return str(mapping.get(code, code))


def distance_text(metres: float | None) -> str:
    """'350 m' or '1,2 km' (in the interface language's number format), to 50 m:
    the one way every page says a distance (search, neighbourhood, route finder,
    route card), so they never round one distance differently."""
    if metres is None:
        return ""
    if metres < 950:
        return f"{format_decimal(max(50, round(metres / 50) * 50), format='#,##0')} m"
    return f"{format_decimal(metres / 1000, format='#,##0.0')} km"
