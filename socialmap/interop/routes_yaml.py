"""Load referral routes written as YAML files (see docs/routes.md), one route per file.

A pipeline like the catalogue's: read every file with its lines, check each
value's shape and resolve what it names (the scope area, the owner
organisation, the steps a transition joins), build each route as models, and
run the route rules of :mod:`socialmap.routes.operations` on them -- once, on
exactly what will be written. Only when nothing is wrong in any file are the
routes written, updating by key. On any problem nothing in the session
changes and ImportFailed lists every problem with its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.audit import actor_of, imports
from socialmap.catalogue.models import AreaUnit, Organisation
from socialmap.interop.catalogue_records import KEY
from socialmap.interop.checking import FieldChecker, split_translations
from socialmap.interop.yaml_lines import line_of, read_yaml
from socialmap.problems import Problem, Problems, _, did_you_mean, shown
from socialmap.routes import vocabulary as voc
from socialmap.routes.models import Route, RouteStep, RouteTransition
from socialmap.routes.operations import route_problems, save_route

ROUTE_KEYS = (
    "key",
    "title",
    "purpose",
    "scope",
    "owner",
    "version",
    "status",
    "valid_from",
    "review_date",
    "audience",
    "steps",
    "transitions",
)
STEP_KEYS = ("key", "kind", "entry", "title", "who", "what", "duration", "client_present", "wait_days", "services")
SERVICES_KEYS = ("kinds", "needs", "domains")
TRANSITION_KEYS = ("from", "to", "kind", "label", "when", "takes")
WHEN_KEYS = ("needs", "age", "urgency", "flags", "weight")
FLAG_KEYS = ("required", "favoured", "excluded")
TAKES_KEYS = ("referral_letter", "consent", "appointment_by", "note", "instructions")


@dataclass(frozen=True)
class LoadReport:
    routes: int
    steps: int
    transitions: int
    retired: int
    retired_keys: list[str] = field(default_factory=list)


def route_files(paths) -> list[Path]:
    """The .yaml files named, or inside the folders named, sorted by name."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        files += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    return files


@dataclass
class _Draft:
    """A route read from a file, built as models that are not in the session yet."""

    route: Route
    file: str
    record: dict
    step_records: dict[str, dict]
    transition_records: list[dict]

    def place(self, problem: Problem) -> Problem:
        """A route rule's problem, given the file and the line of the part it names."""
        head = problem.field.split(".")[0]
        record = self.record
        if head.startswith("step "):
            record = self.step_records.get(head[5:], record)
        elif head.startswith("transitions["):
            index = int(head[len("transitions[") :].rstrip("]"))
            record = self.transition_records[index] if index < len(self.transition_records) else record
        line = line_of(record) or line_of(self.record)
        return Problem(
            f"{self.file}:{line}: {problem.where}" if line else f"{self.file}: {problem.where}",
            problem.field,
            problem.message,
            line,
        )


@imports("paths")
def load_routes(session: Session, paths: list[Path], demo: bool = False, retire_missing: bool = False) -> LoadReport:
    """Check every file, then write: add and update by key, never delete.
    With ``retire_missing``, routes of the same kind (demo or not) that the files
    no longer hold get status ``retired`` (reversible: load them again).
    Raises ImportFailed listing every problem; then nothing is written."""
    problems = Problems()
    refs = _References(session)
    drafts: dict[str, _Draft] = {}
    if not paths:
        problems.add(_("verwijsroutes"), "", _("geen routebestanden opgegeven"))
    for path in paths:
        name = Path(path).name
        doc = read_yaml(path, problems)
        if doc is None:
            continue
        if not isinstance(doc, dict) or set(doc) != {"route"} or not isinstance(doc["route"], dict):
            problems.add(name, "", _("verwacht precies één mapping 'route' (één route per bestand)"))
            continue
        draft = _read_route(problems, name, doc["route"], refs)
        if draft is None:
            continue
        if draft.route.key in drafts:
            problems.add(
                f"{name}: route {draft.route.key}",
                "key",
                _("staat ook in %(file)s", file=drafts[draft.route.key].file),
                line_of(draft.record, "key"),
            )
        drafts[draft.route.key] = draft
    if not problems:  # the rules, once, on each route as it will be written
        for draft in drafts.values():
            problems.items += [draft.place(p) for p in route_problems(session, draft.route)]
    problems.raise_if_any()
    return _write(session, drafts, demo, retire_missing)


