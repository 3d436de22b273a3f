"""Writes of referral routes: flush, never commit (the caller owns the transaction).

Every save goes through :func:`save_route`, which checks the route's rules
(:func:`route_problems`) first: a route that breaks a rule is never written.
New steps and transitions are given with ``Route.set_content`` and written
(and audited, field by field) by the save.
The route file loader (:mod:`socialmap.interop.routes_yaml`) checks a file's
shape, builds the route as models and leaves every rule to this module.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.audit import acting
from socialmap.catalogue import vocabulary as catalogue_voc
from socialmap.catalogue.kinds import service_kinds
from socialmap.catalogue.models import NeedTerm
from socialmap.problems import Invalid, Problem, _, did_you_mean, shown
from socialmap.routes import vocabulary as voc
from socialmap.routes.kinds import step_kinds
from socialmap.routes.models import Route
from socialmap.routes.validation import Graph, structural_problems


class RouteInvalid(Invalid):
    """The route breaks a rule; nothing was written. ``problems`` names each one."""


def route_problems(session: Session, route: Route) -> list[Problem]:
    """Every rule the route (as a model, with its steps and transitions) breaks:
    its codes, dates and ages, then (when those hold) its structure. Nothing
    of the route reaches the database while it is checked (no autoflush)."""
    with session.no_autoflush:
        return _route_problems(session, route)


def _route_problems(session: Session, route: Route) -> list[Problem]:
    kinds = step_kinds()
    where = _("route %(key)s", key=route.key)
    problems: list[Problem] = []

    def fail(field_: str, message: str) -> None:
        problems.append(Problem(where, field_, message))

    def one_of(field_: str, value, allowed, message) -> None:
        """``message(value, codes)`` (with a suggestion) when ``value`` is not one of ``allowed``."""
        if value not in allowed:
            fail(field_, did_you_mean(message(shown(value), ", ".join(allowed)), value, allowed))

    def choose(value: str, codes: str) -> str:
        return _("%(value)s: kies een van: %(codes)s", value=value, codes=codes)

    def known(field_: str, codes, allowed) -> None:
        for code in codes or []:
            if code not in allowed:
                fail(field_, did_you_mean(_("onbekende code %(value)s", value=shown(code)), code, allowed))

    def ages(field_: str, low, high) -> None:
        if low is not None and high is not None and low > high:
            fail(field_, _("de minimumleeftijd %(low)d ligt boven de maximumleeftijd %(high)d", low=low, high=high))

    one_of(
        "status",
        route.status,
        voc.ROUTE_STATUS,
        lambda value, codes: _("%(value)s is geen status; kies een van: %(codes)s", value=value, codes=codes),
    )
    if route.scope is None or route.scope.level not in voc.SCOPE_LEVELS:
        fail("scope", _("moet een regio of een gemeente zijn"))
    if route.owner is None:
        fail("owner", _("is verplicht"))
    if route.valid_from and route.review_date and route.review_date <= route.valid_from:
        fail("review_date", _("moet na valid_from liggen"))
    ages("audience", route.min_age, route.max_age)
    needs = set(session.scalars(select(NeedTerm.code)))
    known_service_kinds = set(service_kinds())
    seen: set[str] = set()
    for step in route.steps:
        label = f"step {step.key}"
        if step.key in seen:
            fail(f"{label}.key", _("twee stappen hebben de sleutel %(value)s", value=shown(step.key)))
        seen.add(step.key)
        one_of(f"{label}.kind", step.kind, kinds, lambda value, codes: _("onbekende soort stap %(value)s", value=value))
        one_of(f"{label}.client_present", step.client_present, voc.CLIENT_PRESENT, choose)
        known(f"{label}.services.kinds", step.service_kinds, known_service_kinds)
        known(f"{label}.services.needs", step.service_needs, needs)
        known(f"{label}.services.domains", step.service_domains, catalogue_voc.DOMAINS)
    for i, t in enumerate(route.transitions):
        label = f"transitions[{i}]"
        one_of(
            f"{label}.kind",
            t.kind,
            voc.TRANSITION_KINDS,
            lambda value, codes: _(
                "%(value)s is geen soort overgang; kies een van: %(codes)s", value=value, codes=codes
            ),
        )
        one_of(f"{label}.appointment_by", t.appointment_by, voc.APPOINTMENT_BY, choose)
        known(f"{label}.when.needs", t.needs, needs)
        known(f"{label}.when.urgency", t.urgencies, voc.URGENCY)
        for name in ("required", "favoured", "excluded"):
            known(f"{label}.when.flags.{name}", getattr(t, f"flags_{name}"), voc.FLAGS)
        both = sorted(set(t.flags_required or []) & set(t.flags_excluded or []))
        if both:
            fail(f"{label}.when.flags", _("%(flags)s staat zowel bij required als bij excluded", flags=", ".join(both)))
        ages(f"{label}.when.age", t.min_age, t.max_age)
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
