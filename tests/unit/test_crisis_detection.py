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


@pytest.mark.parametrize(
    "text, words",
    [
        ("Ik wil echt niet meer leven!", ("wil", "echt", "niet", "meer", "leven")),
        ("Zelfmord", ("Zelfmord",)),
        ("ik voel me suïcidaal", ("suïcidaal",)),
        ("I don't want to live", ("don't", "want", "to", "live")),
    ],
)
def test_words_are_given_as_typed(text, words):
    assert detect(text).words == words


def test_signal_kinds():
    assert CrisisSignal("suicidal", ("dood",)).is_crisis
    assert CrisisSignal("acute", ("crisis",)).is_crisis
    assert not CrisisSignal("bereaved", ("zelfmoord",)).is_crisis


# --------------------------------------------------------------------------- guards

# The product's own vocabulary: only these words of the search lexicon speak of a crisis.
CRISIS_WORDS_IN_LEXICON = {
    "crisis": "acute",
    "crisisdienst": "acute",
    "crisisteam": "acute",
    "suicidaal": "suicidal",
    "suicidal": "suicidal",
    "suicide": "suicidal",
    "zelfbeschadiging": "suicidal",
    "zelfdoding": "suicidal",
    "zelfmoord": "suicidal",
    "zelfmoordgedachten": "suicidal",
    "zelfmoordpreventie": "suicidal",
    "zelfverwonding": "suicidal",
    # The parts lexicon now holds wordfreq's common Dutch words too; these two are real crisis words.
    "crises": "acute",
    "levensgevaar": "acute",
}


def test_no_other_word_of_the_search_lexicon_is_taken_for_a_crisis():
    from socialmap.search.analysis import lexicon

    found = {word: signal.kind for word in lexicon() if (signal := detect(word))}
    unexpected = {w: k for w, k in found.items() if CRISIS_WORDS_IN_LEXICON.get(w) != k}
    assert unexpected == {}


def test_everyday_needs_and_service_kinds_are_not_a_crisis():
    """Every label and lay synonym of the taxonomy, except the crisis need and crisis
    services themselves, gives no crisis (grief may give "bereaved")."""
    import yaml

    from socialmap.config import DATA_DIR

    crisis_codes = {"mental.crisis", "crisis_service"}
    wrong = []
    for name, key in (("needs.yaml", "needs"), ("service_kinds.yaml", "service_kinds")):
        terms = yaml.safe_load((DATA_DIR / "taxonomy" / name).read_text(encoding="utf-8"))[key]
        for term in terms:
            if term["code"] in crisis_codes:
                continue
            texts = [*term.get("label", {}).values()]
            for words in (term.get("synonyms") or {}).values():
                texts += words
            for text in texts:
                signal = detect(str(text))
                if signal is not None and signal.kind != "bereaved":
                    wrong.append((term["code"], text, signal.kind))
    assert wrong == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("lost my son to suicide", "bereaved"),
        ("zelfmoord gepleegd", "bereaved"),
        ("ik denk aan zelfmoord sinds mijn broer zelfmoord pleegde", "suicidal"),
    ],
)
def test_grief_words_are_not_read_as_the_searchers_own_crisis(text, expected):
    assert detect(text).kind == expected


def test_typos_are_forgiven_only_on_long_words():
    assert crisis._typo_allowance(5) == 0
    assert crisis._typo_allowance(8) == 1
    assert crisis._typo_allowance(12) == 2
    assert detect("suicde") is not None  # 7 letters, one letter missing
    assert detect("zelfmrd") is None  # two letters missing from 9 letters
    assert detect("levensmoed") is None  # a real word one letter from "levensmoe"


def test_fast_enough():
    import time

    text = (
        "Ik voel me somber en zie weinig licht, mijn vader is overleden en ik heb schulden. "
        "Waar kan ik terecht voor hulp bij rouw en geldzorgen in mijn eigen buurt in Zuid?"
    )
    detect(text)
    rounds = 200
    start = time.perf_counter()
    for i in range(rounds):
        detect(f"{text} {i}")
    per_call = (time.perf_counter() - start) / rounds
    assert per_call < 0.001, f"{per_call * 1000:.2f} ms per call"


# --------------------------------------------------------------------------- crisis lines


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_national_lines():
    lines = crisis.crisis_lines()
    assert [line.key for line in lines] == ["113", "112", "huisartsenpost"]
    line_113, line_112, gp = lines
    assert (line_113.phone, line_113.phone_display) == ("08000113", "0800-0113")
    assert line_113.chat_url.startswith("https://www.113.nl")
    assert (line_112.phone, line_112.phone_display) == ("112", "112")
    assert gp.phone is None  # no national number: a region adds its own
    for line in lines:
        assert line.name["nl"] and line.name["en"] and line.text["nl"] and line.text["en"]
    assert line_113.label("en") == "113 Suicide Prevention"
    assert line_113.label("tr") == line_113.label("nl") == "113 Zelfmoordpreventie"
    assert line_112.text_for("fr") == line_112.text["nl"]


