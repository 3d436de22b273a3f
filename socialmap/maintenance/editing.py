"""The service form: what an editor sees and sends, read back into values the
catalogue operations take, and the merge of an edit made on an older version.

Values travel in one plain shape (text, lists of text and small dicts of
text) so they compare exactly: :func:`service_values` reads them from a
service, :func:`read_form` from a submitted form (with a problem per field
that cannot be read), :func:`merge` combines an editor's values with the
ones stored since the editor opened the form, and :func:`as_changes` turns
the difference into keyword arguments of ``catalogue.operations.update_service``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time

from werkzeug.datastructures import MultiDict

from socialmap import geo
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.models import Location, Service
from socialmap.catalogue.operations import LOCATION_TEXT, InvalidChange
from socialmap.problems import Problem, _, shown

TEXTS = ("name", "summary", "description", "conditions", "cost_note", "status_note")
ENGLISH = ("name", "summary", "description")
CONTACT_FIELDS = ("label", "phone", "email", "url", "hours", "audience")
HOURS_FIELDS = ("day", "opens", "closes")
MEETING_FIELDS = ("day", "every", "nth", "from", "opens", "closes")
EXCEPTION_FIELDS = ("start", "end", "closed", "opens", "closes", "note")
EVERY = ("week", "2 weeks", "month")
EXTRA_ROWS = 2  # empty rows offered for a new contact or opening hours

# Field names as the form and the history show them.
FIELDS = (
    *TEXTS,
    *(f"{f}_en" for f in ENGLISH),
    "status",
    "waiting_weeks",
    "waiting_updated",
    "review_interval_days",
    "contacts",
    "hours",
    "meetings",
    "exceptions",
    "serves",
    "locations",
)


def service_values(service: Service) -> dict:
    """The editable values of ``service`` in the form's shape."""
    en = (service.translations or {}).get("en") or {}
    values: dict = {f: getattr(service, f) or "" for f in TEXTS}
    values.update({f"{f}_en": en.get(f) or "" for f in ENGLISH})
    values["status"] = service.status
    values["waiting_weeks"] = "" if service.waiting_weeks is None else str(service.waiting_weeks)
    values["waiting_updated"] = service.waiting_updated.isoformat() if service.waiting_updated else ""
    values["review_interval_days"] = str(service.review_interval_days)
    values["contacts"] = [
        {
            "label": c.label or "",
            "phone": c.phone or "",
            "email": c.email or "",
            "url": c.url or "",
            "hours": c.hours or "",
            "audience": c.audience,
        }
        for c in service.contacts
    ]
    values["hours"] = [
        {"day": voc.WEEKDAYS[r.weekday], "opens": f"{r.opens_at:%H:%M}", "closes": _closing(r.closes_at)}
        for r in service.schedule_rules
        if r.kind == "hours"
    ]
    values["meetings"] = [
        {
            "day": voc.WEEKDAYS[r.weekday],
            "every": "month" if r.freq == "monthly" else "2 weeks" if r.interval == 2 else "week",
            "nth": "" if r.nth is None else str(r.nth),
            "from": r.dtstart.isoformat() if r.dtstart else "",
            "opens": f"{r.opens_at:%H:%M}",
            "closes": _closing(r.closes_at),
        }
        for r in service.schedule_rules
        if r.kind != "hours"
    ]
    values["exceptions"] = [
        {
            "start": e.start.isoformat(),
            "end": e.end.isoformat(),
            "closed": "on" if e.closed else "",
            "opens": f"{e.opens_at:%H:%M}" if e.opens_at else "",
            "closes": _closing(e.closes_at) if e.closes_at else "",
            "note": e.note or "",
        }
        for e in service.schedule_exceptions
    ]
    values["serves"] = sorted(a.code for a in service.areas_served)
    values["locations"] = sorted(loc.key for loc in service.locations)
    return values


def _closing(value: time) -> str:
    return "24:00" if value == time(23, 59, 59) else f"{value:%H:%M}"


