"""The pure cores, without a database: the need matcher (a query's words and a
service's own text) and the route finder's rule for one transition."""

from __future__ import annotations

import pytest

from socialmap.routes.finder import CRISIS_STEP, Criteria, evaluate
from socialmap.routes.models import RouteStep, RouteTransition
from socialmap.search.needs import NeedMatcher

NEEDS = [
    ("fin", {"nl": "Geld", "en": "Money"}, {"nl": ["geldproblemen"]}),
    (
        "fin.debt",
        {"nl": "Schulden", "en": "Debts"},
        {"nl": ["schulden", "schuldhulp", "rekeningen niet kunnen betalen", "deurwaarder"], "en": ["debt help"]},
    ),
    ("house.homeless", {"nl": "Dakloos"}, {"nl": ["dakloos", "geen huis", "op straat"]}),
    ("work", {"nl": "Werk"}, {"nl": ["werk"]}),
    ("edu.dutch", {"nl": "Nederlands leren"}, {"nl": ["taalles", "taalcursus", "taalhuis", "nederlands leren"]}),
]
KINDS = [("financial_cafe", {"nl": "Financieel café"}, {"nl": ["geldcafé"]})]


@pytest.fixture(scope="module")
def matcher() -> NeedMatcher:
    return NeedMatcher(NEEDS, KINDS)


@pytest.mark.parametrize(
    "text, need",
    [
        ("schulden", "fin.debt"),
        ("ik kan mijn rekeningen niet betalen", "fin.debt"),  # "kan" meets "kunnen" through its lemma
        ("schuldhulpverlening", "fin.debt"),  # a compound's part names it
        ("debt help", "fin.debt"),
        ("geen huis meer", "house.homeless"),
        ("schuldn", "fin.debt"),  # a typo of a taxonomy word
    ],
)
def test_a_query_names_its_need(matcher, text, need):
    assert need in matcher.interpret(text).needs


@pytest.mark.parametrize(
    "text, need",
    [
        ("huis", "house.homeless"),  # "geen huis" needs its "geen"
        ("straat", "house.homeless"),
        ("huisarts", "house.homeless"),  # a word whole is not read through its part
        ("dementie", "fin.debt"),  # a word of the language is never a typo
    ],
)
def test_a_query_does_not_name_what_it_does_not_say(matcher, text, need):
    assert need not in matcher.interpret(text).needs


def test_a_broad_need_gives_way_to_the_narrower_one(matcher):
    assert set(matcher.interpret("geldproblemen en schulden").needs) == {"fin.debt"}


def test_a_text_names_needs_only_where_the_words_stand_together(matcher):
    needs, kinds = matcher.named_in_text([("nl", "Wij helpen als u uw rekeningen niet kunt betalen.")])
    assert "fin.debt" in needs and not kinds
    scattered, _ = matcher.named_in_text(
        [("nl", "Rekeningen maken wij samen. Niet alles lukt meteen; betalen doet u zelf, met kunnen en willen.")]
    )
    assert "fin.debt" not in scattered


def test_a_common_word_names_nothing_in_a_text(matcher):
    """ "werk" typed as a query asks for work; in a text it says nothing (Zipf >= 5.5)."""
    assert "work" in matcher.interpret("werk").needs
    needs, _ = matcher.named_in_text([("nl", "Ons werk is het ondersteunen van gezinnen.")])
    assert "work" not in needs


def test_a_text_names_a_kind(matcher):
    needs, kinds = matcher.named_in_text([("nl", "Elke woensdag is er een geldcafé in de bibliotheek.")])
    assert kinds == {"financial_cafe"} and not needs


def step(key, kind, client_present="yes") -> RouteStep:
    return RouteStep(
        key=key,
        kind=kind,
        title=key,
        client_present=client_present,
        is_entry=False,
        translations={},
        service_kinds=[],
        service_needs=[],
        service_domains=[],
    )


def transition(to: RouteStep, **kw) -> RouteTransition:
    values = dict(
        kind="referral",
        needs=[],
        urgencies=[],
        flags_required=[],
        flags_favoured=[],
        flags_excluded=[],
        weight=0,
        min_age=None,
        max_age=None,
    )
    values.update(kw)
    return RouteTransition(from_step=step("gp", "gp"), to_step=to, **values)


def test_a_transition_fits_when_its_need_is_met_and_scores_it():
    t = transition(step("fc", "financial_cafe"), needs=["fin.debt"], flags_favoured=["client_prefers_no_ggz"])
    score, reasons = evaluate(t, Criteria(needs=("fin.debt",), flags=frozenset({"client_prefers_no_ggz"})))
    assert score == 10 + 5
    assert [r.kind for r in reasons] == ["need", "favoured"]


@pytest.mark.parametrize(
    "kw, criteria",
    [
        ({"needs": ["house.homeless"]}, Criteria(needs=("fin.debt",))),  # another need
        ({"urgencies": ["urgent"]}, Criteria(needs=("fin.debt",), urgency="routine")),  # another urgency
        ({"flags_required": ["multiple_domains"]}, Criteria(needs=("fin.debt",))),  # a required flag missing
        (
            {"flags_excluded": ["client_prefers_no_ggz"]},
            Criteria(needs=("fin.debt",), flags=frozenset({"client_prefers_no_ggz"})),
        ),  # an excluded flag present
        ({"min_age": 18}, Criteria(needs=("fin.debt",), age=16)),  # too young
    ],
)
def test_a_transition_that_does_not_fit_is_left_out(kw, criteria):
    assert evaluate(transition(step("x", "welfare_peer"), **kw), criteria) is None


def test_a_client_who_is_not_there_cannot_be_sent_where_they_must_be():
    t = transition(step("poh", "poh_ggz", client_present="yes"))
    assert evaluate(t, Criteria(needs=("fin.debt",), flags=frozenset({"client_absent"}))) is None


def test_in_a_crisis_the_crisis_service_fits_whatever_else_is_wrong():
    """Safety first: flags, age and urgency that would exclude it only rank it lower."""
    crisis = transition(step("crisis", CRISIS_STEP), flags_excluded=["client_absent"], min_age=18)
    score, reasons = evaluate(
        crisis, Criteria(needs=("fin.debt",), age=15, flags=frozenset({"client_absent"}), crisis_words=("zelfmoord",))
    )
    assert reasons[0].kind == "crisis_first"
    assert {r.code for r in reasons if r.kind == "set_aside"} == {"client_absent", "age"}
    assert score == 50 - 10 * 2
