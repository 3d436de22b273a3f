"""Crisis and suicidal wording in what people type, and the crisis lines to show.

``detect(text)`` reads the words of a search or of a GP's question and says
whether they speak of suicidal thoughts or self-harm ("suicidal"), of an acute
crisis or danger ("acute"), or of losing someone to suicide ("bereaved").
``crisis_lines()`` gives the national crisis lines, extended by region files.

Pure Python: no database, no network; everything is compiled at import.
See docs/crisis.md for what is recognised and the data file format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from socialmap.config import DATA_DIR, PROJECT_ROOT

SUICIDAL, ACUTE, BEREAVED = "suicidal", "acute", "bereaved"
CRISIS_KINDS = frozenset({SUICIDAL, ACUTE})
NATIONAL_FILE = DATA_DIR / "crisis" / "national.yaml"


@dataclass(frozen=True)
class CrisisSignal:
    """What the words speak of, and the words (as typed) that said it."""

    kind: str
    words: tuple[str, ...]

    @property
    def is_crisis(self) -> bool:
        """The searcher's own (or a close one's) crisis: suicidal or acute, not bereaved."""
        return self.kind in CRISIS_KINDS


# --------------------------------------------------------------------------- words

_WORD = re.compile(r"[^\W_]+(?:['’`´][^\W_]+)*")
# Sentence marks end a phrase: "mijn vader is dood, wil hulp" is two phrases.
_BREAK = re.compile(r"""[.!?;:,()\[\]{}"“”„«»…/|\n\r\t]+|\s[-–—]+\s""")
_APOSTROPHES = "'’`´"


class _Token(NamedTuple):
    text: str  # as typed
    norm: str  # lower case, accents folded, apostrophes dropped
    kind: str | None  # the kind this word alone signals
    death: bool  # names a death by suicide ("zelfmoord", "suïcide")


@lru_cache(maxsize=8192)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in _APOSTROPHES)


# Word parts that name suicide or self-harm inside a word: "zelfmoordgedachten",
# "suïcidaal", "jongerensuïcide", "doodswens".
_SUICIDE_PARTS = (
    "zelfmoord",
    "zelfdoding",
    "zelfdood",
    "suicid",
    "doodsgedacht",
    "doodswens",
    "zelfbeschadig",
    "zelfverwond",
    "zelfmutil",
    "automutil",
    "levensmoe",
    "selfharm",
    "selfmoord",
)
# ...but these words with such a part speak of something else.
_NOT_SUICIDE_PARTS = ("aanslag", "terror", "commando", "missie", "actie", "squad")
_DEATH_FORMS = frozenset({"zelfmoord", "zelfmoorden", "zelfdoding", "zelfdodingen", "zelfdood", "suicide", "suicides"})
# Real words a typo allowance would otherwise take for a crisis word.
_LOOK_ALIKES = frozenset({"levensmoed", "zelfbinding", "zelfvoeding", "zelfsturing"})

_ACUTE_WORDS = frozenset({"spoedpsychiatrie", "levensgevaar", "overdosed", "suicidegevaar", "zelfmoordgevaar"})
_CRISIS_SERVICE_PARTS = (
    "dienst",
    "hulp",
    "lijn",
    "team",
    "nummer",
    "telefoon",
    "opname",
    "interventie",
    "zorg",
    "beoordeling",
    "chat",
    "bed",
)

# Typo allowance: whole words compared with these, edits allowed by their length.
_TYPO_TARGETS = (
    "zelfmoord",
    "zelfmoorden",
    "zelfdoding",
    "suicide",
    "suicidal",
    "suicidaal",
    "suicidaliteit",
    "zelfmoordgedachten",
    "zelfmoordgedachte",
    "zelfmoordneigingen",
    "zelfmoordpoging",
    "zelfmoordplannen",
    "suicidegedachten",
    "doodsgedachten",
    "doodsgedachte",
    "doodswens",
    "zelfbeschadiging",
    "automutilatie",
    "zelfverwonding",
    "levensmoe",
    "selfharm",
)
_MIN_TYPO_WORD = 5


def _typo_allowance(length: int) -> int:
    """Edits forgiven for a word of this length: none under 6 letters, then 1, from 10 on 2."""
    return 0 if length < 6 else 1 if length < 10 else 2


