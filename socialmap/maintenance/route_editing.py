"""The route form: a route's values, steps and transitions as a coordinator
edits them, read back into models, with the route rules' problems placed at
the field they are about.

Codes (service kinds, needs, domains, urgencies, flags) are typed as lists
separated by spaces or commas; which codes exist is a route rule
(``routes.operations.route_problems``), so an unknown code is reported at its
field with the nearest known one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from werkzeug.datastructures import MultiDict

from socialmap.maintenance.editing import form_rows
from socialmap.problems import Problem, _, shown
from socialmap.routes.models import Route, RouteStep, RouteTransition

ROUTE_TEXTS = ("title", "purpose")
STEP_FIELDS = (
    "key",
    "kind",
    "title",
    "who",
    "what",
    "duration",
    "client_present",
    "wait_days",
    "service_kinds",
    "service_needs",
    "service_domains",
)
TRANSITION_FIELDS = (
    "from",
    "to",
    "kind",
    "label",
    "needs",
    "urgencies",
    "flags_required",
    "flags_favoured",
    "flags_excluded",
    "weight",
    "min_age",
    "max_age",
    "appointment_by",
    "note",
    "instructions",
)
TRANSITION_CHECKS = ("referral_letter", "consent")
EXTRA_ROWS = 1
ROW_DEFAULTS = ("client_present", "appointment_by", "kind", "weight")  # choices an empty row has too
KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


# The route form's fields as a stale save merges them: a route's own values
# one by one, its steps and its transitions each as one whole.
ROUTE_OWN_FIELDS = (
    "title",
    "purpose",
    "title_en",
    "status",
    "version",
    "valid_from",
    "review_date",
    "min_age",
    "max_age",
    "entry",
)
ROUTE_FIELDS = (*ROUTE_OWN_FIELDS, "steps", "transitions")


def numbered(values: dict) -> dict:
    """The values with a form row number on every step and transition row
    (rows taken from the stored route in a merge have none)."""
    shown_values = dict(values)
    for part in ("steps", "transitions"):
        rows = values[part]
        if any("row" not in r for r in rows):
            shown_values[part] = [{**r, "row": i} for i, r in enumerate(rows)]
    return shown_values


def _codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,]+", text or "") if c]


def _join(codes) -> str:
    return " ".join(codes or [])


def route_values(route: Route) -> dict:
    """The form's values of ``route``: plain text per field, rows for steps and transitions."""
    en = (route.translations or {}).get("en") or {}
    values = {
        "title": route.title,
        "purpose": route.purpose,
        "title_en": en.get("title") or "",
        "status": route.status,
        "version": route.version,
        "valid_from": route.valid_from.isoformat() if route.valid_from else "",
        "review_date": route.review_date.isoformat() if route.review_date else "",
        "min_age": "" if route.min_age is None else str(route.min_age),
        "max_age": "" if route.max_age is None else str(route.max_age),
        "entry": next((s.key for s in route.steps if s.is_entry), ""),
    }
    values["steps"] = [
        {
            "key": s.key,
            "kind": s.kind,
            "title": s.title,
            "who": s.performer or "",
            "what": s.activity or "",
            "duration": s.duration or "",
            "client_present": s.client_present,
            "wait_days": "" if s.wait_days is None else str(s.wait_days),
            "service_kinds": _join(s.service_kinds),
            "service_needs": _join(s.service_needs),
            "service_domains": _join(s.service_domains),
        }
        for s in route.steps
    ]
    values["transitions"] = [
        {
            "from": t.from_step.key,
            "to": t.to_step.key,
            "kind": t.kind,
            "label": t.label or "",
            "needs": _join(t.needs),
            "urgencies": _join(t.urgencies),
            "flags_required": _join(t.flags_required),
            "flags_favoured": _join(t.flags_favoured),
            "flags_excluded": _join(t.flags_excluded),
            "weight": str(t.weight or 0),
            "min_age": "" if t.min_age is None else str(t.min_age),
            "max_age": "" if t.max_age is None else str(t.max_age),
            "appointment_by": t.appointment_by,
            "note": t.note or "",
            "instructions": t.instructions or "",
            "referral_letter": t.referral_letter,
            "consent": t.client_consent,
        }
        for t in route.transitions
    ]
    return values


@dataclass
class Read:
    values: dict
    problems: list[Problem]


