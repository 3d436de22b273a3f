"""Age ranges of local services: a service is never offered for an age outside
its range; with no age given it stays, after the general services of the step."""

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from socialmap.catalogue.models import Service
from socialmap.routes import criteria as criteria_module
from socialmap.routes import finder
from socialmap.routes.matching import accepts_age

YOUTH_CONSULTATION = "c-kompas-consultatie"  # "Consultatie jeugd-ggz voor huisartsen en jeugdartsen"
ADVICE_FIRST = [("needs", "mental.anxiety"), ("flags", "gp_wants_advice"), ("postcode", "1055")]


def run(session, args):
    from flask import current_app

    with current_app.test_request_context("/?lang=nl"):
        parsed = criteria_module.parse(session, MultiDict(args))
    return finder.find(session, parsed.criteria, parsed.origin)


def consultation_services(result) -> list[str]:
    option = next(o for o in result.options if o.next_step.key == "consultatie-ggz")
    return [s.service.key for s in option.services]


@pytest.fixture
def youth_consultation_for_young_people(demo_session):
    """The youth consultation with the ages of the other Kompas youth services
    (set here; the demo catalogue has none for it yet); rolled back after the test."""
    service = demo_session.scalar(select(Service).where(Service.key == YOUTH_CONSULTATION))
    service.min_age, service.max_age = 0, 18
    demo_session.flush()
    return service


def test_a_service_is_not_offered_outside_its_age_range(demo_session, youth_consultation_for_young_people):
    adult = consultation_services(run(demo_session, [*ADVICE_FIRST, ("age", "45")]))
    assert YOUTH_CONSULTATION not in adult and adult[0] == "c-amstelstroom-consultatie"
    young = consultation_services(run(demo_session, [*ADVICE_FIRST, ("age", "15")]))
    assert YOUTH_CONSULTATION in young


def test_with_no_age_the_step_prefers_the_general_service(demo_session, youth_consultation_for_young_people):
    """The consultation route is for all ages: a service for young people only
    is kept, after the general one (it came first by name before)."""
    services = consultation_services(run(demo_session, ADVICE_FIRST))
    assert services.index("c-amstelstroom-consultatie") < services.index(YOUTH_CONSULTATION)


def test_on_an_adult_route_an_adult_service_counts_as_general(demo_session):
    """With no age on an 18+ route, 18+ services are general; one for 16-23 comes after them
    (both checked recently: a long-unchecked entry comes last whatever its ages, see test_freshness)."""
    west = demo_session.scalar(select(Service).where(Service.key == "c-amstelstroom-sggz-west"))
    stage, west.freshness_stage = west.freshness_stage, "current"  # the demo's dates leave it demoted
    try:
        result = run(demo_session, [*ADVICE_FIRST])
        basis = next(o for o in result.options if o.next_step.key == "basis-ggz")
        sggz = next(f for f in basis.follow_ups if f.transition.to_step.key == "sggz")
        keys = [s.service.key for s in sggz.services]
        assert keys.index("c-kompas-jongvolwassenen") > keys.index("c-amstelstroom-sggz-west")
    finally:
        west.freshness_stage = stage
        demo_session.rollback()


def test_the_demo_youth_consultation_is_not_offered_to_a_45_year_old(demo_session):
    assert YOUTH_CONSULTATION not in consultation_services(run(demo_session, [*ADVICE_FIRST, ("age", "45")]))


@pytest.mark.parametrize("age", [8, 16, 45, 80])
@pytest.mark.parametrize(
    "args",
    [
        [("needs", "fin.worries"), ("needs", "mental.low_mood"), ("postcode", "1103")],
        [("needs", "mental.anxiety"), ("postcode", "1055")],
        [("needs", "mental.grief"), ("needs", "social.loneliness"), ("postcode", "1091")],
        [("needs", "mental.crisis"), ("postcode", "1012")],
    ],
    ids=["money-mood", "anxiety", "grief", "crisis"],
)
def test_every_service_shown_takes_the_age(demo_session, args, age):
    """Next steps, what follows and the way back: no service outside its age range."""
    result = run(demo_session, [*args, ("age", str(age))])
    shown = [
        s
        for o in result.options
        for s in [
            *o.services,
            *(s for f in o.follow_ups for s in f.services),
            *(s for r in o.returns for s in r.services),
        ]
    ]
    assert shown
    assert [s.service.key for s in shown if not accepts_age(s.service, age)] == []


def test_with_no_age_the_routes_ages_stand_in(demo_session):
    """The route page (no age) of the youth route (12-17): a service for 18-23
    only is left out; one for 16-27 comes after those taking every age 12-17."""
    from socialmap.routes.queries import route_by_key

    route = route_by_key(demo_session, "jeugd-psychische-klachten")
    origin, _label, _problem = criteria_module.resolve_place(demo_session, "1103")
    services = finder.local_services(route.step("jongerenwerk"), finder.locality(demo_session, origin))
    keys = [s.service.key for s in services]
    assert "c-loket-dak-jongeren" not in keys  # 18-23
    general = [s.service.key for s in services if (s.service.min_age or 0) <= 12 and (s.service.max_age or 200) >= 17]
    assert general and keys[: len(general)] == general
    assert keys.index("s-jv-jongerencoach") >= len(general)  # 16-27
