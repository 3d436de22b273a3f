"""The route finder on the Amsterdam demo region: table-driven scenarios, on both databases.

Each scenario gives the criteria a GP would enter and what the region's routes
must answer: which option comes first, which local services it names, what it
recommends next and the way back.
"""

from dataclasses import dataclass, field

import pytest
from werkzeug.datastructures import MultiDict

from socialmap.routes import criteria as criteria_module
from socialmap.routes import finder


@dataclass
class Scenario:
    name: str
    args: list[tuple[str, str]]
    first: tuple[str, str]  # (route key, next step key) of the best option
    first_service: str | None = None  # the nearest active service at the next step
    recommended: dict[str, str] = field(default_factory=dict)  # follow-up step -> a local service key
    returns_to: set[str] = field(default_factory=set)
    absent_steps: set[str] = field(default_factory=set)  # step kinds no option may lead to
    absent_routes: set[str] = field(default_factory=set)
    top_two: set[str] | None = None  # the next steps of the two best options, when either may lead


SCENARIOS = [
    Scenario(
        "money worries and low mood, postcode 1103 -> exploratory conversation, financial café, back to GP",
        [("needs", "fin.worries"), ("needs", "mental.low_mood"), ("postcode", "1103"), ("age", "45")],
        ("verkennend-gesprek", "verkennend-gesprek"),
        "s-vg-zuidoost",
        recommended={"financieel-cafe": "s-gv-fincafe-zuidoost"},
        returns_to={"huisarts"},
    ),
    Scenario(
        "the same in lay words",
        [("q", "geldzorgen en ik ben somber"), ("postcode", "1103"), ("age", "45")],
        ("verkennend-gesprek", "verkennend-gesprek"),
        "s-vg-zuidoost",
        recommended={"financieel-cafe": "s-gv-fincafe-zuidoost"},
    ),
    Scenario(
        "professionals face a dilemma, client absent -> DOCO",
        [
            ("needs", "house.eviction"),
            ("needs", "mental.low_mood"),
            ("flags", "professional_dilemma"),
            ("flags", "client_absent"),
            ("postcode", "1055"),
            ("age", "38"),
        ],
        ("doco", "doco"),
        "s-doco-amsterdam",
        returns_to={"huisarts"},
        absent_steps={"exploratory_conversation", "poh_ggz", "basic_ggz", "self_care"},
    ),
    Scenario(
        "acute danger -> crisis service first",
        [("needs", "mental.low_mood"), ("urgency", "crisis"), ("postcode", "1012"), ("age", "52")],
        ("crisis", "crisisdienst"),
        "c-amstelstroom-crisisdienst",
        returns_to={"huisarts"},
        absent_steps={"exploratory_conversation", "self_care", "poh_ggz", "basic_ggz"},
    ),
    Scenario(
        "suicidal thoughts in lay words, no urgency given -> crisis (urgency inferred)",
        [("q", "suïcidale gedachten"), ("postcode", "1012")],
        ("crisis", "crisisdienst"),
        "c-amstelstroom-crisisdienst",
    ),
    Scenario(
        "a crisis for a 15-year-old -> the crisis route is for all ages",
        [("needs", "mental.crisis"), ("urgency", "crisis"), ("postcode", "1102"), ("age", "15")],
        ("crisis", "crisisdienst"),
        "c-amstelstroom-crisisdienst",
    ),
    Scenario(
        "mild complaints -> POH-ggz or self-care",
        [("needs", "mental.stress"), ("urgency", "routine"), ("postcode", "1017"), ("age", "30")],
        ("directe-verwijzing", "poh-ggz"),
        top_two={"poh-ggz", "zelfzorg"},
    ),
    Scenario(
        "eviction in Hoptille (wijk Hakfort/Huigenbos) -> team Bijlmer-Centrum",
        [("needs", "house.eviction"), ("buurt", "BU0363TD01"), ("age", "40")],
        ("directe-verwijzing", "buurtteam"),
        "s-bt-bijlmer-centrum",
    ),
    Scenario(
        "eviction in the E-buurt next door (wijk G-buurt-West) -> team Bijlmer-Oost",
        [("needs", "house.eviction"), ("buurt", "BU0363TE01"), ("age", "40")],
        ("directe-verwijzing", "buurtteam"),
        "s-bt-bijlmer-oost",
    ),
    Scenario(
        "client prefers no ggz -> no ggz treatment offered",
        [
            ("needs", "mental.low_mood"),
            ("needs", "social.loneliness"),
            ("flags", "client_prefers_no_ggz"),
            ("postcode", "1091"),
            ("age", "67"),
        ],
        ("verkennend-gesprek", "verkennend-gesprek"),
        "s-vg-oost",
        absent_steps={"basic_ggz", "specialist_ggz"},
    ),
    Scenario(
        "a 15-year-old with anxiety -> the youth route, never an adults-only route",
        [("needs", "mental.anxiety"), ("postcode", "1103"), ("age", "15")],
        ("jeugd-psychische-klachten", "jeugd-ggz"),
        "c-kompas-jeugd-ggz-zuidoost",
        absent_routes={"directe-verwijzing", "verkennend-gesprek", "terug-uit-de-ggz"},
    ),
    Scenario(
        "specialist treatment ends -> a lasting resource group",
        [("needs", "mental.severe"), ("flags", "specialist_care_ending"), ("postcode", "1024"), ("age", "44")],
        ("terug-uit-de-ggz", "resourcegroep"),
        "s-ew-resourcegroep",
    ),
    Scenario(
        "the GP wants advice first -> consultation of the ggz",
        [("needs", "mental.anxiety"), ("flags", "gp_wants_advice"), ("postcode", "1055"), ("age", "29")],
        ("consultatie-vooraf", "consultatie-ggz"),
        returns_to={"huisarts"},
    ),
    Scenario(
        "serious mental illness in Noord -> specialist ggz of Noord",
        [("needs", "mental.severe"), ("urgency", "soon"), ("postcode", "1021"), ("age", "35")],
        ("directe-verwijzing", "sggz"),
        "c-amstelstroom-sggz-noord",
        returns_to={"huisarts", "poh-ggz"},
    ),
    Scenario(
        "grief -> the exploratory conversation recommends a grief group",
        [("needs", "mental.grief"), ("needs", "social.loneliness"), ("postcode", "1091"), ("age", "71")],
        ("verkennend-gesprek", "verkennend-gesprek"),
        "s-vg-oost",
        recommended={"rouwgroep": "s-rk-rouwgroep-oost"},
    ),
]


