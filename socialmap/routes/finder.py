"""The route finder: from a GP's criteria to the region's route options, best first.

Criteria are needs (picked, or typed in lay words and mapped to needs), a
place (postcode or buurt), an age, an urgency and situation flags -- nothing
that identifies the patient. An *option* is a transition out of a route's
entry step that fits the criteria; for it the finder shows why it fits, the
concrete services at the next step that serve the patient's buurt, what
follows, and the way back.

Rules, in order:

* the crisis need (``mental.crisis``) picked, or crisis wording recognised by
  ``safety.crisis``, means urgency crisis whatever urgency was chosen; a lay
  word the need matcher maps to the crisis need means crisis when no urgency
  was chosen;
* **safety first**: in a crisis (effective urgency ``crisis``) a transition to
  the crisis service (a step of kind ``crisis_service``) is always an option,
  and options to the crisis service come before all others. The criteria
  rank such a transition but never exclude it: not its route's or its own
  ages, not flags (required, excluded, or the client being absent while the
  crisis service needs the client), not its urgencies, not needs. What would
  have excluded it outside a crisis is said in its reasons;
* otherwise a route counts when it is published, in force, agreed for an area
  that contains the buurt, and for the age (a route only for young people
  needs the age to be given);
* and a transition is excluded by an urgency it does not allow, an age outside
  its range, a missing required flag, an excluded flag, a next step that needs
  the client when the client is absent, or needs that do not meet its needs
  -- except in a crisis, where the needs rank but never exclude;
* needs on two or more life domains set the flag ``multiple_domains``;
* the score: 10 per need met, 8 per required flag, 5 per favoured flag, the
  route's own weight, 50 for the crisis route in a crisis (minus 10 for each
  criterion set aside for it); an option whose next step has no active
  service in the buurt loses 15.

The area rule stays in a crisis too: a route agreed for another region or
municipality is not this buurt's crisis route.

Nothing here writes, logs or keeps the criteria.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from socialmap import geo
from socialmap.catalogue import queries as catalogue_queries
from socialmap.catalogue.models import AreaUnit, Location, Service
from socialmap.problems import Invalid, Problem, _
from socialmap.routes import queries
from socialmap.routes.matching import (
    fits_step,
    need_covers,
    needs_meeting,
    takes_all_ages_of,
    takes_some_ages_of,
    top_domains,
)
from socialmap.routes.models import Route, RouteStep, RouteTransition
from socialmap.routes.vocabulary import URGENCY

CRISIS_NEED = "mental.crisis"
CRISIS_STEP = "crisis_service"  # the step kind of the crisis service
DISTANCE_LIMIT_M = 30_000


@dataclass(frozen=True)
class Criteria:
    """What the GP chose. ``needs`` holds the chosen and the understood codes."""

    needs: tuple[str, ...] = ()
    understood: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (need code, the words that matched)
    age: int | None = None
    urgency: str | None = None  # as chosen; see effective_urgency
    flags: frozenset[str] = frozenset()
    crisis_words: tuple[str, ...] = ()  # words that speak of a crisis (safety.crisis.detect)

    @property
    def crisis_certain(self) -> bool:
        """The crisis need was picked, or the words speak of a crisis -- not merely a
        lay word the need matcher took for it ("financiële crisis")."""
        return bool(self.crisis_words) or (CRISIS_NEED in self.needs and CRISIS_NEED not in dict(self.understood))

    @property
    def effective_urgency(self) -> str:
        # Safety first: a certain crisis is a crisis, whatever urgency was chosen.
        if self.crisis_certain:
            return "crisis"
        if self.urgency:
            return self.urgency
        return "crisis" if CRISIS_NEED in self.needs else "routine"

    @property
    def urgency_inferred(self) -> bool:
        return self.effective_urgency == "crisis" and self.urgency != "crisis"

    @property
    def derived_flags(self) -> frozenset[str]:
        return frozenset({"multiple_domains"}) if len(top_domains(self.needs)) >= 2 else frozenset()

    @property
    def effective_flags(self) -> frozenset[str]:
        return self.flags | self.derived_flags


@dataclass(frozen=True)
class Origin:
    """Where distances are measured from: the postcode's centre or the area's.
    ``area`` is the buurt there -- or the municipality, where one is loaded
    without buurten (Gouda from ``areas import-municipalities``): what serves it
    serves the person. A page that hands the place on (the card form) passes
    ``param``, so the next page resolves the same point and shows the same
    distances."""

    area: AreaUnit
    lon: float
    lat: float
    postcode: str | None = None  # the PC4 whose centre this is; None: the buurt's centre

    @property
    def param(self) -> tuple[str, str]:
        """(name, value) that resolves to this origin again: the postcode, or the area's code."""
        return ("postcode", self.postcode) if self.postcode else ("buurt", self.area.code)


