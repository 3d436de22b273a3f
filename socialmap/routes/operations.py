"""Writes of referral routes: flush, never commit (the caller owns the transaction).

Every save goes through :func:`save_route`, which checks the route's structure
and codes first: a route that breaks a rule is never written.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from socialmap.audit import acting
from socialmap.problems import Invalid, Problem, _, shown
from socialmap.routes.models import Route, RouteStep, RouteTransition


class RouteInvalid(Invalid):
    """The route breaks a rule; nothing was written. ``problems`` names each one."""


def route_problems(session: Session, route: Route) -> list[Problem]:
    """Every rule the route (as a model, with its steps and transitions) breaks."""
    from sqlalchemy import select

    from socialmap.catalogue import vocabulary as catalogue_voc
    from socialmap.catalogue.kinds import service_kinds
    from socialmap.catalogue.models import NeedTerm
    from socialmap.routes import vocabulary as voc
    from socialmap.routes.kinds import step_kinds
    from socialmap.routes.validation import Graph, structural_problems

    kinds = step_kinds()
    where = _("route %(key)s", key=route.key)
    problems: list[Problem] = []

    def fail(field_: str, message: str) -> None:
        problems.append(Problem(where, field_, message))

    if route.status not in voc.ROUTE_STATUS:
        fail("status", _("%(value)s is geen status; kies een van: %(codes)s",
                         value=shown(route.status), codes=", ".join(voc.ROUTE_STATUS)))
    if route.scope is None or route.scope.level not in voc.SCOPE_LEVELS:
        fail("scope", _("moet een regio of een gemeente zijn"))
    if route.owner is None:
        fail("owner", _("is verplicht"))
    if route.valid_from and route.review_date and route.review_date <= route.valid_from:
        fail("review_date", _("moet na valid_from liggen"))
    with session.no_autoflush:  # check before anything of the route reaches the database
        needs = set(session.scalars(select(NeedTerm.code)))
    known_service_kinds = set(service_kinds())
    for step in route.steps:
        label = f"step {step.key}"
        if step.kind not in kinds:
            fail(f"{label}.kind", _("onbekende soort stap %(value)s", value=shown(step.kind)))
        if step.client_present not in voc.CLIENT_PRESENT:
            fail(f"{label}.client_present", _("kies yes, no of optional"))
        for codes, allowed, name in ((step.service_kinds, known_service_kinds, "services.kinds"),
                                     (step.service_needs, needs, "services.needs"),
                                     (step.service_domains, catalogue_voc.DOMAINS, "services.domains")):
            bad = [c for c in codes or [] if c not in allowed]
            if bad:
                fail(f"{label}.{name}", _("onbekende code(s): %(codes)s", codes=", ".join(map(str, bad))))
    for i, t in enumerate(route.transitions):
        label = f"transitions[{i}]"
        if t.kind not in voc.TRANSITION_KINDS:
            fail(f"{label}.kind", _("%(value)s is geen soort overgang; kies een van: %(codes)s",
                                    value=shown(t.kind), codes=", ".join(voc.TRANSITION_KINDS)))
        if t.appointment_by not in voc.APPOINTMENT_BY:
            fail(f"{label}.appointment_by", _("%(value)s: kies een van: %(codes)s",
                                              value=shown(t.appointment_by), codes=", ".join(voc.APPOINTMENT_BY)))
        for codes, allowed, name in ((t.needs, needs, "needs"), (t.urgencies, voc.URGENCY, "urgency"),
                                     (t.flags_required, voc.FLAGS, "flags.required"),
                                     (t.flags_favoured, voc.FLAGS, "flags.favoured"),
                                     (t.flags_excluded, voc.FLAGS, "flags.excluded")):
            bad = [c for c in codes or [] if c not in allowed]
            if bad:
                fail(f"{label}.{name}", _("onbekende code(s): %(codes)s", codes=", ".join(map(str, bad))))
        if t.from_step not in route.steps or t.to_step not in route.steps:
            fail(label, _("verbindt een stap van een andere route"))
    if not problems:
        problems += structural_problems(Graph.of(route), kinds)
    return problems


def save_route(session: Session, route: Route, actor: str) -> Route:
    """Check every rule, then add and flush. Raises RouteInvalid (nothing written).
    ``actor`` is written to the audit log with each changed field."""
    problems = route_problems(session, route)
    if problems:
        raise RouteInvalid(problems)
    with acting(session, actor):
        session.add(route)
        session.flush()
    return route


def replace_route_content(session: Session, route: Route, steps: list[RouteStep],
                          transitions: list[RouteTransition], actor: str) -> None:
    """Give ``route`` new steps and transitions (the old ones are deleted first,
    so step keys can be reused within the same transaction); the route's rules
    run when it is saved (:func:`save_route`)."""
    with acting(session, actor):
        if route.id is not None and (route.steps or route.transitions):
            route.transitions = []
            route.steps = []
            session.flush()
        route.steps = steps
        route.transitions = transitions
