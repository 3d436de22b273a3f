"""The structural rules of a referral route, each with a route that breaks it."""

import pytest

from socialmap.routes.kinds import step_kinds
from socialmap.routes.validation import Edge, Graph, structural_problems

KINDS = step_kinds()


def graph(steps: dict[str, str], edges: list[tuple[str, str, str]], entries=("gp",)) -> Graph:
    return Graph(
        "route test",
        steps,
        list(entries),
        [Edge(a, b, kind, f"transitions[{i}]") for i, (a, b, kind) in enumerate(edges)],
    )


def problems(g: Graph) -> list[str]:
    return [str(p) for p in structural_problems(g, KINDS)]


GOOD = graph(
    {"gp": "gp", "poh": "poh_ggz", "cafe": "welfare_peer", "team": "social_domain"},
    [
        ("gp", "poh", "referral"),
        ("poh", "gp", "return"),
        ("gp", "cafe", "referral"),
        ("cafe", "team", "referral"),
        ("cafe", "gp", "return"),
    ],
)


def test_a_sound_route_has_no_problems():
    assert problems(GOOD) == []


@pytest.mark.parametrize(
    "entries, expected",
    [
        ((), "moet precies één beginstap hebben, heeft er 0"),
        (("gp", "poh"), "moet precies één beginstap hebben, heeft er 2 (gp, poh)"),
    ],
)
def test_exactly_one_entry(entries, expected):
    g = graph({"gp": "gp", "poh": "poh_ggz"}, [("gp", "poh", "referral"), ("poh", "gp", "return")], entries)
    assert problems(g) == [f"route test: steps: {expected}"]


def test_unknown_step_and_self_loop():
    g = graph(
        {"gp": "gp", "poh": "poh_ggz"},
        [("gp", "poh", "referral"), ("poh", "nowhere", "return"), ("poh", "poh", "step_up")],
    )
    assert problems(g) == [
        "route test: transitions[1]: onbekende stap 'nowhere'",
        "route test: transitions[2]: leidt van stap 'poh' naar zichzelf",
    ]


def test_unreachable_step():
    g = graph(
        {"gp": "gp", "poh": "poh_ggz", "island": "welfare_peer"},
        [("gp", "poh", "referral"), ("poh", "gp", "return"), ("island", "gp", "return")],
    )
    assert problems(g) == ["route test: stap island: is vanaf de beginstap niet te bereiken"]


def test_dead_end_step_without_way_onward():
    g = graph({"gp": "gp", "cafe": "welfare_peer"}, [("gp", "cafe", "referral")])
    assert problems(g) == ["route test: stap cafe: is een doodlopend eind: geen overgang leidt verder"]


def test_dead_end_trap_without_way_home():
    """Two steps that only lead to each other (through a return) never reach a home."""
    g = graph(
        {"gp": "gp", "a": "welfare_peer", "b": "welfare_peer"},
        [("gp", "a", "referral"), ("a", "b", "referral"), ("b", "a", "return")],
    )
    assert "route test: stap a: is een doodlopend eind: geen weg leidt naar een thuisstap" in problems(g)
    assert "route test: stap b: is een doodlopend eind: geen weg leidt naar een thuisstap" in problems(g)


def test_care_step_without_return_path():
    """Specialist care that only hands over onward to the team, never by a return."""
    g = graph(
        {"gp": "gp", "sggz": "specialist_ggz", "team": "social_domain"},
        [("gp", "sggz", "referral"), ("sggz", "team", "warm_handover")],
    )
    assert problems(g) == ["route test: stap sggz: is een zorgstap (specialist_ggz) zonder terugweg naar een thuisstap"]


def test_return_path_may_pass_other_steps():
    g = graph(
        {"gp": "gp", "sggz": "specialist_ggz", "poh": "poh_ggz"},
        [("gp", "sggz", "referral"), ("sggz", "poh", "return"), ("poh", "gp", "return")],
    )
    assert problems(g) == []


def test_cycle_without_return():
    g = graph(
        {"gp": "gp", "basic": "basic_ggz", "sggz": "specialist_ggz"},
        [
            ("gp", "basic", "referral"),
            ("basic", "sggz", "step_up"),
            ("sggz", "basic", "step_down"),
            ("basic", "gp", "return"),
            ("sggz", "gp", "return"),
        ],
    )
    assert problems(g) == ["route test: transitions: kringloop zonder terugverwijzing: basic -> sggz -> basic"]


def test_cycle_through_a_return_is_allowed():
    g = graph(
        {"sggz": "specialist_ggz", "group": "resource_group"},
        [("sggz", "group", "return"), ("group", "sggz", "step_up")],
        entries=("sggz",),
    )
    assert problems(g) == []


def test_no_home_step_at_all():
    g = graph({"gp": "poh_ggz", "b": "basic_ggz"}, [("gp", "b", "referral"), ("b", "gp", "return")])
    assert problems(g) == [
        "route test: steps: heeft geen thuisstap (huisarts, sociaal domein of resourcegroep) om naar terug te leiden"
    ]


def test_every_step_kind_says_care_or_home_explicitly():
    assert KINDS["gp"]["home"] and KINDS["social_domain"]["home"] and KINDS["resource_group"]["home"]
    for code in ("poh_ggz", "basic_ggz", "specialist_ggz", "fact", "crisis_service", "exploratory_conversation"):
        assert KINDS[code]["care"], code