@dataclass(frozen=True)
class Locality:
    """Around an origin: the services serving its buurt and the metres from the
    origin to each location within reach. The finder, the route page and the
    card all measure through this, so they show the same distances."""

    origin: Origin
    serving: list[Service]
    distances: dict[int, float]


@dataclass(frozen=True)
class Reason:
    """One criterion that made an option fit; rendered to words by the views."""

    kind: str  # need | flag | favoured | urgency | age | crisis_first | set_aside
    code: str = ""  # set_aside: a flag code, or "age"
    via: str = ""  # for needs: the transition's code that covers it


@dataclass
class LocalService:
    service: Service
    distance_m: int | None
    location: Location | None
    over_agreed_wait: bool

    @property
    def active(self) -> bool:
        return self.service.status == "active"

    @property
    def demoted(self) -> bool:
        """Long unchecked (freshness stage "demoted"): listed after the checked ones, with the reason."""
        return self.service.freshness_stage == "demoted"


@dataclass
class FollowUp:
    transition: RouteTransition
    services: list[LocalService]
    reasons: list[Reason]
    recommended: bool


@dataclass
class ReturnLeg:
    transition: RouteTransition
    services: list[LocalService]  # local services of the step it returns to (none for the GP)


@dataclass
class Option:
    route: Route
    transition: RouteTransition
    score: int
    reasons: list[Reason]
    services: list[LocalService] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    returns: list[ReturnLeg] = field(default_factory=list)

    @property
    def next_step(self) -> RouteStep:
        return self.transition.to_step

    @property
    def crisis_first(self) -> bool:
        """In a crisis, an option to the crisis service: it comes before every other option."""
        return any(r.kind == "crisis_first" for r in self.reasons)

    @property
    def has_local_service(self) -> bool:
        return any(s.active for s in self.services) or not self.next_step.resolves_services


@dataclass
class Result:
    criteria: Criteria
    origin: Origin
    options: list[Option]
    routes_here: int = 0  # published routes agreed for the origin's area (0: none on this map yet)


def leads_to_crisis_service(t: RouteTransition) -> bool:
    return t.to_step.kind == CRISIS_STEP


def evaluate(t: RouteTransition, c: Criteria, route_fits_age: bool = True) -> tuple[int, list[Reason]] | None:
    """(score, reasons) when transition ``t`` fits the criteria, else None.
    ``route_fits_age``: whether its route is agreed for the criteria's age."""
    urgency = c.effective_urgency
    if urgency == "crisis" and leads_to_crisis_service(t):
        return _crisis_fit(t, c, route_fits_age)
    if not route_fits_age:
        return None
    flags = c.effective_flags
    if urgency not in (t.urgencies or URGENCY):
        return None
    if not _fits_age(t, c.age):
        return None
    if set(t.flags_required) - flags or set(t.flags_excluded) & flags:
        return None
    if "client_absent" in flags and t.to_step.client_present == "yes":
        return None
    met = needs_meeting(c.needs, t.needs) if t.needs else []
    if t.needs and c.needs and not met and urgency != "crisis":
        return None
    reasons, score = _ranking(t, c, met)
    if urgency in ("urgent", "crisis") and urgency in (t.urgencies or ()):
        reasons.append(Reason("urgency", urgency))
    return score, reasons