def form_rows(form: MultiDict, prefix: str, fields, *, defaults=(), checks=(), numbered: bool = False) -> list[dict]:
    """Rows sent as ``<prefix>-<n>-<field>`` (checkboxes in ``checks``), in
    order. A row with nothing but ``defaults`` (choices that always have a value)
    and checkboxes is an empty row the form offered, and is left out. With
    ``numbered`` each row keeps its number (``row``) to name its fields in problems."""
    numbers = sorted(
        {
            int(k.split("-")[1])
            for k in form
            if k.startswith(prefix + "-") and k.count("-") == 2 and k.split("-")[1].isdigit()
        }
    )
    rows = []
    for n in numbers:
        row = {f: (form.get(f"{prefix}-{n}-{f}") or "").strip() for f in fields}
        row.update({c: form.get(f"{prefix}-{n}-{c}") == "on" for c in checks})
        if any(row[f] for f in fields if f not in defaults):
            rows.append({**row, "row": n} if numbered else row)
    return rows


@dataclass
class Read:
    values: dict
    problems: list[Problem]


def read_form(form: MultiDict, allowed_areas: set[str], allowed_locations: set[str]) -> Read:
    """The editor's values from the form, and a problem for each that cannot be used."""
    problems: list[Problem] = []

    def fail(field_: str, message: str) -> None:
        problems.append(Problem("", field_, message))

    values: dict = {f: (form.get(f) or "").strip() for f in (*TEXTS, *(f"{f}_en" for f in ENGLISH))}
    for f in ("name", "summary"):
        if not values[f]:
            fail(f, _("is verplicht"))
    limits = {"name": 200, "name_en": 200, "status_note": 2000}
    for f, limit in limits.items():
        if len(values[f]) > limit:
            fail(f, _("is %(length)d tekens lang; de grens is %(max)d", length=len(values[f]), max=limit))
    values["status"] = form.get("status") or ""
    if values["status"] not in voc.STATUS:
        fail("status", _("kies een van: %(codes)s", codes=", ".join(str(v) for v in voc.STATUS.values())))
    values.update(read_waiting(form, fail))
    values["review_interval_days"] = (form.get("review_interval_days") or "").strip()
    if not (values["review_interval_days"].isdigit() and 7 <= int(values["review_interval_days"]) <= 1095):
        fail("review_interval_days", _("vul een aantal dagen in, van 7 tot 1095 (drie jaar)"))
    values["contacts"] = read_contacts(form, fail)
    values["hours"] = read_hours(form, fail)
    values["meetings"] = form_rows(form, "meeting", MEETING_FIELDS, defaults=("day", "every"))
    for i, m in enumerate(values["meetings"]):
        if m["day"] not in voc.WEEKDAYS:
            fail(f"meeting-{i}-day", _("kies een dag"))
        if m["every"] not in EVERY:
            fail(f"meeting-{i}-every", _("kies elke week, om de week of elke maand"))
        if m["every"] == "month" and m["nth"] not in ("1", "2", "3", "4", "-1"):
            fail(f"meeting-{i}-nth", _("kies welke week van de maand"))
        if m["every"] != "month":
            m["nth"] = ""
        if m["every"] == "2 weeks":
            try:
                date.fromisoformat(m["from"])
            except ValueError:
                fail(f"meeting-{i}-from", _("om de week: geef de datum van een bijeenkomst (JJJJ-MM-DD)"))
        else:
            m["from"] = ""
        _check_times(fail, f"meeting-{i}", m)
    values["exceptions"] = form_rows(form, "exception", EXCEPTION_FIELDS, defaults=("closed",))
    for i, e in enumerate(values["exceptions"]):
        e["closed"] = "on" if e["closed"] else ""
        try:
            start, end = date.fromisoformat(e["start"]), date.fromisoformat(e["end"] or e["start"])
            e["end"] = end.isoformat()
            if end < start:
                fail(f"exception-{i}-end", _("de einddatum ligt voor de begindatum"))
        except ValueError:
            fail(f"exception-{i}-start", _("geef de datums als JJJJ-MM-DD"))
        if not e["closed"]:
            _check_times(fail, f"exception-{i}", e)
        else:
            e["opens"] = e["closes"] = ""
    values["serves"] = sorted(set(form.getlist("serves")))
    if not values["serves"]:
        fail("serves", _("kies minstens één gebied waar de dienst voor is"))
    elif set(values["serves"]) - allowed_areas:
        fail("serves", _("u kunt alleen gebieden binnen uw regio kiezen"))
    values["locations"] = sorted(set(form.getlist("locations")))
    if set(values["locations"]) - allowed_locations:
        fail("locations", _("kies locaties van de organisatie van deze dienst"))
    return Read(values, problems)


