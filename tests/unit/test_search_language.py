"""The language side of search (docs/search-language.md): lemmas, compounds
against a real lexicon, negations kept for understanding."""

from __future__ import annotations

import pytest

from socialmap.search.analysis import split_compound, terms, word_stems


@pytest.mark.parametrize(
    "word, parts",
    [
        ("computerles", {"computer", "les"}),  # a common 3-letter word may end a compound
        ("energierekening", {"energie", "rekening"}),  # parts from wordfreq's Dutch words
        ("schuldhulpverlening", {"schuldhulp", "schuld", "hulp", "verlening"}),  # rare part split further
        ("dagbesteding", {"dag", "besteding"}),  # common part not split further
    ],
)
def test_compounds_split_against_a_real_lexicon(word, parts):
    assert set(split_compound(word)) == parts


@pytest.mark.parametrize("word", ["huisarts", "kinderopvang", "boodschappen"])
def test_words_people_use_on_their_own_are_not_split(word):
    assert split_compound(word) == ()


@pytest.mark.parametrize("a, b", [("les", "lessen"), ("kan", "kunnen"), ("huizen", "huis"), ("taallessen", "taalles")])
def test_singular_plural_and_verb_forms_meet(a, b):
    assert set(word_stems(a)) & set(word_stems(b)) or set(terms(a)) & set(terms(b))


@pytest.fixture(scope="module")
def matcher(demo_apps):
    from socialmap.extensions import db
    from socialmap.search.needs import matcher_for

    app = demo_apps("spatialite")
    with app.app_context():
        yield matcher_for(db.session)


@pytest.mark.parametrize(
    "text, need, expected",
    [
        ("geen huis", "house.homeless", True),
        ("op straat", "house.homeless", True),
        ("huis", "house.homeless", False),
        ("straat", "house.homeless", False),
        ("huis van de wijk", "house.homeless", False),
        ("ik kan de huur niet betalen", "house.eviction", True),
        ("nederlands", "migration.status", False),
        ("vervoer naar het ziekenhuis", "daily.transport", True),
    ],
)
def test_the_need_matcher_reads_negations_prepositions_and_verb_forms(matcher, text, need, expected):
    assert (need in matcher.interpret(text).needs) is expected
