"""Load referral routes written as YAML files (see docs/routes.md), one route per file.

A pipeline like the catalogue's: read every file, check every value and
reference (scope area, owner organisation, step kinds, service kinds, needs,
flags, urgencies), check each route's structure (validation rules) -- and only
when nothing is wrong in any file, write the routes, updating by key. The
caller commits; on any problem nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.audit import actor_of, imports
from socialmap.catalogue import vocabulary as catalogue_voc
from socialmap.catalogue.kinds import service_kinds
from socialmap.catalogue.models import AreaUnit, NeedTerm, Organisation
# The catalogue loader's record checker and text splitter: the same rules for the same kinds of field.
from socialmap.interop.catalogue_yaml import KEY
from socialmap.interop.checking import RecordChecker, split_translations
from socialmap.problems import Problems
from socialmap.routes import vocabulary as voc
from socialmap.routes.kinds import step_kinds
from socialmap.routes.models import Route, RouteStep, RouteTransition
from socialmap.routes.validation import Edge, Graph, structural_problems

STEP_KEY = KEY


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


@imports("paths")
def load_routes(session: Session, paths: list[Path], demo: bool = False, retire_missing: bool = False) -> LoadReport:
    """Validate every file, then write: add and update by key, never delete.
    With ``retire_missing``, routes of the same kind (demo or not) that the files
    no longer hold get status ``retired`` (reversible: load them again).
    Raises ImportFailed listing every problem."""
    problems = Problems()
    refs = _References(session)
    checked: dict[str, dict] = {}
    if not paths:
        problems.add("routes", "", "no route files given")
    for path in paths:
        name = Path(path).name
        try:
            doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            problems.add(name, "", f"cannot read: {exc}")
            continue
        if not isinstance(doc, dict) or set(doc) != {"route"} or not isinstance(doc["route"], dict):
            problems.add(name, "", "expected one mapping 'route'")
            continue
        data = check_route(problems, name, doc["route"], refs)
        if data is None:
            continue
        if data["key"] in checked:
            problems.add(f"{name}: route {data['key']}", "key", "appears in more than one file")
        checked[data["key"]] = data
    problems.raise_if_any()
    return _write(session, checked, refs, demo, retire_missing)


class _References:
    """What route files may refer to, read once."""

    def __init__(self, session: Session):
        self.areas = {a.code: a for a in session.scalars(
            select(AreaUnit).where(AreaUnit.level.in_(tuple(voc.SCOPE_LEVELS))))}
        self.organisations = {o.key: o for o in session.scalars(select(Organisation))}
        self.needs = set(session.scalars(select(NeedTerm.code)))
        self.service_kinds = set(service_kinds())
        self.step_kinds = step_kinds()


def check_route(problems: Problems, file_name: str, item: dict, refs: _References) -> dict | None:
    """One route's values, references and structure; None when it cannot even be named."""
    key = item.get("key")
    where = f"{file_name}: route {key}"
    c = RecordChecker(problems, where, item)
    if not isinstance(key, str) or not KEY.match(key):
        c.fail("key", f"invalid key {key!r} (lower-case letters, digits, dashes)")
        return None
    _unknown_keys(c, item, ROUTE_KEYS)
    audience = item.get("audience") or {}
    if not isinstance(audience, dict):
        c.fail("audience", "expected {min_age, max_age}")
        audience = {}
    data = {
        "key": key,
        "texts": {"title": c.translated("title", required=True), "purpose": c.translated("purpose", required=True)},
        "scope": c.text("scope", required=True),
        "owner": c.text("owner", required=True),
        "version": c.text("version", required=True, max_len=20),
        "status": item.get("status"),
        "valid_from": c.day(item, "valid_from", "valid_from"),
        "review_date": c.day(item, "review_date", "review_date"),
        "min_age": c.integer(audience, "min_age", "audience.min_age", 0, 120),
        "max_age": c.integer(audience, "max_age", "audience.max_age", 0, 120),
    }
    if data["scope"] and data["scope"] not in refs.areas:
        c.fail("scope", f"unknown region or municipality {data['scope']!r}")
    if data["owner"] and data["owner"] not in refs.organisations:
        c.fail("owner", f"unknown organisation {data['owner']!r}")
    if data["status"] not in voc.ROUTE_STATUS:
        c.fail("status", f"expected one of {list(voc.ROUTE_STATUS)}")
    if data["valid_from"] and data["review_date"] and data["review_date"] <= data["valid_from"]:
        c.fail("review_date", "must be after valid_from")
    _check_age_range(c, data["min_age"], data["max_age"], "audience")

    steps = item.get("steps")
    if not isinstance(steps, list) or not steps:
        c.fail("steps", "at least one step is required")
        steps = []
    data["steps"] = []
    seen: set[str] = set()
    for i, step in enumerate(steps):
        checked = _check_step(problems, where, i, step, refs)
        if checked is None:
            continue
        if checked["key"] in seen:
            problems.add(f"{where}: step {checked['key']}", "key", "appears twice")
        seen.add(checked["key"])
        data["steps"].append(checked)

    transitions = item.get("transitions")
    if not isinstance(transitions, list):
        c.fail("transitions", "expected a list")
        transitions = []
    data["transitions"] = [checked for i, raw in enumerate(transitions)
                           if (checked := _check_transition(problems, where, i, raw, refs, seen)) is not None]

    graph = Graph(
        name=where,
        steps={s["key"]: s["kind"] for s in data["steps"]},
        entries=[s["key"] for s in data["steps"] if s["entry"]],
        edges=[Edge(t["from"], t["to"], t["kind"], f"transitions[{t['index']}]") for t in data["transitions"]
               if t["from"] in seen and t["to"] in seen],
    )
    for problem in structural_problems(graph, refs.step_kinds):
        problems.items.append(problem)
    return data