_TYPO_BY_LETTER: dict[str, list[tuple[str, int, frozenset[str]]]] = {}
for _target in _TYPO_TARGETS:
    _TYPO_BY_LETTER.setdefault(_target[0], []).append((_target, _typo_allowance(len(_target)), frozenset(_target)))


def _within(a: str, b: str, k: int) -> bool:
    """Whether a and b are at most k edits apart (insert, delete, replace, swap two letters)."""
    if abs(len(a) - len(b)) > k:
        return False
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        row_best = i
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            current[j] = value
            row_best = min(row_best, value)
        if row_best > k:
            return False
        before, previous = previous, current
    return previous[-1] <= k


@lru_cache(maxsize=16384)
def _word_signal(word: str) -> tuple[str | None, bool]:
    """What one folded word signals on its own: (kind or None, names a death by suicide)."""
    if word in _LOOK_ALIKES or ("levensmoed" in word and not word.startswith("levensmoede")):
        return None, False
    if any(part in word for part in _SUICIDE_PARTS):
        if any(part in word for part in _NOT_SUICIDE_PARTS):
            return None, False
        if "nabestaand" in word:
            return BEREAVED, False
        return SUICIDAL, word in _DEATH_FORMS
    if word in _ACUTE_WORDS or (word.startswith("crisis") and word[6:].startswith(_CRISIS_SERVICE_PARTS)):
        return ACUTE, False
    if len(word) >= _MIN_TYPO_WORD and word.isalpha():
        letters = frozenset(word)
        for target, allowance, target_letters in _TYPO_BY_LETTER.get(word[0], ()):
            # Each edit adds or removes at most one kind of letter: a cheap first test.
            if len(letters ^ target_letters) <= 2 * allowance and _within(word, target, allowance):
                return SUICIDAL, target in _DEATH_FORMS
    return None, False


@lru_cache(maxsize=16384)
def _token(typed: str) -> _Token:
    norm = _fold(typed)
    return _Token(typed, norm, *_word_signal(norm))


def _phrases(text: str) -> list[list[_Token]]:
    """The text as phrases (split at sentence marks) of tokens."""
    phrases = []
    for piece in _BREAK.split(text):
        tokens = [_token(typed) for typed in _WORD.findall(piece)]
        tokens = [token for token in tokens if token.norm]
        if tokens:
            phrases.append(tokens)
    return phrases


# --------------------------------------------------------------------------- phrase patterns
#
# A pattern is a row of slots separated by spaces; between two slots up to
# MAX_FILLERS filler words may stand ("ik wil *echt* niet meer leven").
#   a|b|c      one of these words;  a+b  several words in a row;  pre*  a word starting so
#   @death     a word naming a death by suicide ("zelfmoord", "suïcide")
#   (a|b)      an optional slot;  ...  up to LOOSE_GAP words of any kind before the next slot
#   ^  $       the phrase starts / ends here;  !a|b  the next word must not be one of these
#   {name}     a word group from _GROUPS

MAX_FILLERS = 3
LOOSE_GAP = 4

_FILLERS = frozenset(
    """
echt egt ech gewoon gwn gewoonweg graag liefst het t zo zoo heel erg nu eigenlijk soms al ook
toch dus nog zelf wel even vaak steeds altijd best helemaal totaal nou maar misschien liever veel
constant continu lang weer gwoon ik je jij hij zij ze we wij u
really just so sometimes often actually honestly literally kinda seriously truly even still
always i
""".split()
)
_BEREAVED_FILLERS = _FILLERS | frozenset(
    """
de een n mijn mn zijn haar onze ons hun the a an my his her our their
""".split()
)

