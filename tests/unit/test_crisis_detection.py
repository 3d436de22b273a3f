"""Recognising crisis and suicidal wording in what people type.

The two tables below are judgments, written before the detector: what a
resident or a GP types, and how the map should read it. They are not to be
edited to fit the detector's results.
"""
from __future__ import annotations

import pytest

from socialmap.safety import crisis
from socialmap.safety.crisis import CrisisSignal, detect

# (what someone types, the kind it must give)
CRISIS = [
    # suicidal: lay phrasings, negations that are the signal, words in between
    ("wil niet meer leven", "suicidal"),
    ("ik wil dood", "suicidal"),
    ("Ik wil echt niet meer leven", "suicidal"),
    ("wil gewoon dood", "suicidal"),
    ("ik wil zo graag dood", "suicidal"),
    ("nu wil ik dood", "suicidal"),
    ("ik wil er niet meer zijn", "suicidal"),
    ("ik wil niet meer bestaan", "suicidal"),
    ("geen zin meer in het leven", "suicidal"),
    ("het leven heeft geen zin meer", "suicidal"),
    ("ik heb geen reden meer om te leven", "suicidal"),
    ("ik heb het gevoel dat ik niet meer wil leven", "suicidal"),
    ("zie het niet meer zitten", "suicidal"),
    ("ik zie het echt niet meer zitten", "suicidal"),
    ("ik zie geen uitweg meer", "suicidal"),
    ("ik wil niet meer.", "suicidal"),
    ("ik zou willen slapen en nooit meer wakker worden", "suicidal"),
    ("was ik maar dood", "suicidal"),
    ("ik ben levensmoe", "suicidal"),
    ("ik wil een einde aan mijn leven maken", "suicidal"),
    ("ik wil er een eind aan maken", "suicidal"),
    ("ik wil mezelf iets aandoen", "suicidal"),
    ("ik heb gedachten aan de dood", "suicidal"),
    ("Ik denk aan zelfmoord.", "suicidal"),
    ("mijn dochter wil dood", "suicidal"),
    ("mijn dochter heeft een zelfmoordpoging gedaan", "suicidal"),
    ("zelfmoord", "suicidal"),
    ("zelfdoding", "suicidal"),
    ("ZELFMOORD GEDACHTEN", "suicidal"),
    ("ik heb last van doodsgedachten en somberheid", "suicidal"),
    # compounds and accents
    ("doodsgedachten", "suicidal"),
    ("doodswens", "suicidal"),
    ("zelfmoordgedachten", "suicidal"),
    ("zelfmoordgedachtes", "suicidal"),
    ("suïcidegedachten", "suicidal"),
    ("suïcidaal", "suicidal"),
    ("suicidaal", "suicidal"),
    # self-harm
    ("ik snijd mezelf", "suicidal"),
    ("zelfbeschadiging", "suicidal"),
    ("automutilatie", "suicidal"),
    ("self-harm", "suicidal"),
    # typos
    ("zelfmord", "suicidal"),
    ("zelfmoort", "suicidal"),
    ("zelfdodng", "suicidal"),
    ("doodsgedachte", "suicidal"),
    ("zelfmordgedachten", "suicidal"),
    ("sucidal", "suicidal"),
    ("suicde", "suicidal"),
    # English
    ("suicidal", "suicidal"),
    ("suicidal thoughts", "suicidal"),
    ("thinking about suicide", "suicidal"),
    ("don't want to live", "suicidal"),
    ("I don't want to live anymore", "suicidal"),
    ("I want to die", "suicidal"),
    ("i want to kill myself", "suicidal"),
    ("I wish I was dead", "suicidal"),
    ("no reason to live", "suicidal"),
    ("they'd be better off without me", "suicidal"),
    # acute: acute danger, an acute mental-health crisis, an imminent act
    ("ik ben in crisis", "acute"),
    ("ik zit in een diepe crisis", "acute"),
    ("crisis", "acute"),
    ("psychische crisis", "acute"),
    ("acute psychose", "acute"),
    ("mijn zoon is psychotisch", "acute"),
    ("ggz crisisdienst", "acute"),
    ("ik ben in gevaar", "acute"),
    ("ik ga mezelf iets aandoen", "acute"),
    ("ik ga zelfmoord plegen", "acute"),
    ("ik heb een overdosis genomen", "acute"),
    ("heb te veel pillen genomen", "acute"),
    ("I am in crisis", "acute"),
    ("mental health crisis", "acute"),
    ("I'm going to kill myself", "acute"),
    ("I took an overdose", "acute"),
    ("i'm having a psychotic episode", "acute"),
    # a crisis phrase beside a bereavement phrase: crisis wins
    ("mijn broer heeft zelfmoord gepleegd en nu wil ik ook dood", "suicidal"),
    ("nabestaande na zelfmoord, ik heb zelf ook doodsgedachten", "suicidal"),
]