ROUTE_KEYS = {"key", "title", "purpose", "scope", "owner", "version", "status", "valid_from", "review_date",
              "audience", "steps", "transitions"}
STEP_KEYS = {"key", "kind", "entry", "title", "who", "what", "duration", "client_present", "wait_days", "services"}
TRANSITION_KEYS = {"from", "to", "kind", "label", "when", "takes"}
WHEN_KEYS = {"needs", "age", "urgency", "flags", "weight"}
TAKES_KEYS = {"referral_letter", "consent", "appointment_by", "note", "instructions"}


class _Part(RecordChecker):
    """A checker for a nested mapping: problems name the field with its path (``when.needs``)."""

    def __init__(self, parent: RecordChecker, record: dict, prefix: str):
        super().__init__(parent.problems, parent.where, record)
        self.prefix = prefix

    def fail(self, field_: str, message: str) -> None:
        super().fail(f"{self.prefix}.{field_}" if field_ else self.prefix, message)


def _unknown_keys(c: RecordChecker, mapping: dict, allowed: set[str], label: str = "") -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        c.fail(label or "", f"unknown field(s) {unknown}")


def _check_age_range(c: RecordChecker, lo, hi, label: str) -> None:
    if lo is not None and hi is not None and lo > hi:
        c.fail(label, f"min_age {lo} is above max_age {hi}")


def _check_step(problems, where, i, step, refs) -> dict | None:
    if not isinstance(step, dict):
        problems.add(where, f"steps[{i}]", "expected a mapping")
        return None
    key = step.get("key")
    c = RecordChecker(problems, f"{where}: step {key}", step)
    if not isinstance(key, str) or not STEP_KEY.match(key):
        problems.add(where, f"steps[{i}].key", f"invalid key {key!r}")
        return None
    _unknown_keys(c, step, STEP_KEYS)
    kind = step.get("kind")
    if kind not in refs.step_kinds:
        c.fail("kind", f"unknown step kind {kind!r} (see data/routes/step_kinds.yaml)")
    present = step.get("client_present", True)
    present = {True: "yes", False: "no"}.get(present, present)
    if present not in voc.CLIENT_PRESENT:
        c.fail("client_present", "expected true, false or optional")
    services = step.get("services") or {}
    if not isinstance(services, dict):
        c.fail("services", "expected {kinds, needs, domains}")
        services = {}
    sc = _Part(c, services, "services")
    _unknown_keys(sc, services, {"kinds", "needs", "domains"})
    return {
        "key": key, "kind": kind, "entry": bool(step.get("entry", False)),
        "texts": {"title": c.translated("title", required=True), "performer": c.translated("who"),
                  "activity": c.translated("what"), "duration": c.translated("duration")},
        "client_present": present,
        "wait_days": c.integer(step, "wait_days", "wait_days", 0, 3650),
        "service_kinds": sc.codes("kinds", refs.service_kinds),
        "service_needs": sc.codes("needs", refs.needs),
        "service_domains": sc.codes("domains", catalogue_voc.DOMAINS),
    }


