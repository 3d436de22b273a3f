"""Ranking: among equally relevant results the nearer comes first; a group held
in another language than the person asked for ranks below the general one."""

import pytest

from socialmap.search.engine import EQUAL_SCORE, Candidate, nearer_first_among_equals
from socialmap.search.languages import held_in, named_in

GENERAL_GRIEF_GROUPS = {"s-rk-rouwgroep-oost", "s-rk-jongvolwassenen", "s-rk-rouwgroep-weesp"}
OTHER_LANGUAGE_GROUPS = {"s-rk-rouwgroep-turks": "tr", "s-mn-rouwgroep-arabisch": "ar"}


@pytest.fixture(scope="module")
def run(demo_search):
    return demo_search


def order(response) -> list[str]:
    return [h.key for h in response.hits]


# --- languages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, spoken, expected",
    [
        ("Rouwgroep in het Turks", ["nl", "tr"], ["tr"]),
        ("Grief group in Arabic", ["ar", "nl"], ["ar"]),
        ("Ontmoeting en steun voor Turkse ouderen", ["nl", "tr"], ["tr"]),
        ("Spreekuur voor Arabischsprekende nieuwkomers", ["nl", "ar"], ["ar"]),
        ("Rouwgroep Oost", ["nl", "en", "tr"], []),  # speaks Turkish, held in Dutch
        ("Taalcafé: Nederlands oefenen", ["nl"], []),  # Dutch never counts as another language
        ("Buurthuis Frans Hals", ["nl"], []),  # a name, and French is not spoken there
    ],
)
def test_held_in_reads_the_name(text, spoken, expected):
    assert held_in([text], spoken) == expected


def test_language_names_in_a_query():
    assert named_in("rouwgroep turks") == {"tr"}
    assert named_in("Arabic-speaking grief group") == {"ar"}
    assert named_in("rouwgroep") == set()


@pytest.mark.parametrize("where", [None, "1103", "1064"])
def test_a_group_in_another_language_ranks_below_the_general_one(run, where):
    keys = order(run("rouwgroep", where))
    general = min(keys.index(k) for k in GENERAL_GRIEF_GROUPS if k in keys)
    for key in OTHER_LANGUAGE_GROUPS:
        assert key in keys and keys.index(key) > general, (where, keys)


def test_also_in_the_english_interface(run):
    keys = order(run("grief group", None, locale="en", per_page=100))  # the order, on one page
    assert keys.index("s-rk-rouwgroep-oost") < keys.index("s-rk-rouwgroep-turks")


@pytest.mark.parametrize(
    "how",
    [
        {"text": "rouwgroep turks"},  # named in the words
        {"text": "rouwgroep", "languages": ("tr",)},  # the language filter
        {"text": "rouwgroep", "locale": "tr"},  # the interface language
    ],
)
def test_unless_the_person_asked_for_that_language(run, how):
    keys = order(run(**how))
    assert keys[0] == "s-rk-rouwgroep-turks", keys
    if "s-mn-rouwgroep-arabisch" in keys:  # not asked for: still below the general ones
        assert keys.index("s-mn-rouwgroep-arabisch") > keys.index("s-rk-rouwgroep-oost")


# --- nearer first among equals --------------------------------------------------------


def candidate(key, score, distance):
    from socialmap.search.index import Row

    row = Row(0, key, frozenset(), [], frozenset(), (), (), (), "active", False, frozenset())
    return Candidate(score, "GM0363", 0, row, distance_m=distance)


def test_runs_of_equal_scores_are_ordered_nearest_first():
    ranked = [
        candidate("a", 0.90, 9000),
        candidate("b", 0.89, 2000),
        candidate("c", 0.88, None),
        candidate("d", 0.87, 500),
        candidate("e", 0.50, 100),
    ]
    # a..c lie within EQUAL_SCORE of a; d starts a new run (0.03 below a, but not below its own first)
    assert EQUAL_SCORE == 0.03
    assert [c.row.key for c in nearer_first_among_equals(ranked)] == ["b", "a", "c", "d", "e"]


@pytest.mark.parametrize(
    "text, where, nearer, farther",
    [
        # two practice nurses of other neighbourhoods, described alike: 2.0 km before 2.3 km
        ("praktijkondersteuner", "1056", "c-hap-westerstraat-poh-ggz", "c-hap-spaarndammerhart-poh-ggz"),
    ],
)
def test_equally_relevant_nearer_first_in_the_demo(run, text, where, nearer, farther):
    hits = {h.key: h for h in run(text, where).hits}
    near, far = hits[nearer], hits[farther]
    assert near.distance_m < far.distance_m
    assert abs(near.score - far.score) <= EQUAL_SCORE  # equally relevant ...
    keys = list(hits)
    assert keys.index(nearer) < keys.index(farther)  # ... so the nearer first


def test_much_more_relevant_still_comes_first(run):
    """Distance orders equals only: the grief group 4.4 km away stays above a
    practice nurse 2 km away that mentions grief."""
    keys = order(run("rouwgroep", "1103"))
    assert keys.index("s-rk-rouwgroep-oost") < keys.index("c-hap-ganzenhoef-poh-ggz")