def read_waiting(form: MultiDict, fail) -> dict:
    """The waiting time and the date it applied on (a time always has its date)."""
    values = {
        "waiting_weeks": (form.get("waiting_weeks") or "").strip(),
        "waiting_updated": (form.get("waiting_updated") or "").strip(),
    }
    if values["waiting_weeks"] and not (values["waiting_weeks"].isdigit() and int(values["waiting_weeks"]) <= 520):
        fail("waiting_weeks", _("vul een aantal weken in (0 tot 520), of laat het leeg als het onbekend is"))
    if values["waiting_updated"]:
        try:
            date.fromisoformat(values["waiting_updated"])
        except ValueError:
            fail("waiting_updated", _("geen datum (JJJJ-MM-DD): %(value)s", value=shown(values["waiting_updated"])))
    elif values["waiting_weeks"]:
        fail("waiting_updated", _("een wachttijd heeft altijd de datum waarop hij gold"))
    return values


def read_contacts(form: MultiDict, fail) -> list[dict]:
    """The contact rows (``contact-<n>-<field>``), each checked."""
    contacts = form_rows(form, "contact", CONTACT_FIELDS, defaults=("audience",))
    for i, c in enumerate(contacts):
        if not c["label"]:
            fail(f"contact-{i}-label", _("geef het contact een naam (bijvoorbeeld 'Algemeen')"))
        if not (c["phone"] or c["email"] or c["url"]):
            fail(f"contact-{i}-phone", _("een telefoonnummer, e-mailadres of url is nodig"))
        if c["email"] and "@" not in c["email"]:
            fail(f"contact-{i}-email", _("geen e-mailadres: %(value)s", value=shown(c["email"])))
        if c["url"] and not c["url"].startswith(("https://", "http://")):
            fail(f"contact-{i}-url", _("een webadres begint met https://"))
        if c["audience"] not in voc.CONTACT_AUDIENCE:
            c["audience"] = "public"
    return contacts


def read_hours(form: MultiDict, fail) -> list[dict]:
    """The weekly opening-hours rows (``hours-<n>-<field>``), each checked."""
    hours = form_rows(form, "hours", HOURS_FIELDS, defaults=("day",))
    for i, h in enumerate(hours):
        if h["day"] not in voc.WEEKDAYS:
            fail(f"hours-{i}-day", _("kies een dag"))
        _check_times(fail, f"hours-{i}", h)
    return hours


def _check_times(fail, prefix: str, row: dict) -> None:
    try:
        if _clock(row["closes"]) <= _clock(row["opens"]):
            fail(
                f"{prefix}-closes",
                _("sluit (%(closes)s) voor het opengaat (%(opens)s)", closes=row["closes"], opens=row["opens"]),
            )
    except ValueError:
        fail(f"{prefix}-opens", _("vul tijden in als UU:MM, bijvoorbeeld 09:00 en 17:00"))


def _clock(text: str) -> time:
    hours, _sep, minutes = text.partition(":")
    if text == "24:00":
        return time(23, 59, 59)
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class Conflict:
    field: str
    yours: object
    stored: object


def merge(base: dict, mine: dict, stored: dict, fields=FIELDS) -> tuple[dict, list[Conflict]]:
    """Combine the editor's values with what was stored since the form was
    opened (``base``): a field only one side changed takes that side's value;
    a field both changed differently is a conflict (the editor's value is kept
    in the result, so nothing typed is lost). Rows are compared without their
    form row numbers."""
    merged, conflicts = {}, []
    for f in fields:
        b, m, s = (_comparable(v.get(f)) for v in (base, mine, stored))
        if m == b:
            merged[f] = stored.get(f)
        elif s == b or m == s:
            merged[f] = mine.get(f)
        else:
            merged[f] = mine.get(f)
            conflicts.append(Conflict(f, mine.get(f), stored.get(f)))
    return merged, conflicts


def _comparable(value):
    if isinstance(value, list):
        return [{k: v for k, v in row.items() if k != "row"} if isinstance(row, dict) else row for row in value]
    return value


def encode_base(values: dict) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