# (what someone types, None or "bereaved")
NOT_CRISIS = [
    # everyday uses of dood, leven, crisis, niet meer
    ("dood van de kat", None),
    ("rouw na overlijden", None),
    ("doodmoe", None),
    ("ik ben doodop", None),
    ("mijn vader is dood", None),
    ("mijn vader is er niet meer", None),
    ("doodgewoon", None),
    ("ik wil doodgewoon hulp", None),
    ("ik voel me doodongelukkig", None),
    ("ik ben doodsbenauwd voor de tandarts", None),
    ("ik ga dood van de stress", None),
    ("financiële crisis", None),
    ("woningcrisis", None),
    ("energiecrisis", None),
    ("relatiecrisis", None),
    ("midlifecrisis", None),
    ("crisisopvang voor dak- en thuislozen", None),
    ("leven met dementie", None),
    ("levensloopbestendige woning", None),
    ("weer levensmoed vinden na een scheiding", None),
    ("ik kan de huur niet meer betalen", None),
    ("niet meer thuis kunnen wonen", None),
    ("ik werk niet meer", None),
    ("ik wil niet meer roken", None),
    ("ik wil niet meer eenzaam zijn", None),
    ("geen zin meer in mijn werk", None),
    ("ik kan niet meer slapen", None),
    ("ik zie het niet zitten om te verhuizen", None),
    ("bang voor de dood", None),
    ("begrafenis regelen", None),
    ("testament", None),
    ("levenstestament", None),
    ("euthanasie bij dementie", None),
    ("mijn moeder wil thuis sterven", None),
    ("suiker", None),
    ("dood hout", None),
    ("ik wil dood hout laten weghalen", None),
    ("mijn rug doet me pijn", None),
    ("herstel na psychose", None),
    ("last van paniekaanvallen", None),
    ("rouwgroep", None),
    ("zelfzorg bij stress", None),
    ("my father died", None),
    ("I'm dead tired", None),
    # bereaved by suicide: the lines are shown, but it is not the searcher's own crisis
    ("nabestaanden na zelfmoord", "bereaved"),
    ("zelfmoordnabestaanden", "bereaved"),
    ("rouwgroep voor nabestaanden van suïcide", "bereaved"),
    ("mijn broer heeft zelfmoord gepleegd", "bereaved"),
    ("mijn vader pleegde vorig jaar zelfmoord", "bereaved"),
    ("rouw na zelfdoding", "bereaved"),
    ("na de zelfmoord van mijn zoon", "bereaved"),
    ("mijn man heeft zich van het leven beroofd", "bereaved"),
    ("lost my son to suicide", "bereaved"),
    ("my sister died by suicide", "bereaved"),
]


@pytest.mark.parametrize("text, kind", CRISIS)
def test_crisis_wording_is_recognised(text, kind):
    signal = detect(text)
    assert signal is not None, text
    assert signal.kind == kind, (text, signal)
    assert signal.is_crisis
    assert signal.words


@pytest.mark.parametrize("text, expected", NOT_CRISIS)
def test_everyday_wording_is_not_a_crisis(text, expected):
    signal = detect(text)
    if expected is None:
        assert signal is None, (text, signal)
    else:
        assert signal is not None and signal.kind == expected, (text, signal)
        assert not signal.is_crisis


def test_the_tables_are_large_enough():
    assert len(CRISIS) >= 45
    assert len(NOT_CRISIS) >= 25


@pytest.mark.parametrize("text", [None, "", "   ", "?!", "1011 AB"])
def test_empty_text_gives_nothing(text):
    assert detect(text) is None


@pytest.mark.parametrize("text, words", [
    ("Ik wil echt niet meer leven!", ("wil", "echt", "niet", "meer", "leven")),
    ("Zelfmord", ("Zelfmord",)),
    ("ik voel me suïcidaal", ("suïcidaal",)),
    ("I don't want to live", ("don't", "want", "to", "live")),
])
def test_words_are_given_as_typed(text, words):
    assert detect(text).words == words


def test_signal_kinds():
    assert CrisisSignal("suicidal", ("dood",)).is_crisis
    assert CrisisSignal("acute", ("crisis",)).is_crisis
    assert not CrisisSignal("bereaved", ("zelfmoord",)).is_crisis