def test_a_region_file_changes_and_adds_lines(tmp_path):
    region = write(
        tmp_path / "region.yaml",
        """
lines:
  - key: huisartsenpost
    phone: "0201234567"
    phone_display: 020 123 45 67
    name: {en: Out-of-hours GP service}
  - key: luisterlijn
    order: 25
    name: {nl: Een luisterend oor}
    text: {nl: Bel als je wilt praten.}
    phone: "0881234567"
""",
    )
    lines = crisis.crisis_lines([region])
    assert [line.key for line in lines] == ["113", "112", "luisterlijn", "huisartsenpost"]
    gp = lines[-1]
    assert gp.phone == "0201234567" and gp.phone_display == "020 123 45 67"
    assert gp.label("en") == "Out-of-hours GP service"
    assert gp.label("nl") == "Huisarts en huisartsenpost"  # national fields stay
    assert gp.text["nl"].startswith("Hebt u snel hulp nodig")
    added = lines[2]
    assert added.label("en") == "Een luisterend oor"  # falls back to Dutch
    assert added.url is None and added.chat_url is None
    # national lines untouched for others
    assert crisis.crisis_lines()[-1].phone is None


def test_later_files_win(tmp_path):
    first = write(tmp_path / "a.yaml", 'lines:\n  - {key: "112", order: 99}\n')
    second = write(tmp_path / "b.yaml", 'lines:\n  - {key: "112", order: 1}\n')
    assert crisis.crisis_lines([first, second])[0].key == "112"
    assert crisis.crisis_lines([second, first])[-1].key == "112"


def test_lines_are_cached_per_files_and_handed_out_as_new_lists(tmp_path):
    region = write(tmp_path / "r.yaml", "lines: []\n")
    one = crisis.crisis_lines([region])
    one.clear()
    assert crisis.crisis_lines([str(region)]) == crisis.crisis_lines()
    with pytest.raises(AttributeError):
        crisis.crisis_lines()[0].phone = "0"


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "lines:\n  - key: nieuw\n    order: 5\n    name: {en: New}\n    text: {nl: Tekst}\n",
            r"lines\[0\] \(key 'nieuw'\): name: the Dutch text \(nl\) is missing",
        ),
        ("lines:\n  - key: nieuw\n    order: 5\n    name: {nl: Nieuw}\n", r"lines\[0\] \(key 'nieuw'\): text: missing"),
        (
            "lines:\n  - {key: huisartsenpost}\n  - {key: \"112\", phone: 020-1234}\n",
            r"lines\[1\] \(key '112'\): phone: must be dialable digits only",
        ),
        (
            "lines:\n  - {key: huisartsenpost, phone_dispaly: 020}\n",
            r"lines\[0\] \(key 'huisartsenpost'\): phone_dispaly: unknown field",
        ),
        (
            "lines:\n  - {key: huisartsenpost, order: first}\n",
            r"lines\[0\] \(key 'huisartsenpost'\): order: must be a whole number",
        ),
        (
            "lines:\n  - {key: huisartsenpost, url: www.example.org}\n",
            r"lines\[0\] \(key 'huisartsenpost'\): url: must be a web address",
        ),
        (
            "lines:\n  - {key: huisartsenpost, text: {nl: ''}}\n",
            r"lines\[0\] \(key 'huisartsenpost'\): text: nl: must be a non-empty text",
        ),
        ("lines:\n  - {key: 113, phone: '113'}\n", r"lines\[0\] \(key 113\): key: must be a non-empty text"),
        ("lines:\n  - {order: 3}\n", r"lines\[0\]: key: must be a non-empty text"),
        (
            "lines:\n  - {key: a, order: 1, name: {nl: A}, text: {nl: A}}\n  - {key: a}\n",
            r"lines\[1\] \(key 'a'\): key: 'a' appears twice",
        ),
        ("- key: huisartsenpost\n", r"must hold 'lines:'"),
        ("lines: [\n", r"not valid YAML"),
    ],
)
def test_a_broken_file_names_file_entry_and_field(tmp_path, content, message):
    broken = write(tmp_path / "broken.yaml", content)
    with pytest.raises(ValueError, match=message) as caught:
        crisis.crisis_lines([broken])
    assert str(caught.value).startswith(str(broken))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="nowhere.yaml: cannot read"):
        crisis.crisis_lines([tmp_path / "nowhere.yaml"])