_RELATIVES_NL = (
    "vader pa papa moeder ma mama broer broertje zus zusje zoon dochter kind kindje "
    "partner man vrouw vriend vriendin opa oma oom tante neef nicht collega"
)
_RELATIVES_EN = (
    "father dad mother mum mom brother sister son daughter child husband wife "
    "partner friend boyfriend girlfriend uncle aunt cousin grandfather grandmother"
)
_GROUPS = {
    "wil": "wil|wilt|willen|wl|wiil",
    "nietmeer": "niet+meer|nie+meer|niet+langer|nietmeer|niemeer",
    "leven": "leven|leve|lefen|levn|lven",
    "dood": "dood|doot|doodgaan|dood+gaan",
    "mezelf": "mezelf|mijzelf|mzelf|meself|zichzelf|hemzelf|haarzelf",
    "me": "{mezelf}|me|mij|zich",
    "person": "ik|hij|zij|ze|we|wij|je|jij|" + _RELATIVES_NL.replace(" ", "|"),
    "relatives_en": "|".join(f"{w}s" for w in _RELATIVES_EN.split()),  # "my brother's suicide"
    # what may follow "wil dood" / "wil sterven" without it being a wish to die
    "not_dying": "hout|spoor|punt|gewicht|tij|getij|water|kapitaal|kanaal|materiaal|vlees|blad|"
    "bladeren|tak|takken|hoek|vak|lopen|spelen|zwijgen|zonde|tijd|gebied|zone|spel|"
    "bos|plant|planten|dier|dieren|cel|cellen|huid|in|thuis|bij|op|naast|met|omringd|"
    "waardig|rustig|vredig|zonder",
    # what may follow "wil niet meer leven" when it is about where or with whom to live
    "living_where": "in|bij|op|naast|samen|onder|tussen|thuis|with|at|near|here|there|alone|"
    "together|on|under|next|abroad|anywhere|somewhere",
    "want": "want+to|wanna|wants+to|want+too",
    "dont": "dont|do+not|doesnt|does+not|dnt",
    "crisis_adjective": "diepe|zware|ernstige|acute|psychische|psychiatrische|mentale|emotionele|"
    "geestelijke|persoonlijke|suicidale|deep|severe|serious|mental|"
    "mental+health|psychiatric|emotional|personal|suicidal",
    "ga": "ga|gaat|zal|ga+ik|gaat+hij|gaat+ze",
}

