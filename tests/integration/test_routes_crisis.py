"""Safety first: in a crisis the region's crisis route is always an option, and the first.

The finder's criteria are enumerated: every way urgency becomes "crisis"
(chosen, chosen with the crisis need, inferred from the crisis need) x every
subset of the situation flags x ages (none, a child, a teenager, an adult, an
old person) x with and without other needs x buurten in different parts of
the region. For each, the first option must lead to the crisis service of the
crisis route. And outside a crisis the rules still exclude as before.
"""

from itertools import combinations

import pytest
from werkzeug.datastructures import MultiDict

from socialmap.routes import criteria as criteria_module
from socialmap.routes import finder, queries
from socialmap.routes import vocabulary as voc
from socialmap.routes.finder import Criteria

FLAG_SUBSETS = [frozenset(c) for n in range(len(voc.FLAGS) + 1) for c in combinations(sorted(voc.FLAGS), n)]
AGES = (None, 8, 16, 45, 80)
OTHER_NEEDS = ((), ("fin.debt", "house.eviction", "mental.low_mood"))
URGENCY_SOURCES = {
    "chosen": lambda other: Criteria(needs=other, urgency="crisis"),
    "chosen, with the crisis need": lambda other: Criteria(needs=("mental.crisis", *other), urgency="crisis"),
    "inferred from the crisis need": lambda other: Criteria(needs=("mental.crisis", *other)),
}
PLACES = ("1012", "BU0363TE01", "1031")  # a postcode in Centrum, a buurt in Zuidoost, a postcode in Noord


def first_is_the_crisis_service(result) -> bool:
    best = result.options[0] if result.options else None
    return best is not None and (best.route.key, best.next_step.key) == ("crisis", "crisisdienst")


@pytest.mark.parametrize("place", PLACES)
def test_every_crisis_gets_the_crisis_route_first(demo_session, place):
    origin, _label, problem = criteria_module.resolve_place(demo_session, place)
    assert problem is None
    around = finder.locality(demo_session, origin)
    routes = queries.published_routes(demo_session)
    failures, checked = [], 0
    for source, make in URGENCY_SOURCES.items():
        for other in OTHER_NEEDS:
            for age in AGES:
                for flags in FLAG_SUBSETS:
                    base = make(other)
                    c = Criteria(needs=base.needs, urgency=base.urgency, age=age, flags=flags)
                    assert c.effective_urgency == "crisis"
                    result = finder.find(demo_session, c, origin, around=around, routes=routes)
                    checked += 1
                    if not first_is_the_crisis_service(result):
                        failures.append(
                            (
                                source,
                                other,
                                age,
                                sorted(flags),
                                [(o.route.key, o.next_step.key) for o in result.options[:3]],
                            )
                        )
    assert checked == len(URGENCY_SOURCES) * len(OTHER_NEEDS) * len(AGES) * 2 ** len(voc.FLAGS)
    assert not failures, f"{len(failures)} of {checked} crisis cases without the crisis route first: {failures[:5]}"


def run(session, args):
    from flask import current_app

    with current_app.test_request_context("/?lang=nl"):
        parsed = criteria_module.parse(session, MultiDict(args))
    return finder.find(session, parsed.criteria, parsed.origin)


@pytest.mark.parametrize("flag", sorted(voc.FLAGS))
@pytest.mark.parametrize(
    "urgency_args",
    [[("urgency", "crisis")], [("needs", "mental.crisis")], [("q", "suïcidale gedachten")]],
    ids=["chosen", "inferred", "lay words"],
)
def test_crisis_from_the_form_with_each_flag(demo_session, urgency_args, flag):
    """The same through the form's parameters, as the finder page reads them."""
    result = run(demo_session, [*urgency_args, ("flags", flag), ("postcode", "1103"), ("age", "45")])
    assert result.criteria.effective_urgency == "crisis"
    assert first_is_the_crisis_service(result), [(o.route.key, o.next_step.key) for o in result.options]


def test_what_a_crisis_sets_aside_is_said(demo_session):
    """The reported case: crisis with "discuss without the client" gave 0 routes."""
    result = run(demo_session, [("urgency", "crisis"), ("flags", "client_absent"), ("postcode", "1012")])
    best = result.options[0]
    kinds = [(r.kind, r.code) for r in best.reasons]
    assert kinds[0] == ("crisis_first", "") and ("set_aside", "client_absent") in kinds
    young = run(demo_session, [("needs", "mental.crisis"), ("postcode", "1012"), ("age", "8")])
    assert ("set_aside", "age") not in [(r.kind, r.code) for r in young.options[0].reasons]  # all ages


def test_a_crisis_route_agreed_for_some_ages_is_still_offered_outside_them(demo_session):
    """Criteria rank in a crisis: a crisis route agreed for adults still comes
    first for a child, saying that its ages were set aside."""
    crisis = queries.route_by_key(demo_session, "crisis")
    crisis.min_age = 18  # rolled back after the test
    result = run(demo_session, [("urgency", "crisis"), ("postcode", "1012"), ("age", "8")])
    assert first_is_the_crisis_service(result)
    assert ("set_aside", "age") in [(r.kind, r.code) for r in result.options[0].reasons]
    calm = run(demo_session, [("needs", "mental.low_mood"), ("urgency", "routine"), ("postcode", "1012"), ("age", "8")])
    assert all(o.route.key != "crisis" for o in calm.options)


@pytest.mark.parametrize("urgency", ["routine", "soon", "urgent"])
@pytest.mark.parametrize("flag", sorted(voc.FLAGS))
def test_outside_a_crisis_the_rules_still_exclude(demo_session, urgency, flag):
    """Without a crisis nothing changed: an excluded flag, or the client being
    absent, still rules a transition out (the crisis route too)."""
    result = run(
        demo_session,
        [("needs", "mental.severe"), ("urgency", urgency), ("flags", flag), ("postcode", "1012"), ("age", "45")],
    )
    flags = result.criteria.effective_flags
    assert result.criteria.effective_urgency == urgency
    for option in result.options:
        t = option.transition
        assert not option.crisis_first and not any(r.kind == "set_aside" for r in option.reasons)
        assert urgency in t.urgencies and not set(t.flags_excluded) & flags and set(t.flags_required) <= flags
        assert not ("client_absent" in flags and option.next_step.client_present == "yes")
