"""The rules a referral route must keep, checked on every save and by
``flask routes check``.

Structure (a route that breaks one cannot be saved):

* exactly one entry step; transitions join steps of the route, never a step
  to itself;
* every step is reachable from the entry;
* no dead ends: every step that is not a *home* (GP, social domain, resource
  group) has a way onward, and from every step some home can be reached;
* every care step has a return path: a way to a home that takes at least one
  return transition;
* cycles only through return transitions (without them the route is acyclic).

Coverage (reported, never blocking): a published route whose step has no
active service in some neighbourhood of its scope, per neighbourhood.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from socialmap.catalogue.areas import AreaTree, area_tree
from socialmap.catalogue.models import Service
from socialmap.freshness.stages import PUBLIC_STAGES
from socialmap.problems import Problem, _, shown
from socialmap.routes.matching import fits_step, takes_some_ages_of
from socialmap.routes.vocabulary import RETURN_KINDS


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    label: str = ""  # how problems name it, e.g. "transitions[3]"


@dataclass
class Graph:
    """What the structural rules need of a route: steps (key -> kind) and edges."""

    name: str  # how problems name the route, e.g. "route crisis"
    steps: dict[str, str]  # key -> step kind
    entries: list[str]
    edges: list[Edge] = field(default_factory=list)

    @classmethod
    def of(cls, route) -> Graph:
        """The graph of a Route model."""
        return cls(
            name=f"route {route.key}",
            steps={s.key: s.kind for s in route.steps},
            entries=[s.key for s in route.steps if s.is_entry],
            edges=[
                Edge(t.from_step.key, t.to_step.key, t.kind, f"transitions[{i}]")
                for i, t in enumerate(route.transitions)
            ],
        )

    def out(self, key: str, returns: bool = True) -> list[Edge]:
        return [e for e in self.edges if e.source == key and (returns or e.kind not in RETURN_KINDS)]


def structural_problems(graph: Graph, kinds: dict[str, dict]) -> list[Problem]:
    """Every broken structural rule, each naming the route and the step or transition."""
    problems: list[Problem] = []

    def fail(field_: str, message: str) -> None:
        problems.append(Problem(graph.name, field_, message))

    if len(graph.entries) != 1:
        fail(
            "steps",
            _("moet precies één beginstap hebben, heeft er %(n)d", n=len(graph.entries))
            + (f" ({', '.join(graph.entries)})" if graph.entries else ""),
        )
    for e in graph.edges:
        for end in (e.source, e.target):
            if end not in graph.steps:
                fail(e.label, _("onbekende stap %(value)s", value=shown(end)))
        if e.source == e.target:
            fail(e.label, _("leidt van stap %(value)s naar zichzelf", value=shown(e.source)))
    if problems:
        return problems  # the graph rules below need a sound graph

    homes = {k for k, kind in graph.steps.items() if kinds.get(kind, {}).get("home")}
    entry = graph.entries[0]
    reachable = _reachable(graph, entry)
    for key in graph.steps:
        if key not in reachable:
            fail(_("stap %(key)s", key=key), _("is vanaf de beginstap niet te bereiken"))
    if not homes:
        fail("steps", _("heeft geen thuisstap (huisarts, sociaal domein of resourcegroep) om naar terug te leiden"))
        return problems
    for key in graph.steps:
        if key in homes:
            continue
        if not graph.out(key):
            fail(_("stap %(key)s", key=key), _("is een doodlopend eind: geen overgang leidt verder"))
        elif not (_reachable(graph, key) & homes):
            fail(_("stap %(key)s", key=key), _("is een doodlopend eind: geen weg leidt naar een thuisstap"))
    for key, kind in graph.steps.items():
        if kinds.get(kind, {}).get("care") and key not in homes and not _has_return_path(graph, key, homes):
            fail(
                _("stap %(key)s", key=key),
                _("is een zorgstap (%(kind)s) zonder terugweg naar een thuisstap", kind=kind),
            )
    cycle = _cycle_without_return(graph)
    if cycle:
        fail("transitions", _("kringloop zonder terugverwijzing: %(steps)s", steps=" -> ".join(cycle)))
    return problems


def _reachable(graph: Graph, start: str) -> set[str]:
    seen, todo = {start}, deque([start])
    while todo:
        for e in graph.out(todo.popleft()):
            if e.target not in seen:
                seen.add(e.target)
                todo.append(e.target)
    return seen


def _has_return_path(graph: Graph, start: str, homes: set[str]) -> bool:
    """A walk from ``start`` to a home that takes at least one return transition
    (a walk that reaches a home before returning ends there: that is no way back)."""
    seen, todo = {(start, False)}, deque([(start, False)])
    while todo:
        key, returned = todo.popleft()
        if key in homes and key != start and not returned:
            continue
        for e in graph.out(key):
            state = (e.target, returned or e.kind in RETURN_KINDS)
            if state[1] and state[0] in homes:
                return True
            if state not in seen:
                seen.add(state)
                todo.append(state)
    return False


def _cycle_without_return(graph: Graph) -> list[str] | None:
    """A cycle over non-return transitions (as step keys), or None."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(key: str) -> list[str] | None:
        state[key] = 1
        stack.append(key)
        for e in graph.out(key, returns=False):
            if state.get(e.target) == 1:
                return stack[stack.index(e.target) :] + [e.target]
            if e.target not in state:
                found = visit(e.target)
                if found:
                    return found
        stack.pop()
        state[key] = 2
        return None

    for key in graph.steps:
        if key not in state:
            found = visit(key)
            if found:
                return found
    return None