_PATTERNS: dict[str, tuple[str, ...]] = {
    SUICIDAL: (
        # wish to die, not to live any more (Dutch)
        "{wil} {nietmeer} {leven}|bestaan|ademen !{living_where}",
        "{wil} {nietmeer} $",
        "{nietmeer} {wil} (te) {leven}|bestaan",
        "{nietmeer} {leven}|bestaan {wil}",
        "liever {nietmeer} {leven}|bestaan",
        "{wil} {dood}|sterven|overlijden !{not_dying}",
        "{person} {dood}|sterven {wil}|wou|willen",
        "zou|zou+ik {dood}|sterven willen",
        "^ {dood} willen",
        "wou|wilde|wenste dat ik {dood}|er+niet+meer|er+niet|nooit+geboren",
        "was|ware ik maar {dood}|er+niet+meer|nooit+geboren",
        "liever {dood}|sterven !{not_dying}",
        "{wil} er {nietmeer} zijn",
        "er {nietmeer} {wil} zijn",
        "geen zin (meer) in (het|mijn|mn|dit) {leven}",
        "geen zin (meer) om (te) {leven}|bestaan",
        "{leven} heeft (voor+mij|voor+me) geen zin|nut|betekenis",
        "heeft (het|mijn|mn) {leven} nog (voor) zin|nut",
        "waarom ik (nog) leef|besta",
        "waarom leef|besta ik nog",
        "niemand zou me|mij missen",
        "nobody|no+one would miss me",
        "{leven} is zinloos|waardeloos|uitzichtloos|niks+waard|niets+waard",
        "geen reden (meer) om (te) {leven}|bestaan|door+te+gaan",
        "niets|niks (meer) om voor te {leven}",
        "klaar met (het|mijn|mn|dit) {leven}",
        "het|mijn|mn {leven} moe",
        "moe|zat van (het|mijn|mn|dit) {leven}",
        "levens moe",
        "leef|leven liever niet !{living_where}",
        # hopelessness
        "zie|zag|zien het|t ({leven}) {nietmeer} zitten",
        "het|t ({leven}) {nietmeer} zie|zag|zien zitten",
        "zie|zag|zien geen uitweg meer",
        "geen uitweg meer zie|zag|zien",
        "nooit meer wakker worden|te+worden|word",
        "{nietmeer} wakker (te) worden|word $",
        "beter af zonder mij|me",
        "beter af als|wanneer ik er niet",
        "beter af dood",
        # ending one's life
        "een|n eind|einde aan mijn|mn|het|dit|zijn|haar {leven} maken|te+maken|breien|te+breien",
        "er een|n eind|einde aan (te) maken|breien",
        "mijn|mn|het|zijn|haar {leven} (te) beeindigen|beindigen|afmaken|nemen",
        "{me} van het {leven} (te) beroven",
        "uit het {leven} (te) stappen|stap",
        "{mezelf} (te) doden|vermoorden|ombrengen|ophangen|verhangen|verdrinken|doodmaken|"
        "dood+maken|doodschieten|vergiftigen|van+kant+maken",
        "me|mij (te) ophangen|verhangen|van+kant+maken",
        "{me} iets aandoen|aan+te+doen|aan+doen|aandoet|aandoe",
        "voor (de|een) trein|metro|tram springen|te+springen|spring|gooien|te+gooien|gaan+liggen|lopen",
        "van (een|de|het) brug|flat|dak|toren springen|te+springen|af+springen|spring",
        "pillen|slaappillen|medicijnen|medicatie gespaard|opgespaard",
        "spaar pillen|slaappillen|medicijnen|medicatie",
        "denk|denkt|denken|dacht|gedachten|gedachte|gedachtes|pieker|piekeren|overweeg|overweegt"
        "|overwegen|plan|plannen|praat|praten (er) (aan|over|om) @death",
        "@death (te) plegen|doen",
        "zelf moord|moorden|doding",
        "dood|doods gedachten|gedachte|gedachtes|wens",
        "denk|denkt|denken|dacht|gedachten|gedachte|gedachtes|pieker|piekeren aan|over de|het "
        "dood|doodgaan|sterven|einde !van",
        # self-harm
        "snij|snijd|snijdt|kras|krast|beschadig|beschadigt|verwond|verwondt|pijnig|brand {mezelf}",
        "{mezelf} (te) snijden|krassen|beschadigen|verwonden|pijnigen|branden|pijn+doen",
        "doe|doet {mezelf} pijn",
        "zelf beschadiging|beschadigen|verwonding|mutilatie",
        # English
        "{want} die|be+dead|end+it|end+it+all|end+my+life|kill+myself|hurt+myself|harm+myself"
        "|kill+himself|kill+herself|kill+themselves|end+his+life|end+her+life"
        "|cut+myself|not+exist|not+be+alive|not+wake+up|not+live|disappear+forever"
        " !my|your|his|her|their|it|hair",  # "want to die my hair" means dye
        "{dont} {want} live|be+alive|exist|wake+up|be+here|go+on|go+on+living|keep+living"
        "|continue+living !{living_where}",
        "kill|killing myself|my+self",
        "hurting|harming|cutting|burning myself|my+self",
        "self harm|harming|injury|injure|injuring|hurt|mutilation",
        "wish i was|were|could+be|had+been dead",
        "wish i (could) die|was+never+born|had+never+been+born|were+never+born|wasnt+alive|wasnt+here",
        "better off dead|without+me",
        "no reason (left) to live|go+on|be+alive|keep+going|stay+alive",
        "nothing (left) to live for",
        "not worth living",
        "life|my+life isnt|is+not|aint worth living|it",
        "end|ending|take|taking my (own) life",
        "end it all",
        "cant|can+not|cannot go+on+living|live+like+this+anymore",
        "tired of living|life|being+alive",
        "thinking|think|thought|considering|contemplating|planning about|of @death",
    ),
    ACUTE: (
        # an acute crisis
        "in (een|a) ({crisis_adjective}) crisis|crises|crisissituatie|noodsituatie !met|with",
        "^ crisis|crises $",
        "crisis ggz|psychiatrie|hulp|dienst|lijn|team|nummer|telefoon|line|hotline|number|help|service|care",
        "ggz|psychische|psychiatrische|mentale|emotionele|geestelijke|suicidale|mental+health"
        "|mental|psychiatric|emotional|suicidal crisis|crises|noodsituatie|noodgeval|emergency",
        "acute|acuut|spoedeisende|spoed psychose|psychotisch|psychotische|psychiatrie"
        "|psychiatrische|ggz|crisis|gevaar|suicidaal|suicidegevaar|suicidaliteit|zelfmoordgevaar",
        "in (een|a) (acute|zware|ernstige) psychose|psychosis",
        "is|ben|bent|wordt|word|raakt|raak|lijkt|lijk|zijn psychotisch !geweest",
        "heeft|heb|hebt een psychose|psychotische+aanval|psychotische+episode !gehad",
        "psychotische episode|aanval|crisis|toestand|ontregeling",
        "psychotic episode|break|crisis",
        "having (a) psychosis",
        # acute danger
        "{person}|mijn+leven|zijn+leven|haar+leven|ons+leven ben|is|zijn|bent|zit|staat in (direct"
        "|acuut|groot|ernstig) gevaar|levensgevaar",
        "bedreigt|bedreigd|bedreigen me|mij|ons met de dood",
        "sta op het|de spoor|spoorbaan|rails",
        "{ga} springen $",
        "im|i+am|we+are|he+is|hes|she+is|shes|they+are|were in (immediate|real|serious) danger !of",
        # an act about to happen
        "{ga} {me} iets aandoen|aan+doen",
        "{ga} {me} doden|vermoorden|ombrengen|ophangen|verhangen|verdrinken|van+kant+maken",
        "{ga} @death plegen|doen",
        "{ga} er een|n eind|einde aan maken|breien",
        "{ga} een|n eind|einde aan mijn|mn|zijn|haar {leven} maken|breien",
        "{ga} mijn|mn|zijn|haar {leven} beeindigen|nemen",
        "going+to|gonna|about+to|will kill+myself|end+my+life|end+it+all|end+it|hurt+myself"
        "|harm+myself|take+my+life|take+my+own+life|commit+suicide",
        # an overdose taken
        "heb|heeft|hebt (een) overdosis $",
        "heb|heeft|hebt|hebben (een) overdosis|te+veel+pillen|teveel+pillen|alle+pillen"
        "|al+mijn+pillen|te+veel+medicijnen|teveel+medicijnen|te+veel+medicatie|teveel+medicatie"
        " genomen|geslikt|ingenomen",
        "took|taken|swallowed (an|a) overdose|too+many+pills|all+my+pills|too+much+medication",
    ),
    BEREAVED: (
        "nabestaand* ... @death",
        "@death ... nabestaand*",
        "@death (heeft|hebben) gepleegd|begaan|pleegde|pleegden",
        "pleegde|pleegden ... @death",
        "overleden|gestorven|dood|overleed|stierf door|aan|na (de|een|zijn|haar) @death",
        "na (de|een|zijn|haar|hun) @death !poging|pogingen|gedachten|attempt|attempts",
        "rouw*|verlies|verdriet|lotgenoten|grief|grieving|mourning|loss na|om|door|bij|over|after"
        "|from|by (de|een|zijn|haar|a|the) @death !poging|pogingen|attempt|attempts",
        "de|die @death van mijn|mn|onze|ons|zijn|haar|hun|een",
        "zich|zichzelf van het {leven} beroofd|benomen",
        "zich|zichzelf (heeft|hebben) opgehangen|verhangen|doodgeschoten|gedood|verdronken|van+het+leven+beroofd",
        "heeft|hebben zich|zichzelf opgehangen|verhangen|doodgeschoten|gedood|verdronken",
        "een|n eind|einde aan zijn|haar|hun {leven} (heeft|hebben) gemaakt|gebreid",
        "maakte|maakten een|n eind|einde aan zijn|haar|hun {leven}",
        "uit het {leven} gestapt|stapte",
        "zijn|haar|hun {leven} (heeft|hebben) beeindigd|genomen",
        "voor (de|een) trein|metro gesprongen|gegooid|gelopen|sprong",
        "lost ... to @death",
        "died|dead|death|passed+away|passed by|of|from|through @death",
        "committed|commited|comitted @death",
        "killed himself|herself|themselves|themself",
        "took his|her|their (own) life",
        "@death loss|bereavement",
        "bereaved|bereavement by|through|after @death",
        "survivors of @death",
        "after (a|the|his|her|their) @death !attempt|attempts",
        "{relatives_en} @death !attempt|attempts|risk|thoughts|plan|plans",
    ),
}


