"""Dutch (and English) text analysis shared by the index and the query side.

Terms are lower-cased, accent-folded, stop words dropped, Dutch compounds
split into known parts ("schuldhulpverlening" also yields "schuld", "hulp",
"verlening"), then stemmed with Snowball ("schulden" -> "schuld"). The parts
lexicon comes from data files only (never from the database), so the index
and the queries always analyse alike.
"""
from __future__ import annotations

import re
from functools import lru_cache

import yaml
from whoosh.analysis import (CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StemFilter,
                             StopFilter)
from whoosh.lang.snowball.dutch import DutchStemmer
from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.support.charset import accent_map

from socialmap.config import DATA_DIR

TOKEN = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
MIN_PART = 4
SHORT_PARTS = frozenset({"ggz", "poh", "wmo", "dag", "ivf"})
LINKS = ("s", "en", "e")  # Dutch linking sounds: "werkgelegenheid", "zelfhulpgroep"

DUTCH_STOP = frozenset("""
de het een en of in op aan van voor met bij naar om te tot uit over door als dan dat die dit
er is zijn was ben bent wordt worden heb hebt heeft had ik je jij u hij zij ze we wij mijn
me mij jouw uw zijn haar ons onze hun wat wie waar hoe niet geen wel ook nog al maar want
zo heel erg veel meer mee hier daar nu
""".split())
ENGLISH_STOP = frozenset("""
a an the and or in on at of for to with by from about as is are am was be been i you he she
we they my your his her our their me it its this that what who where how not no do does
have has had so very much more here there now
""".split())

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
    return frozenset(w for w in words if (len(w) >= MIN_PART or w in SHORT_PARTS) and w.isalpha()
                     and w not in DUTCH_STOP)


def _is_part(word: str) -> bool:
    return word in lexicon()


@lru_cache(maxsize=50_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Known parts of a Dutch compound, or () when it is not one.

    Fewest parts win; every part must be a known word, optionally followed by a
    linking s/e/en.
    """
    if len(word) < 2 * MIN_PART - 1 or not word.isalpha():
        return ()
    best = _split(word, 0)
    if not best or len(best) < 2:
        return ()
    found: list[str] = []
    for part in best:  # parts of parts too: schuldhulp -> schuld, hulp
        found.append(part)
        found += [p for p in split_compound(part) if p not in found]
    return tuple(dict.fromkeys(found))


def _split(word: str, depth: int) -> list[str] | None:
    if depth > 0 and _is_part(word):
        return [word]
    if depth >= 3:
        return None
    best: list[str] | None = None
    for cut in range(len(word) - MIN_PART + 1, 2, -1):  # longest head first
        head, tail = word[:cut], word[cut:]
        if not _is_part(head):
            continue
        candidates = [tail] + [tail[len(link):] for link in LINKS if tail.startswith(link)]
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


def terms(text: str, lang: str = "nl") -> list[str]:
    """The index terms of a text: stems of words and of their compound parts."""
    stop = ENGLISH_STOP if lang == "en" else DUTCH_STOP
    out: list[str] = []
    for token in raw_tokens(text):
        if token in stop:
            continue
        out.append(stem(token, lang))
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


def dutch_analyzer():
    return (RegexTokenizer(TOKEN) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=DUTCH_STOP, minsize=1) | CompoundFilter()
            | StemFilter(stemfn=_dutch.stem, cachesize=50_000))


def english_analyzer():
    return (RegexTokenizer(TOKEN) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=ENGLISH_STOP, minsize=1)
            | StemFilter(stemfn=_english.stem, cachesize=50_000))


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