# --- coverage: does the catalogue carry every step in every neighbourhood? -----


@dataclass(frozen=True)
class Gap:
    """A step of a published route without an active service in these buurten."""

    route_key: str
    step_key: str
    step_title: str
    buurten: tuple[tuple[str, str], ...]  # (code, name), sorted by code

    def __str__(self) -> str:
        return f"route {self.route_key}: step {self.step_key}: no active service in {len(self.buurten)} buurt(en)"

    def per_wijk(self) -> list[str]:
        """One line per wijk (CBS: the buurt code's first eight characters) listing its buurten."""
        groups: dict[str, list[str]] = defaultdict(list)
        for code, name in self.buurten:
            groups["WK" + code[2:8]].append(f"{code} {name}")
        return [f"{wijk}: {', '.join(items)}" for wijk, items in sorted(groups.items())]


def active_services(session: Session) -> list[Service]:
    """Every active service with what step matching reads (kinds, needs, areas)."""
    return list(
        session.scalars(
            select(Service)
            .where(Service.status == "active")
            .options(selectinload(Service.facets), selectinload(Service.needs), selectinload(Service.areas_served))
        )
    )


def coverage_gaps(session: Session, route, tree: AreaTree | None = None) -> list[Gap]:
    """Per step that names services: the buurten of the route's scope where no
    active service that fits the step (and the route's ages) serves."""
    tree = tree or area_tree(session)
    scope = tree.buurten_under(route.scope_id)
    services = active_services(session)
    gaps = []
    for step in route.steps:
        if not step.resolves_services:
            continue
        missing = scope - _covered(step, route, services, tree)
        if missing:
            buurten = sorted((tree.code[b], tree.name[b]) for b in missing)
            gaps.append(Gap(route.key, step.key, step.title, tuple(buurten)))
    return gaps


def stale_only(
    session: Session, route, tree: AreaTree | None = None, services: list[Service] | None = None
) -> list[Gap]:
    """Per step that names services: the buurten of the route's scope where
    every active service that fits the step is long unchecked (possibly
    outdated or demoted) -- the coordinator's first calls. Buurten with no
    service at all are :func:`coverage_gaps`. ``services``: the active services,
    when the caller asks about many routes."""
    tree = tree or area_tree(session)
    scope = tree.buurten_under(route.scope_id)
    services = active_services(session) if services is None else services
    fresh = [s for s in services if s.freshness_stage not in PUBLIC_STAGES]
    found = []
    for step in route.steps:
        if not step.resolves_services:
            continue
        only_stale = (_covered(step, route, services, tree) - _covered(step, route, fresh, tree)) & scope
        if only_stale:
            buurten = sorted((tree.code[b], tree.name[b]) for b in only_stale)
            found.append(Gap(route.key, step.key, step.title, tuple(buurten)))
    return found


def _covered(step, route, services, tree: AreaTree) -> set[int]:
    """The buurten where a service of ``services`` fitting ``step`` (and the route's ages) serves."""
    covered: set[int] = set()
    for svc in services:
        if fits_step(step, svc) and _ages_overlap(route, svc):
            for area in svc.areas_served:
                covered |= tree.buurten_under(area.id)
    return covered


def _ages_overlap(route, svc) -> bool:
    return takes_some_ages_of(svc, route)