def run(session, args):
    from flask import current_app

    with current_app.test_request_context("/?lang=en"):  # messages are words in a language
        parsed = criteria_module.parse(session, MultiDict(args))
    return finder.find(session, parsed.criteria, parsed.origin)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_finder_scenario(scenario, demo_session, backend):
    result = run(demo_session, scenario.args)
    assert result.options, "no option at all"
    best = result.options[0]
    got = [(o.route.key, o.next_step.key, o.score) for o in result.options[:4]]
    assert (best.route.key, best.next_step.key) == scenario.first, got
    assert best.reasons, "every option says why it fits"
    if scenario.first_service:
        active = [s.service.key for s in best.services if s.active]
        assert active and active[0] == scenario.first_service, active
    for step_key, service_key in scenario.recommended.items():
        follow = next(f for f in best.follow_ups if f.transition.to_step.key == step_key)
        assert follow.recommended, step_key
        assert service_key in [s.service.key for s in follow.services if s.active], step_key
    if scenario.returns_to:
        assert {leg.transition.to_step.key for leg in best.returns} >= scenario.returns_to
    for option in result.options:
        assert option.next_step.kind not in scenario.absent_steps, option.next_step.key
        assert option.route.key not in scenario.absent_routes, option.route.key
    if scenario.top_two:
        assert {o.next_step.key for o in result.options[:2]} == scenario.top_two, got