class _References:
    """What route files may name, looked up once each."""

    def __init__(self, session: Session):
        self.session = session
        self.areas = {
            a.code: a for a in session.scalars(select(AreaUnit).where(AreaUnit.level.in_(tuple(voc.SCOPE_LEVELS))))
        }
        self._organisations: dict[str, Organisation | None] = {}

    def organisation(self, key: str) -> Organisation | None:
        if key not in self._organisations:
            self._organisations[key] = self.session.scalar(select(Organisation).where(Organisation.key == key))
        return self._organisations[key]


def _read_route(problems: Problems, file: str, item: dict, refs: _References) -> _Draft | None:
    """One route's shape and references, built as a Route; None when it cannot even be named."""
    key = item.get("key")
    c = FieldChecker(problems, _("route %(key)s", key=key if isinstance(key, str) else "?"), item, file)
    if not isinstance(key, str) or not KEY.match(key):
        c.fail("key", _("ongeldige sleutel %(value)s (kleine letters, cijfers, streepjes)", value=shown(key)))
        return None
    c.unknown_fields(item, ROUTE_KEYS)
    audience = c.mapping("audience")
    c.unknown_fields(audience, ("min_age", "max_age"), "audience")
    texts = {
        "title": c.translated("title", required=True, max_len=200),
        "purpose": c.translated("purpose", required=True),
    }
    dutch, other = split_translations(texts)
    route = Route(
        key=key,
        title=dutch["title"],
        purpose=dutch["purpose"],
        translations=other,
        version=c.text("version", required=True, max_len=20),
        status=c.text("status", required=True),
        valid_from=c.day(item, "valid_from", "valid_from"),
        review_date=c.day(item, "review_date", "review_date"),
        min_age=c.integer(audience, "min_age", "audience.min_age", 0, 120),
        max_age=c.integer(audience, "max_age", "audience.max_age", 0, 120),
    )
    scope, owner = c.text("scope", required=True), c.text("owner", required=True)
    if scope:
        route.scope = refs.areas.get(scope)
        if route.scope is None:
            c.fail(
                "scope", did_you_mean(_("onbekende regio of gemeente %(value)s", value=shown(scope)), scope, refs.areas)
            )
    if owner:
        route.owner = refs.organisation(owner)
        if route.owner is None:
            c.fail("owner", _("onbekende organisatie %(value)s", value=shown(owner)))

    steps = item.get("steps")
    if not isinstance(steps, list) or not steps:
        c.fail("steps", _("minstens één stap is verplicht"))
        steps = []
    step_records: dict[str, dict] = {}
    for i, raw in enumerate(steps):
        step = _read_step(c, i, raw)
        if step is not None:
            step.position = len(route.steps)
            route.steps.append(step)
            step_records.setdefault(step.key, raw)

    transitions = item.get("transitions")
    if not isinstance(transitions, list):
        c.fail("transitions", _("verwacht een lijst met overgangen"))
        transitions = []
    by_key = {s.key: s for s in route.steps}
    for i, raw in enumerate(transitions):
        transition = _read_transition(c, i, raw, by_key)
        if transition is not None:
            transition.position = len(route.transitions)
            route.transitions.append(transition)
    return _Draft(route, file, item, step_records, [t if isinstance(t, dict) else {} for t in transitions])


def _code_list(c: FieldChecker, mapping: dict, key: str, label: str) -> list[str]:
    """A list of codes (which codes are known is a route rule, checked later)."""
    value = mapping.get(key)
    if value is None or value == []:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.fail_in(mapping, key, label, _("verwacht een lijst met codes, niet %(value)s", value=shown(value)))
        return []
    return list(value)


def _read_step(route: FieldChecker, i: int, raw) -> RouteStep | None:
    if not isinstance(raw, dict):
        route.fail(f"steps[{i}]", _("verwacht een mapping (veld: waarde), niet %(value)s", value=shown(raw)))
        return None
    key = raw.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        route.fail_in(
            raw,
            "key",
            f"steps[{i}].key",
            _("ongeldige sleutel %(value)s (kleine letters, cijfers, streepjes)", value=shown(key)),
        )
        return None
    c = route.nested(raw, f"{route.label}: " + _("stap %(key)s", key=key))
    c.unknown_fields(raw, STEP_KEYS)
    services = c.mapping("services")
    c.unknown_fields(services, SERVICES_KEYS, "services")
    present = raw.get("client_present", True)
    present = {True: "yes", False: "no"}.get(present, present)
    dutch, other = split_translations(
        {
            "title": c.translated("title", required=True, max_len=200),
            "performer": c.translated("who"),
            "activity": c.translated("what"),
            "duration": c.translated("duration", max_len=200),
        }
    )
    return RouteStep(
        key=key,
        kind=c.text("kind", required=True),
        is_entry=raw.get("entry") is True,
        title=dutch["title"],
        performer=dutch["performer"],
        activity=dutch["activity"],
        duration=dutch["duration"],
        translations=other,
        client_present=present,
        wait_days=c.integer(raw, "wait_days", "wait_days", 0, 3650),
        service_kinds=_code_list(c, services, "kinds", "services.kinds"),
        service_needs=_code_list(c, services, "needs", "services.needs"),
        service_domains=_code_list(c, services, "domains", "services.domains"),
    )