class _Slot(NamedTuple):
    words: frozenset[str]  # one-word alternatives, matched exactly
    runs: tuple[tuple[str, ...], ...]  # other alternatives: word runs, prefixes, classes
    optional: bool
    loose_before: bool


class _Pattern(NamedTuple):
    kind: str
    source: str
    slots: tuple[_Slot, ...]
    at_start: bool
    at_end: bool
    not_followed_by: frozenset[str]
    fillers: frozenset[str]


def _expand(source: str) -> str:
    for _ in range(3):  # groups may name groups
        source = re.sub(r"\{(\w+)\}", lambda m: _GROUPS[m.group(1)], source)
    return source


def _compile(kind: str, source: str) -> _Pattern:
    parts = _expand(source).split()
    at_start = parts[:1] == ["^"]
    at_end = parts[-1:] == ["$"]
    parts = [p for p in parts if p not in ("^", "$")]
    not_followed_by: frozenset[str] = frozenset()
    if parts and parts[-1].startswith("!"):
        not_followed_by = frozenset(parts.pop()[1:].split("|"))
    slots, loose = [], False
    for part in parts:
        if part == "...":
            loose = True
            continue
        optional = part.startswith("(") and part.endswith(")")
        alternatives = part.strip("()").split("|")
        words = frozenset(a for a in alternatives if "+" not in a and "*" not in a and "@" not in a)
        runs = tuple(sorted((tuple(a.split("+")) for a in alternatives if a not in words), key=len, reverse=True))
        slots.append(_Slot(words, runs, optional, loose))
        loose = False
    if not slots or slots[0].optional or slots[0].loose_before:
        raise ValueError(f"crisis pattern must start with a plain slot: {source!r}")
    fillers = _BEREAVED_FILLERS if kind == BEREAVED else _FILLERS
    return _Pattern(kind, source, tuple(slots), at_start, at_end, not_followed_by, fillers)