def _crisis_fit(t: RouteTransition, c: Criteria, route_fits_age: bool) -> tuple[int, list[Reason]]:
    """A transition to the crisis service in a crisis: every criterion ranks, none excludes."""
    flags = c.effective_flags
    met = needs_meeting(c.needs, t.needs) if t.needs else []
    reasons, score = _ranking(t, c, met, crisis=True)
    set_aside = [Reason("set_aside", f) for f in t.flags_excluded if f in flags]
    if "client_absent" in flags and t.to_step.client_present == "yes" and "client_absent" not in t.flags_excluded:
        set_aside.append(Reason("set_aside", "client_absent"))
    if not (route_fits_age and _fits_age(t, c.age)):
        set_aside.append(Reason("set_aside", "age"))
    unmet = len(set_aside) + len(set(t.flags_required) - flags) + ("crisis" not in (t.urgencies or URGENCY))
    if "crisis" in (t.urgencies or ()):
        reasons.append(Reason("urgency", "crisis"))
    return score + 50 - 10 * unmet, [Reason("crisis_first"), *reasons, *set_aside]


def _fits_age(t: RouteTransition, age: int | None) -> bool:
    return age is None or ((t.min_age is None or age >= t.min_age) and (t.max_age is None or age <= t.max_age))


def _ranking(t: RouteTransition, c: Criteria, met: list[str], crisis: bool = False) -> tuple[list[Reason], int]:
    """The reasons and the score of the criteria ``t`` meets (in a crisis only
    the required flags that are present count)."""
    flags = c.effective_flags
    required = [f for f in t.flags_required if f in flags] if crisis else list(t.flags_required)
    favoured = [f for f in t.flags_favoured if f in flags]
    reasons = [Reason("need", code, _covering(code, t.needs)) for code in met]
    reasons += [Reason("flag", f) for f in required]
    reasons += [Reason("favoured", f) for f in favoured]
    return reasons, 10 * len(met) + 8 * len(required) + 5 * len(favoured) + t.weight


def _covering(need: str, codes: list[str]) -> str:
    return next((c for c in codes if need_covers(c, need)), "")


def find(
    session: Session,
    criteria: Criteria,
    origin: Origin,
    today: date | None = None,
    limit: int | None = None,
    around: Locality | None = None,
    routes: list[Route] | None = None,
) -> Result:
    """Every fitting option of the routes in force for the buurt, best first.
    ``around`` (the origin's locality) and ``routes`` (those in force) when already at hand."""
    around = around or locality(session, origin)
    area_ids = set(catalogue_queries.ancestor_ids(origin.area))
    options: list[Option] = []
    routes_here = 0
    for route in queries.published_routes(session, today) if routes is None else routes:
        if route.scope_id not in area_ids:
            continue
        routes_here += 1
        # a route for young people only needs the age to fit
        fits_age = route.accepts_age(criteria.age) and not (criteria.age is None and route.max_age is not None)
        entry = route.entry
        if entry is None:
            continue
        for t in route.outgoing(entry):
            fit = evaluate(t, criteria, fits_age)
            if fit is None:
                continue
            option = Option(route, t, fit[0], fit[1])
            option.services = local_services(t.to_step, around, criteria.age, criteria.needs)
            if not option.has_local_service:
                option.score -= 15
            option.follow_ups = _follow_ups(route, t.to_step, criteria, around)
            option.returns = return_legs(
                route,
                t.to_step,
                around,
                criteria.age,
                [f.transition.to_step for f in option.follow_ups if f.recommended][:2],
            )
            options.append(option)
    options.sort(key=lambda o: (not o.crisis_first, -o.score, o.route.key, o.transition.position))
    return Result(criteria, origin, options[:limit] if limit else options, routes_here)