def _check_transition(problems, where, i, item, refs, step_keys) -> dict | None:
    label = f"transitions[{i}]"
    if not isinstance(item, dict):
        problems.add(where, label, "expected a mapping")
        return None
    c = RecordChecker(problems, f"{where}: {label}", item)
    for end in ("from", "to"):
        if item.get(end) not in step_keys:
            c.fail(end, f"unknown step {item.get(end)!r}")
    if item.get("kind") not in voc.TRANSITION_KINDS:
        c.fail("kind", f"expected one of {list(voc.TRANSITION_KINDS)}")
    when, takes = c.mapping("when"), c.mapping("takes")
    _unknown_keys(c, item, TRANSITION_KEYS)
    _unknown_keys(c, when, WHEN_KEYS, "when")
    _unknown_keys(c, takes, TAKES_KEYS, "takes")
    wc, tc = _Part(c, when, "when"), _Part(c, takes, "takes")
    age = when.get("age") or {}
    if not isinstance(age, dict):
        c.fail("when.age", "expected {min, max}")
        age = {}
    flags = when.get("flags") or {}
    if not isinstance(flags, dict) or set(flags) - {"required", "favoured", "excluded"}:
        c.fail("when.flags", "expected {required, favoured, excluded}")
        flags = {}
    fc = _Part(c, flags, "when.flags")
    data = {
        "index": i, "from": item.get("from"), "to": item.get("to"), "kind": item.get("kind"),
        "texts": {"label": c.translated("label"), "note": tc.translated("note"),
                  "instructions": tc.translated("instructions")},
        "needs": wc.codes("needs", refs.needs),
        "min_age": c.integer(age, "min", "when.age.min", 0, 120),
        "max_age": c.integer(age, "max", "when.age.max", 0, 120),
        "urgencies": wc.codes("urgency", voc.URGENCY) or list(voc.DEFAULT_URGENCIES),
        "flags_required": fc.codes("required", voc.FLAGS),
        "flags_favoured": fc.codes("favoured", voc.FLAGS),
        "flags_excluded": fc.codes("excluded", voc.FLAGS),
        "weight": c.integer(when, "weight", "when.weight", -100, 100) or 0,
        "referral_letter": bool(takes.get("referral_letter", False)),
        "client_consent": bool(takes.get("consent", True)),
        "appointment_by": takes.get("appointment_by", "client"),
    }
    _check_age_range(c, data["min_age"], data["max_age"], "when.age")
    if data["appointment_by"] not in voc.APPOINTMENT_BY:
        c.fail("takes.appointment_by", f"expected one of {list(voc.APPOINTMENT_BY)}")
    both = set(data["flags_required"]) & set(data["flags_excluded"])
    if both:
        c.fail("when.flags", f"flag(s) {sorted(both)} both required and excluded")
    return data


def _write(session: Session, routes: dict[str, dict], refs: _References, demo: bool,
           retire_missing: bool) -> LoadReport:
    from socialmap.routes.operations import replace_route_content, save_route

    existing = {r.key: r for r in session.scalars(select(Route))}
    actor = actor_of(session)  # "import:<files>" (load_routes), or who runs the load
    steps = transitions = 0
    for key, data in routes.items():
        route = existing.get(key) or Route(key=key)
        dutch, other = split_translations(data["texts"])
        route.title, route.purpose, route.translations = dutch["title"], dutch["purpose"], other
        route.scope, route.owner = refs.areas[data["scope"]], refs.organisations[data["owner"]]
        for attr in ("version", "status", "valid_from", "review_date", "min_age", "max_age"):
            setattr(route, attr, data[attr])
        route.is_demo = demo
        new_steps = []
        for position, s in enumerate(data["steps"]):
            dutch, other = split_translations(s["texts"])
            new_steps.append(RouteStep(
                key=s["key"], kind=s["kind"], is_entry=s["entry"], title=dutch["title"],
                performer=dutch["performer"], activity=dutch["activity"], duration=dutch["duration"],
                translations=other, client_present=s["client_present"], wait_days=s["wait_days"],
                service_kinds=s["service_kinds"], service_needs=s["service_needs"],
                service_domains=s["service_domains"], position=position))
        by_key = {s.key: s for s in new_steps}
        new_transitions = []
        for position, t in enumerate(data["transitions"]):
            dutch, other = split_translations(t["texts"])
            new_transitions.append(RouteTransition(
                from_step=by_key[t["from"]], to_step=by_key[t["to"]], kind=t["kind"], label=dutch["label"],
                note=dutch["note"], instructions=dutch["instructions"], translations=other,
                needs=t["needs"], min_age=t["min_age"], max_age=t["max_age"], urgencies=t["urgencies"],
                flags_required=t["flags_required"], flags_favoured=t["flags_favoured"],
                flags_excluded=t["flags_excluded"], weight=t["weight"], referral_letter=t["referral_letter"],
                client_consent=t["client_consent"], appointment_by=t["appointment_by"], position=position))
        replace_route_content(session, route, new_steps, new_transitions, actor)
        save_route(session, route, actor)
        steps += len(new_steps)
        transitions += len(new_transitions)
    retired: list[str] = []
    if retire_missing:
        for key, route in sorted(existing.items()):
            if key not in routes and route.is_demo == demo and route.status != "retired":
                route.status = "retired"
                save_route(session, route, actor)
                retired.append(key)
        session.flush()
    return LoadReport(len(routes), steps, transitions, len(retired), retired)