def _word_matches(pattern_word: str, token: _Token) -> bool:
    if pattern_word == "@death":
        return token.death
    if pattern_word.endswith("*"):
        return token.norm.startswith(pattern_word[:-1])
    return token.norm == pattern_word


def _slot_ends(slot: _Slot, tokens: list[_Token], at: int) -> Iterator[int]:
    """Where the slot ends when it starts at this token (longest first)."""
    if at >= len(tokens):
        return
    for run in slot.runs:
        if at + len(run) <= len(tokens) and all(_word_matches(word, tokens[at + i]) for i, word in enumerate(run)):
            yield at + len(run)
    if tokens[at].norm in slot.words:
        yield at + 1


def _gap(pattern: _Pattern, tokens: list[_Token], at: int, loose: bool) -> Iterator[int]:
    """Where the next slot may start: here, or after fillers (any words when loose)."""
    yield at
    limit = LOOSE_GAP if loose else MAX_FILLERS
    position = at
    while position < len(tokens) and position - at < limit and (loose or tokens[position].norm in pattern.fillers):
        position += 1
        yield position


def _match_rest(pattern: _Pattern, tokens: list[_Token], index: int, at: int) -> int | None:
    """The end of a match of the slots from ``index`` on, starting at ``at``, or None."""
    if index == len(pattern.slots):
        if pattern.at_end and at != len(tokens):
            return None
        if at < len(tokens) and tokens[at].norm in pattern.not_followed_by:
            return None
        return at
    slot = pattern.slots[index]
    for start in _gap(pattern, tokens, at, slot.loose_before):
        for end in _slot_ends(slot, tokens, start):
            found = _match_rest(pattern, tokens, index + 1, end)
            if found is not None:
                return found
    if slot.optional:
        return _match_rest(pattern, tokens, index + 1, at)
    return None


def _match_at(pattern: _Pattern, tokens: list[_Token], at: int) -> int | None:
    if pattern.at_start and at:
        return None
    for end in _slot_ends(pattern.slots[0], tokens, at):
        found = _match_rest(pattern, tokens, 1, end)
        if found is not None:
            return found
    return None