def _read_transition(route: FieldChecker, i: int, raw, steps: dict[str, RouteStep]) -> RouteTransition | None:
    label = f"transitions[{i}]"
    if not isinstance(raw, dict):
        route.fail(label, _("verwacht een mapping (veld: waarde), niet %(value)s", value=shown(raw)))
        return None
    c = route.nested(raw, f"{route.label}: {label}")
    c.unknown_fields(raw, TRANSITION_KEYS)
    when, takes = c.mapping("when"), c.mapping("takes")
    c.unknown_fields(when, WHEN_KEYS, "when")
    c.unknown_fields(takes, TAKES_KEYS, "takes")
    age = when.get("age") or {}
    if not isinstance(age, dict):
        c.fail_in(when, "age", "when.age", _("verwacht {min: ..., max: ...}, niet %(value)s", value=shown(age)))
        age = {}
    c.unknown_fields(age, ("min", "max"), "when.age")
    flags = when.get("flags") or {}
    if not isinstance(flags, dict):
        c.fail_in(
            when,
            "flags",
            "when.flags",
            _("verwacht {required: ..., favoured: ..., excluded: ...}, niet %(value)s", value=shown(flags)),
        )
        flags = {}
    c.unknown_fields(flags, FLAG_KEYS, "when.flags")
    ends = {}
    for end in ("from", "to"):
        ends[end] = steps.get(raw.get(end))
        if ends[end] is None:
            c.fail(end, did_you_mean(_("onbekende stap %(value)s", value=shown(raw.get(end))), raw.get(end), steps))
    takes_texts = FieldChecker(c.problems, c.label, takes, c.file, line_of(takes) or c.line)
    dutch, other = split_translations(
        {
            "label": c.translated("label", max_len=300),
            "note": takes_texts.translated("note"),
            "instructions": takes_texts.translated("instructions"),
        }
    )
    if ends["from"] is None or ends["to"] is None:
        return None
    return RouteTransition(
        from_step=ends["from"],
        to_step=ends["to"],
        kind=c.text("kind", required=True),
        label=dutch["label"],
        note=dutch["note"],
        instructions=dutch["instructions"],
        translations=other,
        needs=_code_list(c, when, "needs", "when.needs"),
        min_age=c.integer(age, "min", "when.age.min", 0, 120),
        max_age=c.integer(age, "max", "when.age.max", 0, 120),
        urgencies=_code_list(c, when, "urgency", "when.urgency") or list(voc.DEFAULT_URGENCIES),
        flags_required=_code_list(c, flags, "required", "when.flags.required"),
        flags_favoured=_code_list(c, flags, "favoured", "when.flags.favoured"),
        flags_excluded=_code_list(c, flags, "excluded", "when.flags.excluded"),
        weight=c.integer(when, "weight", "when.weight", -100, 100) or 0,
        referral_letter=takes.get("referral_letter") is True,
        client_consent=takes.get("consent", True) is not False,
        appointment_by=takes.get("appointment_by", "client"),
    )


def _write(session: Session, drafts: dict[str, _Draft], demo: bool, retire_missing: bool) -> LoadReport:
    """Write the checked drafts: a new key as it is, a known key by moving the
    draft's values and content onto the stored route (its id and history stay)."""
    existing = {r.key: r for r in session.scalars(select(Route))}
    actor = actor_of(session)  # "import:<files>" (load_routes), or who runs the load
    steps = transitions = 0
    for key, draft in drafts.items():
        new = draft.route
        route = existing.get(key) or Route(key=key)
        for attr in (
            "title",
            "purpose",
            "translations",
            "scope",
            "owner",
            "version",
            "status",
            "valid_from",
            "review_date",
            "min_age",
            "max_age",
        ):
            setattr(route, attr, getattr(new, attr))
        route.is_demo = demo
        content = list(new.steps), list(new.transitions)
        new.transitions, new.steps = [], []
        route.set_content(*content)
        save_route(session, route, actor)
        steps += len(content[0])
        transitions += len(content[1])
    retired: list[str] = []
    if retire_missing:
        for key, route in sorted(existing.items()):
            if key not in drafts and route.is_demo == demo and route.status != "retired":
                route.status = "retired"
                save_route(session, route, actor)
                retired.append(key)
        session.flush()
    return LoadReport(len(drafts), steps, transitions, len(retired), retired)
