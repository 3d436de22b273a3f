"""Dutch (and English) text analysis shared by the index and the query side.

Terms are lower-cased, accent-folded, stop words dropped, Dutch compounds
split into known parts ("schuldhulpverlening" also yields "schuld", "hulp",
"verlening"), then stemmed with Snowball ("schulden" -> "schuld"). The parts
lexicon comes from data files and installed language data only (never from
the database), so the index and the queries always analyse alike.

Dutch morphology beyond Snowball: a word also yields the stem of its lemma
(simplemma: "lessen" -> "les", "kan" -> "kunnen"), so singular and plural,
and forms of a verb, meet even where Snowball stems them apart ("lessen" ->
"less" but "les" -> "les"). Compounds are split against a real lexicon: the
curated parts, the taxonomy's words and the common Dutch words of wordfreq
(see docs/search-language.md).
"""

from __future__ import annotations

import re
from functools import lru_cache

import yaml
from whoosh.analysis import CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang.snowball.dutch import DutchStemmer
from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.support.charset import accent_map

from socialmap.config import DATA_DIR

TOKEN = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
MIN_PART = 4
# Common Dutch words (wordfreq's Zipf scale: 3 = once per million words) are
# compound parts too; rarer ones are too often names or noise.
LEXICON_MIN_ZIPF = 3.2
# A word this common is a word of its own ("huisarts", "boodschappen",
# "kinderopvang"): it is not split, so "huis" does not find the GP.
WHOLE_WORD_ZIPF = 4.0
# Three-letter words this common may end a compound ("computerles", "nachtbus").
SHORT_TAIL_ZIPF = 4.5
# A part is split further only when it is rare (schuldhulp), not when it is a
# word people use (besteding, jongeren).
SUBSPLIT_MAX_ZIPF = 2.5
# Negations carry meaning for the need matcher ("geen huis" is homelessness,
# "huis" is not): they are stop words for the index, never for understanding.
NEGATIONS = frozenset({"geen", "niet", "zonder", "nooit", "no", "not", "without", "never"})
SHORT_PARTS = frozenset({"ggz", "poh", "wmo", "dag", "ivf"})
LINKS = ("s", "en", "e")  # Dutch linking sounds: "werkgelegenheid", "zelfhulpgroep"

DUTCH_STOP = frozenset(
    """
de het een en of in op aan van voor met bij naar om te tot uit over door als dan dat die dit
er is zijn was ben bent wordt worden heb hebt heeft had ik je jij u hij zij ze we wij mijn
me mij jouw uw zijn haar ons onze hun wat wie waar hoe niet geen wel ook nog al maar want
zo heel erg veel meer mee hier daar nu
""".split()
)
ENGLISH_STOP = frozenset(
    """
a an the and or in on at of for to with by from about as is are am was be been i you he she
we they my your his her our their me it its this that what who where how not no do does
have has had so very much more here there now
""".split()
)

_dutch = DutchStemmer()
_english = EnglishStemmer()


def fold(text: str) -> str:
    return text.lower().translate(accent_map)


def raw_tokens(text: str) -> list[str]:
    return [t.replace("'", "") for t in TOKEN.findall(fold(text or ""))]


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """Known word parts: the curated list plus every word of the taxonomy files."""
    words: set[str] = set()
    for line in (DATA_DIR / "search" / "word_parts.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(fold(line))
    words.update(_common_dutch_words())
    for name, key in (("needs.yaml", "needs"), ("service_kinds.yaml", "service_kinds")):
        path = DATA_DIR / "taxonomy" / name
        if not path.exists():
            continue
        for term in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(key) or []:
            texts = [*(term.get("label") or {}).values()]
            for words_ in (term.get("synonyms") or {}).values():
                texts += words_
            for text in texts:
                words.update(raw_tokens(str(text)))
    return frozenset(
        w for w in words if (len(w) >= MIN_PART or w in SHORT_PARTS) and w.isalpha() and w not in DUTCH_STOP
    )


def _common_dutch_words() -> set[str]:
    """Dutch words at least as common as LEXICON_MIN_ZIPF (wordfreq's own data, offline)."""
    from wordfreq import top_n_list, zipf_frequency  # on first use: 0.13 s to import, most commands never need it

    found = set()
    for word in top_n_list("nl", 60_000):
        if len(word) >= MIN_PART and word.isalpha() and zipf_frequency(word, "nl") >= LEXICON_MIN_ZIPF:
            found.add(fold(word))
    return found


def _is_part(word: str) -> bool:
    return word in lexicon()


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str = "nl") -> float:
    """How common a word is in the language (wordfreq's Zipf scale; 0 for unknown words)."""
    from wordfreq import zipf_frequency  # on first use (see _common_dutch_words)

    return zipf_frequency(word, lang)


