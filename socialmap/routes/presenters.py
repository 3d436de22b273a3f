"""Turning route and finder values into words for people (in the current locale)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from socialmap.catalogue import presenters as catalogue_presenters
from socialmap.catalogue import schedule
from socialmap.catalogue import vocabulary as catalogue_voc
from socialmap.catalogue.presenters import distance_text  # noqa: F401  (templates: rp.distance_text)
from socialmap.i18n import localized, pick
from socialmap.routes import vocabulary as voc
from socialmap.routes.kinds import step_kinds


def step_kind_label(step) -> str:
    return str(pick(step_kinds().get(step.kind, {}).get("label") or {"nl": step.kind}))


def client_present_note(step) -> str:
    """A short note for the diagram when the client is not (necessarily) there."""
    return {"no": _("zonder cliënt"), "optional": _("cliënt mag erbij")}.get(step.client_present, "")


def tel_uri(phone: str) -> str:
    """The number for a tel: link ("020 555 1200" -> "0205551200"): digits, and a leading +."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return ("+" + digits) if phone.strip().startswith("+") else digits


def wait_days_text(days: int | None) -> str:
    """A route step's agreed waiting time: in days up to two weeks, then in weeks."""
    if days is None:
        return ""
    if days == 0:
        return _("geen wachttijd")
    if days < 14:
        return ngettext("ongeveer %(num)d dag", "ongeveer %(num)d dagen", days)
    return ngettext("ongeveer %(num)d week", "ongeveer %(num)d weken", round(days / 7))


def age_text(age: int) -> str:
    return ngettext("%(num)d jaar", "%(num)d jaar", age)


def reason_text(reason, need_labels: dict[str, str]) -> str:
    if reason.kind == "need":
        label = need_labels.get(reason.code, reason.code)
        if reason.via and reason.via != reason.code:
            return _(
                "Hulpvraag: %(need)s (valt onder %(via)s)", need=label, via=need_labels.get(reason.via, reason.via)
            )
        return _("Hulpvraag: %(need)s", need=label)
    if reason.kind == "flag":
        return _("Situatie: %(flag)s", flag=voc.FLAGS.get(reason.code, reason.code))
    if reason.kind == "favoured":
        return _("Past goed bij: %(flag)s", flag=voc.FLAGS.get(reason.code, reason.code))
    if reason.kind == "urgency":
        return _("Urgentie: %(urgency)s", urgency=voc.URGENCY.get(reason.code, reason.code))
    if reason.kind == "crisis_first":
        return _("Veiligheid eerst: bij een crisis staat deze route bovenaan.")
    if reason.kind == "set_aside" and reason.code == "age":
        return _("Bij een crisis geldt deze route voor elke leeftijd.")
    if reason.kind == "set_aside":
        return _("Bij een crisis telt niet mee: %(flag)s", flag=voc.FLAGS.get(reason.code, reason.code))
    return reason.code


def hours_lines(service) -> list[str]:
    """Opening hours and meetings in a few lines ("maandag t/m vrijdag: 09:00–17:00")."""
    if service.open_24_7:
        return [_("Dag en nacht bereikbaar, ook in het weekend.")]
    lines = []
    table = schedule.weekly_hours(service)
    i = 0
    while i < len(table):
        day, spans = table[i]
        j = i
        while j + 1 < len(table) and table[j + 1][1] == spans and spans:
            j += 1
        if spans:
            when = ", ".join(f"{catalogue_presenters.hhmm(o)}–{catalogue_presenters.hhmm(c)}" for o, c in spans)
            days = (
                catalogue_presenters.weekday_name(day)
                if i == j
                else _(
                    "%(first)s t/m %(last)s",
                    first=catalogue_presenters.weekday_name(day),
                    last=catalogue_presenters.weekday_name(table[j][0]),
                )
            )
            lines.append(f"{days}: {when}")
        i = j + 1
    lines += [catalogue_presenters.describe_rule(r) for r in service.schedule_rules if r.kind == "meeting"]
    return lines


def access_text(service) -> list[str]:
    return [str(catalogue_voc.ACCESS[a]) for a in service.access if a in catalogue_voc.ACCESS]


def text(obj, field: str):
    return localized(obj, field)