def local_services(
    step: RouteStep, around: Locality, age: int | None = None, needs: tuple[str, ...] = ()
) -> list[LocalService]:
    """The services serving the buurt that can carry out ``step`` for a person of
    ``age``: never one whose age range leaves that age out. With no age given,
    the route's own ages stand in: a service for none of them is left out, and
    the general ones (taking every age the route is agreed for) come before
    those for only some of them. Active ones first, long-unchecked ones
    (demoted) after the checked ones, then those helping with more of
    ``needs``, then the general ones, then by distance (phone and online
    services after those with an address)."""
    found = []
    met: dict[int, int] = {}
    partial: set[int] = set()  # services taking only some of the route's ages
    for svc in around.serving:
        if not fits_step(step, svc, age):
            continue
        if age is None and not takes_some_ages_of(svc, step.route):
            continue
        if age is None and not takes_all_ages_of(svc, step.route):
            partial.add(svc.id)
        nearest = min(
            ((around.distances[loc.id], loc) for loc in svc.locations if loc.id in around.distances),
            default=(None, None),
            key=lambda pair: pair[0],
        )
        over = svc.waiting_weeks is not None and step.wait_days is not None and svc.waiting_weeks * 7 > step.wait_days
        found.append(LocalService(svc, None if nearest[0] is None else int(round(nearest[0])), nearest[1], over))
        met[svc.id] = len(needs_meeting(needs, [n.code for n in svc.needs])) if needs else 0
    found.sort(
        key=lambda s: (
            not s.active,
            s.demoted,
            -met[s.service.id],
            s.service.id in partial,
            s.distance_m is None,
            s.distance_m or 0,
            s.service.waiting_weeks or 0,
            s.service.name,
        )
    )
    return found


def _follow_ups(route: Route, step: RouteStep, c: Criteria, around: Locality) -> list[FollowUp]:
    """Onward (non-return) transitions from ``step``; those whose needs meet the
    criteria are recommended. Urgency does not filter here: it was for the first step."""
    found = []
    flags = c.effective_flags
    for t in route.outgoing(step):
        if t.is_return or set(t.flags_excluded) & flags:
            continue
        met = needs_meeting(c.needs, t.needs) if t.needs else []
        reasons = [Reason("need", code, _covering(code, t.needs)) for code in met]
        reasons += [Reason("favoured", f) for f in t.flags_favoured if f in flags]
        found.append(FollowUp(t, local_services(t.to_step, around, c.age, c.needs), reasons, bool(met)))
    return _cover_first(found, c.needs)


def _gain(f: FollowUp, covered: frozenset[str]) -> tuple[int, int, int]:
    """How much a follow-up adds: needs not yet met, then the route's weight and order."""
    met = {r.code for r in f.reasons if r.kind == "need"}
    return (len(met - covered), f.transition.weight, -f.transition.position)


def _cover_first(follow_ups: list[FollowUp], needs: tuple[str, ...]) -> list[FollowUp]:
    """Recommended follow-ups in the order that covers the needs soonest (each next
    one adds the most needs not yet met, the route's weight breaking ties), then the rest."""
    left = [f for f in follow_ups if f.recommended]
    ordered: list[FollowUp] = []
    covered: set[str] = set()
    while left:
        best = max(left, key=functools.partial(_gain, covered=frozenset(covered)))
        ordered.append(best)
        covered |= {r.code for r in best.reasons if r.kind == "need"}
        left.remove(best)
    rest = sorted(
        (f for f in follow_ups if not f.recommended),
        key=lambda f: (-len(f.reasons), -f.transition.weight, f.transition.position),
    )
    return ordered + rest