class _Index(NamedTuple):
    by_word: dict[str, tuple[_Pattern, ...]]  # patterns starting with this word
    by_prefix: tuple[tuple[str, tuple[_Pattern, ...]], ...]  # ...with a word starting so
    by_death: tuple[_Pattern, ...]  # ...with a word naming a death by suicide


def _index(patterns: list[_Pattern]) -> _Index:
    """The patterns by how their first word is recognised, so each word tries only a few."""
    by_word: dict[str, list[_Pattern]] = {}
    by_prefix: dict[str, list[_Pattern]] = {}
    by_death: list[_Pattern] = []
    for pattern in patterns:
        first = pattern.slots[0]
        for word in sorted(set(first.words) | {run[0] for run in first.runs}):
            if word == "@death":
                by_death.append(pattern)
            elif word.endswith("*"):
                by_prefix.setdefault(word[:-1], []).append(pattern)
            else:
                by_word.setdefault(word, []).append(pattern)
    return _Index(
        {w: tuple(dict.fromkeys(ps)) for w, ps in by_word.items()},
        tuple((p, tuple(dict.fromkeys(ps))) for p, ps in by_prefix.items()),
        tuple(dict.fromkeys(by_death)),
    )


_COMPILED = [_compile(kind, source) for kind, sources in _PATTERNS.items() for source in sources]
_INDEX = _index(_COMPILED)


def _candidates(token: _Token) -> Iterator[_Pattern]:
    yield from _INDEX.by_word.get(token.norm, ())
    for prefix, patterns in _INDEX.by_prefix:
        if token.norm.startswith(prefix):
            yield from patterns
    if token.death:
        yield from _INDEX.by_death


def _matches(tokens: list[_Token]) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of every pattern matching in one phrase."""
    for at, token in enumerate(tokens):
        for pattern in _candidates(token):
            end = _match_at(pattern, tokens, at)
            if end is not None:
                yield pattern.kind, at, end


def detect(text: str | None) -> CrisisSignal | None:
    """The crisis signal in a text, or None. Acute before suicidal before bereaved."""
    if not text or not text.strip():
        return None
    phrases = _phrases(text)
    spans: dict[str, set[tuple[int, int]]] = {ACUTE: set(), SUICIDAL: set(), BEREAVED: set()}
    for number, tokens in enumerate(phrases):
        grief_words: set[int] = set()
        for kind, start, end in _matches(tokens):
            if kind == BEREAVED:
                grief_words.update(range(start, end))
            spans[kind].update((number, i) for i in range(start, end))
        for i, token in enumerate(tokens):
            # "zelfmoord" in "mijn broer heeft zelfmoord gepleegd" speaks of grief.
            if token.kind and not (token.kind == SUICIDAL and i in grief_words):
                spans[token.kind].add((number, i))
    for kind in (ACUTE, SUICIDAL, BEREAVED):
        if spans[kind]:
            return CrisisSignal(kind, tuple(phrases[n][i].text for n, i in sorted(spans[kind])))
    return None


# --------------------------------------------------------------------------- crisis lines


@dataclass(frozen=True)
class CrisisLine:
    """A crisis line to show: who to call or chat with, and when."""

    key: str
    name: dict[str, str]
    text: dict[str, str]
    phone: str | None
    phone_display: str | None
    url: str | None
    chat_url: str | None
    order: int

    def label(self, locale: str) -> str:
        """The name in this locale, else in Dutch."""
        return self.name.get(locale) or self.name["nl"]

    def text_for(self, locale: str) -> str:
        """When and why to call, in this locale, else in Dutch."""
        return self.text.get(locale) or self.text["nl"]


_FIELDS = ("key", "order", "name", "text", "phone", "phone_display", "url", "chat_url")
_REQUIRED = ("key", "order", "name", "text")
_OPTIONAL = ("phone", "phone_display", "url", "chat_url")
_DIALABLE = re.compile(r"\+?[0-9]{3,15}")
_WEB = re.compile(r"https?://\S+")


def _shown(path: Path) -> str:
    """A file's name for messages: relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _check_value(field: str, value: object) -> str | None:
    """What is wrong with one field's value, or None."""
    if field == "key":
        return None if isinstance(value, str) and value.strip() else "must be a non-empty text"
    if field == "order":
        return None if isinstance(value, int) and not isinstance(value, bool) else "must be a whole number"
    if field in ("name", "text"):
        if not isinstance(value, Mapping):
            return "must be a mapping of language to text, e.g. {nl: ..., en: ...}"
        for locale, words in value.items():
            if not isinstance(locale, str) or not isinstance(words, str) or not words.strip():
                return f"{locale}: must be a non-empty text"
        return None
    if value is None:
        return None
    if not isinstance(value, str):
        return "must be a text"
    if field == "phone" and not _DIALABLE.fullmatch(value):
        return f"must be dialable digits only (e.g. 08000113), not {value!r}"
    if field in ("url", "chat_url") and not _WEB.fullmatch(value):
        return f"must be a web address starting with https://, not {value!r}"
    return None