def read_form(form: MultiDict) -> Read:
    """The coordinator's values, and a problem for each that cannot even be read
    (the route rules check the rest once the route is built)."""
    problems: list[Problem] = []

    def fail(field_: str, message: str) -> None:
        problems.append(Problem("", field_, message))

    values = {f: (form.get(f) or "").strip() for f in ROUTE_OWN_FIELDS}
    for f in ("title", "purpose", "version"):
        if not values[f]:
            fail(f, _("is verplicht"))
    for f in ("valid_from", "review_date"):
        try:
            date.fromisoformat(values[f])
        except ValueError:
            fail(f, _("geen datum (JJJJ-MM-DD): %(value)s", value=shown(values[f])))
    for f in ("min_age", "max_age"):
        if values[f] and not (values[f].isdigit() and int(values[f]) <= 120):
            fail(f, _("verwacht een leeftijd van 0 tot 120"))
    values["steps"] = form_rows(form, "step", STEP_FIELDS, defaults=ROW_DEFAULTS, numbered=True)
    keys = set()
    for s in values["steps"]:
        if not KEY.match(s["key"]):
            fail(
                f"step-{s['row']}-key",
                _("ongeldige sleutel %(value)s (kleine letters, cijfers, streepjes)", value=shown(s["key"])),
            )
        keys.add(s["key"])
        if not s["title"]:
            fail(f"step-{s['row']}-title", _("is verplicht"))
        if s["wait_days"] and not (s["wait_days"].isdigit() and int(s["wait_days"]) <= 3650):
            fail(f"step-{s['row']}-wait_days", _("verwacht een aantal dagen"))
    if values["entry"] not in keys:
        fail("entry", _("kies de stap waar de route begint"))
    values["transitions"] = form_rows(
        form, "transition", TRANSITION_FIELDS, defaults=ROW_DEFAULTS, checks=TRANSITION_CHECKS, numbered=True
    )
    for t in values["transitions"]:
        for end in ("from", "to"):
            if t[end] not in keys:
                fail(f"transition-{t['row']}-{end}", _("kies een stap van deze route"))
        if not re.match(r"^-?\d+$", t["weight"] or "0") or not -100 <= int(t["weight"] or 0) <= 100:
            fail(f"transition-{t['row']}-weight", _("verwacht een getal van -100 tot 100"))
        for f in ("min_age", "max_age"):
            if t[f] and not (t[f].isdigit() and int(t[f]) <= 120):
                fail(f"transition-{t['row']}-{f}", _("verwacht een leeftijd van 0 tot 120"))
    return Read(values, problems)


def build(values: dict, stored: Route) -> tuple[dict, list[RouteStep], list[RouteTransition]]:
    """The route's own attributes, and new step and transition rows (for
    ``Route.set_content``, which keeps the stored rows that did not change).
    Texts in other languages, which the form does not show, stay with their
    step (by key) and transition (by its two steps and kind)."""
    step_translations = {s.key: s.translations or {} for s in stored.steps}
    transition_translations = {
        (t.from_step.key, t.to_step.key, t.kind): t.translations or {} for t in stored.transitions
    }
    attributes = {
        "title": values["title"],
        "purpose": values["purpose"],
        "status": values["status"],
        "version": values["version"],
        "valid_from": date.fromisoformat(values["valid_from"]),
        "review_date": date.fromisoformat(values["review_date"]),
        "min_age": int(values["min_age"]) if values["min_age"] else None,
        "max_age": int(values["max_age"]) if values["max_age"] else None,
    }
    steps = [
        RouteStep(
            key=s["key"],
            kind=s["kind"],
            is_entry=s["key"] == values["entry"],
            title=s["title"],
            performer=s["who"] or None,
            activity=s["what"] or None,
            duration=s["duration"] or None,
            translations=step_translations.get(s["key"], {}),
            client_present=s["client_present"] or "yes",
            wait_days=int(s["wait_days"]) if s["wait_days"] else None,
            service_kinds=_codes(s["service_kinds"]),
            service_needs=_codes(s["service_needs"]),
            service_domains=_codes(s["service_domains"]),
            position=i,
        )
        for i, s in enumerate(values["steps"])
    ]
    by_key = {s.key: s for s in steps}
    transitions = [
        RouteTransition(
            from_step=by_key[t["from"]],
            to_step=by_key[t["to"]],
            kind=t["kind"],
            label=t["label"] or None,
            needs=_codes(t["needs"]),
            urgencies=_codes(t["urgencies"]),
            flags_required=_codes(t["flags_required"]),
            flags_favoured=_codes(t["flags_favoured"]),
            flags_excluded=_codes(t["flags_excluded"]),
            weight=int(t["weight"] or 0),
            min_age=int(t["min_age"]) if t["min_age"] else None,
            max_age=int(t["max_age"]) if t["max_age"] else None,
            appointment_by=t["appointment_by"] or "client",
            note=t["note"] or None,
            instructions=t["instructions"] or None,
            referral_letter=t["referral_letter"],
            client_consent=t["consent"],
            translations=transition_translations.get((t["from"], t["to"], t["kind"]), {}),
            position=i,
        )
        for i, t in enumerate(values["transitions"])
    ]
    return attributes, steps, transitions


def field_of(problem: Problem, values: dict) -> str:
    """The form field a route rule's problem is about: "step cafe.kind" is the
    kind of the step row whose key is cafe; "transitions[2].when.needs" the needs
    of the third transition row; a structural problem of a step its title."""
    name = problem.field
    step = re.match(r"^(?:step|stap) ([a-z0-9-]+)(?:\.(.+))?$", name)
    if step:
        row = next((s["row"] for s in values["steps"] if s["key"] == step.group(1)), None)
        if row is None:
            return "steps"
        part = (
            (step.group(2) or "title")
            .replace("services.kinds", "service_kinds")
            .replace("services.needs", "service_needs")
            .replace("services.domains", "service_domains")
        )
        return f"step-{row}-{part}"
    transition = re.match(r"^transitions\[(\d+)\](?:\.(.+))?$", name)
    if transition:
        index = int(transition.group(1))
        if index >= len(values["transitions"]):
            return "transitions"
        part = TRANSITION_PARTS.get(transition.group(2) or "", transition.group(2) or "kind")
        return f"transition-{values['transitions'][index]['row']}-{part}"
    return {"audience": "min_age", "steps": "entry"}.get(name, name)


# How route rules name a transition's parts, and the form's field for each.
TRANSITION_PARTS = {
    "": "kind",
    "when.needs": "needs",
    "when.urgency": "urgencies",
    "when.flags.required": "flags_required",
    "when.flags.favoured": "flags_favoured",
    "when.flags.excluded": "flags_excluded",
    "when.flags": "flags_required",
    "when.age": "min_age",
    "takes.appointment_by": "appointment_by",
}