def return_legs(
    route: Route, step: RouteStep, around: Locality, age: int | None = None, also_from: Sequence[RouteStep] = ()
) -> list[ReturnLeg]:
    """The way back: return transitions from ``step`` (and from the recommended
    follow-ups), each with the local services of where it leads (not for the GP)."""
    legs, seen = [], set()
    for source in [step, *also_from]:
        for t in route.outgoing(source):
            if t.is_return and t.id not in seen:
                seen.add(t.id)
                target = t.to_step
                services = [] if target.kind == "gp" else local_services(target, around, age)
                legs.append(ReturnLeg(t, services))
    return legs


def serving_services(session: Session, buurt: AreaUnit) -> list[Service]:
    """The services serving ``buurt`` (not ended), with what the finder reads of
    them loaded in a few queries instead of a few per service."""
    ids = [svc.id for svc in catalogue_queries.services_serving(session, buurt)]
    return list(
        session.scalars(
            select(Service)
            .where(Service.id.in_(ids))
            .order_by(Service.name)
            .options(
                selectinload(Service.facets),
                selectinload(Service.needs),
                selectinload(Service.locations),
                selectinload(Service.contacts),
                selectinload(Service.organisation),
                selectinload(Service.schedule_rules),
                selectinload(Service.schedule_exceptions),
            )
        )
    )


def locality(session: Session, origin: Origin) -> Locality:
    return Locality(origin, serving_services(session, origin.area), distances_from(session, origin))


def distances_from(session: Session, origin: Origin) -> dict[int, float]:
    """Metres from the origin to every location within reach (one indexed query)."""
    return {
        loc.id: d for loc, d in catalogue_queries.locations_within(session, origin.lon, origin.lat, DISTANCE_LIMIT_M)
    }


def origin_of_area(area: AreaUnit) -> Origin:
    """The area's own centre (a point inside it)."""
    shape = geo.from_db(area.geom)
    if shape is None:
        raise ValueError(f"area {area.code} has no geometry")
    point = shape.representative_point()
    return Origin(area, point.x, point.y)


def services_per_step(session: Session, route: Route, origin: Origin) -> dict[str, list[LocalService]]:
    """Per step of ``route`` (by key): the services near ``origin`` that carry it
    out (the route page and its API)."""
    around = locality(session, origin)
    return {s.key: local_services(s, around) for s in route.steps}


@dataclass(frozen=True)
class CardPlan:
    """What a route card for one step says: the service chosen, how the person
    gets there, the follow-up steps asked for with a service each, and the way back."""

    chosen: LocalService | None
    incoming: RouteTransition | None
    follow: list[tuple[RouteTransition, LocalService | None]]
    returns: list[ReturnLeg]


def card_plan(
    session: Session,
    route: Route,
    step: RouteStep,
    origin: Origin,
    age: int | None = None,
    service_key: str = "",
    also: tuple[str, ...] = (),
) -> CardPlan:
    """The card for ``step`` near ``origin`` for a person of ``age``: the service
    named by ``service_key`` (it must carry out the step there, for that age:
    else ``Invalid`` on ``service``), or the first active one; the follow-up
    steps named in ``also``; the return legs from all of them."""
    around = locality(session, origin)
    services = local_services(step, around, age)
    if service_key:
        chosen = next((s for s in services if s.service.key == service_key), None)
        if chosen is None:
            raise Invalid(
                [
                    Problem(
                        "",
                        "service",
                        _("service: deze dienst voert deze stap niet uit in deze buurt of niet voor deze leeftijd."),
                    )
                ]
            )
    else:
        chosen = next((s for s in services if s.active), services[0]) if services else None
    incoming = next((t for t in route.transitions if t.to_step is step and not t.is_return), None)
    follow = []
    for t in route.outgoing(step):
        if not t.is_return and t.to_step.key in also:
            options = local_services(t.to_step, around, age)
            follow.append((t, next((s for s in options if s.active), None)))
    returns = return_legs(route, step, around, age, also_from=[t.to_step for t, _s in follow])
    return CardPlan(chosen, incoming, follow, returns)
