"""Which of the person's words a service's text really mentions ("why this result").

A word is claimed only when the service's own text (name, summary,
description, organisation, in Dutch and English: what its page shows) holds
it, analysed as the index analyses it:

1. the word itself, its stem, or a compound containing it ("rouw" in
   "rouwverwerking") -- shown as the person typed it;
2. else a near spelling the search corrected it to ("rouwgroup" ->
   "rouwgroep") -- shown as the word the text holds, never the typo;
3. else a part of a compound the person typed ("rouwgroep" -> "groep") --
   shown as the word the text holds ("praatgroep"), not as the compound.

Words the text does not hold are not claimed, even when the service matched
through the need taxonomy (that reason is given as the need).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from socialmap.search.analysis import (
    DUTCH_STOP,
    ENGLISH_STOP,
    TOKEN,
    fold,
    split_compound,
    stem,
    typo_allowance,
    word_stems,
)


def words_of(text: str) -> list[tuple[str, str]]:
    """(as written, lower case; folded as the index folds it) for each word of ``text``."""
    return [(w, fold(w).replace("'", "")) for w in TOKEN.findall((text or "").lower())]


@dataclass(frozen=True)
class QueryWord:
    shown: str  # as the person typed it (lower case)
    nl: str  # whole-word stems
    en: str
    corrections: tuple[str, ...]  # stems of near spellings the search also looked for
    parts: tuple[str, ...]  # Dutch stems of its compound parts (and of its corrections' parts)


def query_words(text: str, matcher, known: frozenset[str], near_terms) -> list[QueryWord]:
    """The person's words with what the search looked for on their behalf:
    corrections from the taxonomy (``matcher``) and, for words the index does
    not hold (``known``), the index's near spellings (``near_terms``)."""
    found: dict[str, QueryWord] = {}
    for shown, word in words_of(text):
        if word in found or word in DUTCH_STOP or word in ENGLISH_STOP:
            continue
        nl, en = stem(word, "nl"), stem(word, "en")
        whole, parts = matcher.token_terms(word)
        corrections = set(whole) - {nl, en}
        if nl not in known and typo_allowance(nl):
            corrections |= set(near_terms(nl))
        own_parts = [stem(p, "nl") for p in split_compound(word)]
        parts = [p for p in dict.fromkeys([*own_parts, *sorted(parts)]) if p not in (nl, en)]
        found[word] = QueryWord(shown, nl, en, tuple(sorted(corrections - {nl, en})), tuple(parts))
    return list(found.values())


class ServiceText:
    """The words of one service's texts, by the index terms they carry: a word's
    stem and, in Dutch, the stems of its compound parts."""

    def __init__(self, dutch: Iterable[str], english: Iterable[str]):
        self.nl: dict[str, str] = {}
        self.en: dict[str, str] = {}
        for text in dutch:
            for shown, word in words_of(text):
                if word in DUTCH_STOP:
                    continue
                for term in (*word_stems(word, "nl"), *(stem(p, "nl") for p in split_compound(word))):
                    self.nl.setdefault(term, shown)
        for text in english:
            for shown, word in words_of(text):
                if word not in ENGLISH_STOP:
                    self.en.setdefault(stem(word, "en"), shown)

    def holding(self, term: str) -> str | None:
        """A word of the text that carries ``term`` (Dutch first), or None."""
        return self.nl.get(term) or self.en.get(term)

    def related(self, terms: Iterable[tuple[str, str]], locale: str = "nl", limit: int = 3) -> list[str]:
        """Words of the text that carry a (language, term) of the label or
        synonyms of a need the person's words name: the search looked for them
        too, so they are part of why a service was found."""
        found: list[str] = []
        for lang, term in sorted(terms, key=repr):
            if lang not in ("nl", locale):
                continue
            words = self.en if lang == "en" else self.nl
            # a term, or a phrase (a tuple of terms) whose every word the text holds
            shown = (
                (" ".join(words[t] for t in term) if all(t in words for t in term) else None)
                if isinstance(term, tuple)
                else words.get(term)
            )
            if shown and shown not in found:
                found.append(shown)
        return found[:limit]

    def mentions(self, words: list[QueryWord]) -> list[str]:
        """The words to claim, in the order the person typed them (see module doc)."""
        claimed: list[str] = []
        for w in words:
            if w.nl in self.nl or w.en in self.en:
                found = [w.shown]
            else:
                found = [h for h in map(self.holding, w.corrections) if h]
                if not found:
                    found = [h for h in map(self.nl.get, w.parts) if h]
            claimed += [f for f in found if f not in claimed]
        return claimed