def _read_entries(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The entries of one file, each with its place for messages; checked field by field."""
    shown = _shown(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{shown}: cannot read the crisis lines file ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise ValueError(f"{shown}: not valid YAML: {error}") from error
    if not isinstance(data, Mapping) or not isinstance(data.get("lines"), list):
        raise ValueError(f"{shown}: must hold 'lines:', a list of crisis lines")
    entries, seen = [], set()
    for number, entry in enumerate(data["lines"]):
        place = f"{shown}: lines[{number}]"
        if not isinstance(entry, Mapping):
            raise ValueError(f"{place}: must be a mapping with key, order, name, text, ...")
        if "key" in entry:
            place = f"{place} (key {entry['key']!r})"
        for field in entry:
            if field not in _FIELDS:
                raise ValueError(f"{place}: {field}: unknown field (known: {', '.join(_FIELDS)})")
        problem = _check_value("key", entry.get("key"))
        if problem:
            raise ValueError(f"{place}: key: {problem}")
        if entry["key"] in seen:
            raise ValueError(f"{place}: key: {entry['key']!r} appears twice in this file")
        seen.add(entry["key"])
        for field, value in entry.items():
            problem = _check_value(field, value)
            if problem:
                raise ValueError(f"{place}: {field}: {problem}")
        entries.append((place, dict(entry)))
    return entries


def _merge(base: dict[str, Any] | None, entry: dict[str, Any]) -> dict[str, Any]:
    """A line with an entry's fields laid over it; names and texts per language."""
    merged = dict(base or {})
    for field, value in entry.items():
        if field in ("name", "text") and field in merged:
            merged[field] = {**merged[field], **value}
        else:
            merged[field] = value
    return merged


def _line(place: str, fields: dict[str, Any]) -> CrisisLine:
    for field in _REQUIRED:
        if fields.get(field) is None:
            raise ValueError(f"{place}: {field}: missing (a new line needs {', '.join(_REQUIRED)})")
    for field in ("name", "text"):
        if not fields[field].get("nl"):
            raise ValueError(f"{place}: {field}: the Dutch text (nl) is missing")
    return CrisisLine(
        key=fields["key"],
        name=dict(fields["name"]),
        text=dict(fields["text"]),
        order=fields["order"],
        **{f: fields.get(f) for f in _OPTIONAL},
    )


@lru_cache(maxsize=32)
def _load(files: tuple[str, ...]) -> tuple[CrisisLine, ...]:
    lines: dict[str, tuple[str, dict[str, Any]]] = {}
    for file in (str(NATIONAL_FILE), *files):
        for place, entry in _read_entries(Path(file)):
            base = lines.get(entry["key"])
            lines[entry["key"]] = (place, _merge(base[1] if base else None, entry))
    built = [_line(place, fields) for place, fields in lines.values()]
    return tuple(sorted(built, key=lambda line: (line.order, line.key)))


def crisis_lines(extra_files: Sequence[str | Path] = ()) -> list[CrisisLine]:
    """The national crisis lines, then each extra (regional) file's changes and additions,
    sorted by order. A file is read once per combination of files (cached)."""
    return list(_load(tuple(str(f) for f in extra_files)))