@lru_cache(maxsize=50_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Known parts of a Dutch compound, or () when it is not one.

    Fewest parts win; every part must be a known word, optionally followed by a
    linking s/e/en; a common three-letter word may be the last part. A word that
    is common on its own is not split, and a part is split further only when it
    is not a common word itself (schuldhulp -> schuld, hulp; not jongeren -> jong).
    """
    if len(word) < 2 * MIN_PART - 1 or not word.isalpha() or zipf(word) >= WHOLE_WORD_ZIPF:
        return ()
    best = _split(word, 0)
    if not best or len(best) < 2:
        return ()
    found: list[str] = []
    for part in best:
        found.append(part)
        if zipf(part) < SUBSPLIT_MAX_ZIPF:
            found += [p for p in split_compound(part) if p not in found]
    return tuple(dict.fromkeys(found))


def _short_tail(word: str) -> bool:
    return len(word) == 3 and word not in DUTCH_STOP and zipf(word) >= SHORT_TAIL_ZIPF


def _split(word: str, depth: int) -> list[str] | None:
    if depth > 0 and (_is_part(word) or _short_tail(word)):
        return [word]
    if depth >= 3:
        return None
    best: list[str] | None = None
    for cut in range(len(word) - MIN_PART + 1, 2, -1):  # longest head first
        head, tail = word[:cut], word[cut:]
        if not _is_part(head):
            continue
        candidates = [tail] + [tail[len(link) :] for link in LINKS if tail.startswith(link)]
        for rest in candidates:
            if len(rest) < 3:
                continue
            parts = _split(rest, depth + 1)
            if parts and (best is None or len(parts) + 1 < len(best)):
                best = [head] + parts
    return best


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str = "nl") -> str:
    return (_english if lang == "en" else _dutch).stem(word)


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str = "nl") -> str:
    """The dictionary form of a word (simplemma), folded like every token."""
    import simplemma  # on first use: 0.06 s to import

    return fold(simplemma.lemmatize(word, lang=lang))


@lru_cache(maxsize=200_000)
def word_stems(word: str, lang: str = "nl") -> tuple[str, ...]:
    """The stem of the word and, when it differs, the stem of its lemma."""
    own = stem(word, lang)
    other = stem(lemma(word, lang), lang)
    return (own,) if other == own or not other else (own, other)


def terms(text: str, lang: str = "nl") -> list[str]:
    """The index terms of a text: stems of words (and of their lemmas) and of
    their compound parts."""
    stop = ENGLISH_STOP if lang == "en" else DUTCH_STOP
    out: list[str] = []
    for token in raw_tokens(text):
        if token in stop:
            continue
        out += word_stems(token, lang)
        if lang != "en":
            out += [stem(p, lang) for p in split_compound(token)]
    return out


class CompoundFilter(Filter):
    """A Whoosh filter that adds the parts of Dutch compounds at the same position."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            yield t
            for part in split_compound(text):
                t.text = part
                yield t
            t.text = text


class LemmaStemFilter(Filter):
    """Stems each token, and adds the stem of its lemma at the same position
    when that differs ("lessen" -> "less" and "les")."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            for variant in word_stems(text, self.lang):
                t.text = variant
                yield t
            t.text = text


def dutch_analyzer():
    return (
        RegexTokenizer(TOKEN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=DUTCH_STOP, minsize=1)
        | CompoundFilter()
        | LemmaStemFilter("nl")
    )


def english_analyzer():
    return (
        RegexTokenizer(TOKEN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=ENGLISH_STOP, minsize=1)
        | LemmaStemFilter("en")
    )


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, giving up (limit + 1) once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def typo_allowance(term: str) -> int:
    """How many typing errors a query term may carry: none for short words."""
    return 0 if len(term) < 5 else 1 if len(term) < 8 else 2