def decode_base(text: str | None) -> dict | None:
    try:
        value = json.loads(text or "")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def as_changes(values: dict, stored: dict) -> dict:
    """The keyword arguments of ``update_service`` for every field that differs."""
    changes: dict = {}
    for f in FIELDS:
        if values[f] == stored[f]:
            continue
        if f == "waiting_weeks":
            changes[f] = int(values[f]) if values[f] != "" else None
        elif f == "review_interval_days":
            changes[f] = int(values[f])
        elif f == "waiting_updated":
            changes[f] = date.fromisoformat(values[f]) if values[f] else None
        elif f == "hours":
            changes[f] = [
                {
                    "weekday": voc.WEEKDAYS.index(h["day"]),
                    "opens_at": _clock(h["opens"]),
                    "closes_at": _clock(h["closes"]),
                }
                for h in values[f]
            ]
        elif f == "meetings":
            changes[f] = [
                {
                    "weekday": voc.WEEKDAYS.index(m["day"]),
                    "freq": "monthly" if m["every"] == "month" else "weekly",
                    "interval": 2 if m["every"] == "2 weeks" else 1,
                    "nth": int(m["nth"]) if m["nth"] else None,
                    "dtstart": date.fromisoformat(m["from"]) if m["from"] else None,
                    "opens_at": _clock(m["opens"]),
                    "closes_at": _clock(m["closes"]),
                }
                for m in values[f]
            ]
        elif f == "exceptions":
            changes[f] = [
                {
                    "start": date.fromisoformat(e["start"]),
                    "end": date.fromisoformat(e["end"]),
                    "closed": bool(e["closed"]),
                    "opens_at": _clock(e["opens"]) if e["opens"] else None,
                    "closes_at": _clock(e["closes"]) if e["closes"] else None,
                    "note": e["note"] or None,
                }
                for e in values[f]
            ]
        elif f == "contacts":
            changes[f] = [{k: (v or None) if k != "audience" else v for k, v in c.items()} for c in values[f]]
        else:
            changes[f] = values[f]
    return changes


def blank_rows(values: dict) -> dict:
    """The values with empty rows added for a new contact or opening hours."""
    shown_values = dict(values)
    shown_values["contacts"] = (
        list(values["contacts"])
        + [{"label": "", "phone": "", "email": "", "url": "", "hours": "", "audience": "public"}] * EXTRA_ROWS
    )
    shown_values["hours"] = list(values["hours"]) + [{"day": "", "opens": "", "closes": ""}] * EXTRA_ROWS
    shown_values["meetings"] = list(values["meetings"]) + [
        {"day": "", "every": "week", "nth": "", "from": "", "opens": "", "closes": ""}
    ]
    shown_values["exceptions"] = list(values["exceptions"]) + [
        {"start": "", "end": "", "closed": "on", "opens": "", "closes": "", "note": ""}
    ]
    return shown_values


# --- locations ---------------------------------------------------------------------

# The location form's fields (a stale save merges them one by one); ``status``
# is changed apart from the form (retire/restore) but travels in the same shape.
LOCATION_FIELDS = (*LOCATION_TEXT, "lon", "lat", "postcode_centre")


def location_values(location: Location) -> dict:
    """The editable values of ``location`` in the form's shape."""
    point = geo.from_db(location.geom)
    return {
        "name": location.name or "",
        "street": location.street,
        "house_number": location.house_number,
        "postcode": location.postcode or "",
        "city": location.city,
        "lon": f"{point.x:.6f}" if point is not None else "",
        "lat": f"{point.y:.6f}" if point is not None else "",
        "postcode_centre": False,
        "status": location.status,
    }


def read_location_form(form: MultiDict) -> dict:
    values = {f: (form.get(f) or "").strip() for f in LOCATION_FIELDS if f != "postcode_centre"}
    values["postcode_centre"] = form.get("postcode_centre") == "on"
    return values


def location_changes(values: dict, stored: dict) -> dict:
    """The keyword arguments of ``update_location`` for every value that
    differs: texts, ``status``, and the point (``point`` as lon, lat, or
    ``postcode_centre``). Coordinates that are not numbers raise InvalidChange."""
    changes: dict = {f: values[f] for f in LOCATION_TEXT if f in values and values[f] != stored[f]}
    if values.get("status", stored["status"]) != stored["status"]:
        changes["status"] = values["status"]
    if values.get("postcode_centre"):
        changes["postcode_centre"] = True
    elif (values.get("lon", stored["lon"]), values.get("lat", stored["lat"])) != (stored["lon"], stored["lat"]):
        try:
            changes["point"] = (float(values["lon"].replace(",", ".")), float(values["lat"].replace(",", ".")))
        except ValueError:
            raise InvalidChange(
                "lat", _("vul de coördinaten in als getallen, bijvoorbeeld 4.9041 en 52.3676")
            ) from None
    return changes