def test_needs_understood_from_lay_words_are_reported(demo_session):
    result = run(demo_session, [("q", "geldzorgen en ik ben somber"), ("postcode", "1103")])
    assert dict(result.criteria.understood).keys() == {"fin.worries", "mental.low_mood"}
    assert "multiple_domains" in result.criteria.effective_flags  # two life domains


def test_the_crisis_need_means_a_crisis_whatever_urgency_was_chosen(demo_session):
    """Safety first (issue 7): 'urgent' + the crisis need + the client absent once gave 0 routes."""
    inferred = run(demo_session, [("needs", "mental.crisis"), ("postcode", "1012")])
    assert inferred.criteria.effective_urgency == "crisis" and inferred.criteria.urgency_inferred
    for urgency in ("routine", "soon", "urgent"):
        chosen = run(
            demo_session,
            [("needs", "mental.crisis"), ("urgency", urgency), ("flags", "client_absent"), ("postcode", "1012")],
        )
        assert chosen.criteria.effective_urgency == "crisis" and chosen.criteria.urgency_inferred
        assert chosen.options and chosen.options[0].next_step.kind == "crisis_service"
    explicit = run(demo_session, [("needs", "mental.crisis"), ("urgency", "crisis"), ("postcode", "1012")])
    assert explicit.criteria.effective_urgency == "crisis" and not explicit.criteria.urgency_inferred


def test_a_closed_service_is_shown_but_never_counted_as_local_help(demo_session):
    """The financial café of Noord is temporarily closed: it is listed as closed, not recommended as open."""
    result = run(
        demo_session, [("needs", "fin.worries"), ("needs", "mental.low_mood"), ("postcode", "1031"), ("age", "50")]
    )
    vg = next(o for o in result.options if o.next_step.key == "verkennend-gesprek")
    cafe = next(f for f in vg.follow_ups if f.transition.to_step.key == "financieel-cafe")
    noord = [s for s in cafe.services if s.service.key == "s-gv-fincafe-noord"]
    assert noord and not noord[0].active
    assert cafe.services[0].active or not any(s.active for s in cafe.services)


def test_waiting_longer_than_agreed_is_flagged(demo_session):
    result = run(demo_session, [("needs", "mental.severe"), ("postcode", "1021"), ("age", "35")])
    sggz = next(o for o in result.options if o.next_step.key == "sggz")
    noord = next(s for s in sggz.services if s.service.key == "c-amstelstroom-sggz-noord")
    assert noord.service.waiting_weeks * 7 > sggz.next_step.wait_days and noord.over_agreed_wait


@pytest.mark.parametrize(
    "args, param, fragment",
    [
        ([("needs", "fin.nope"), ("postcode", "1103")], "needs", "fin.nope"),
        ([("needs", "fin.debt"), ("postcode", "9711")], "postcode", "9711"),
        ([("needs", "fin.debt"), ("postcode", "0000")], "postcode", "0000"),
        ([("needs", "fin.debt"), ("buurt", "Amsterdam")], "buurt", "Amsterdam"),
        ([("needs", "fin.debt")], "place", ""),
        ([("needs", "fin.debt"), ("postcode", "1103"), ("age", "honderd")], "age", ""),
        ([("needs", "fin.debt"), ("postcode", "1103"), ("age", "130")], "age", ""),
        ([("needs", "fin.debt"), ("postcode", "1103"), ("urgency", "asap")], "urgency", "routine"),
        ([("needs", "fin.debt"), ("postcode", "1103"), ("flags", "vip")], "flags", "vip"),
        ([("q", "qwxz zzyv"), ("postcode", "1103")], "q", ""),
        ([("postcode", "1103")], "needs", ""),
    ],
)
def test_invalid_criteria_name_the_parameter(demo_session, args, param, fragment):
    with pytest.raises(criteria_module.CriteriaError) as exc:
        run(demo_session, args)
    assert param in exc.value.errors, exc.value.errors
    assert fragment in exc.value.errors[param]
