"""From people's own words to needs and service kinds.

"geldzorgen", "in de schulden", "money worries", "rouwgroup" (a typo) map onto
need codes (fin.worries, fin.debt, mental.grief) and service kinds
(grief_group) through the taxonomy's labels and lay synonyms. A phrase
matches when each of its terms is in the query, allowing typing errors on
longer words. Used by the search and by the route finder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.catalogue.kinds import service_kinds
from socialmap.catalogue.models import NeedTerm
from socialmap.revision import kept
from socialmap.search.analysis import (
    DUTCH_STOP,
    ENGLISH_STOP,
    edit_distance,
    raw_tokens,
    split_compound,
    stem,
    typo_allowance,
    word_stems,
    zipf,
)

# A word at least this common in Dutch (wordfreq's Zipf scale) is a word, not a typo.
REAL_WORD_ZIPF = 2.5
# A word this common says nothing, in a service's text, about what it is for
# ("werk" 5.8, "alleen" 6.1, "huis" 5.7; "school" 5.5 and "opvoeding" 4.1 still count).
TEXT_WORD_ZIPF = 5.5

# Words the matcher ignores: only articles. Everything else in a phrase counts,
# so "geen huis" and "op straat" (homelessness) need their "geen" and "op", and
# a query with just "huis" or "straat" is not read as homelessness.
MATCH_STOP = frozenset({"de", "het", "een", "the", "a", "an"})
NEGATION_STEMS = frozenset({"gen", "geen", "niet", "zonder", "nooit", "no", "not", "without", "never"})


@dataclass(frozen=True)
class Phrase:
    code: str
    words: str  # as written in the taxonomy, for "why it matched"
    lang: str
    terms: tuple[str, ...]


@dataclass
class Match:
    code: str
    words: list[str] = field(default_factory=list)
    weight: float = 0.0


@dataclass(frozen=True)
class Interpretation:
    """What a query was understood to ask for."""

    needs: dict[str, Match]
    kinds: dict[str, Match]
    query_terms: frozenset[str]
    text: str = ""
    # Query words that are part of a matched phrase of two or more words
    # ("nederlands leren"): the phrase names the need, the single words do not.
    phrase_words: frozenset[str] = frozenset()

    @property
    def need_codes(self) -> list[str]:
        return sorted(self.needs, key=lambda c: -self.needs[c].weight)

    @property
    def kind_codes(self) -> list[str]:
        return sorted(self.kinds, key=lambda c: -self.kinds[c].weight)


def _phrases_of(code: str, label: dict[str, Any], synonyms: dict[str, Any]) -> list[Phrase]:
    found = []
    for lang, text in (label or {}).items():
        found.append((lang, text))
    for lang, words in (synonyms or {}).items():
        found += [(lang, w) for w in words or []]
    phrases = []
    for lang, text in found:
        t = tuple(dict.fromkeys(stem(w, lang) for w in raw_tokens(str(text)) if w not in MATCH_STOP))
        if t:
            phrases.append(Phrase(code, str(text), lang, t))
    return phrases


class NeedMatcher:
    """Matches query text against need and kind phrases (built once per taxonomy)."""

    def __init__(
        self,
        need_rows: list[tuple[str, dict[str, Any], dict[str, Any]]],
        kind_rows: list[tuple[str, dict[str, Any], dict[str, Any]]],
    ) -> None:
        self.need_phrases = [p for row in need_rows for p in _phrases_of(*row)]
        self.kind_phrases = [p for row in kind_rows for p in _phrases_of(*row)]
        vocabulary: dict[str, set[str]] = {}
        for p in self.need_phrases + self.kind_phrases:
            for t in p.terms:
                vocabulary.setdefault(t[:2], set()).add(t)
        self._vocabulary = vocabulary
        # Phrases by their first term: a phrase can only match if that term is in the query.
        self._need_index = self._by_first_term(self.need_phrases)
        self._kind_index = self._by_first_term(self.kind_phrases)
        # For texts: phrases by each of their terms, and which codes are needs.
        self._by_any_term: dict[str, list[Phrase]] = {}
        for p in self.need_phrases + self.kind_phrases:
            for t in p.terms:
                self._by_any_term.setdefault(t, []).append(p)
        self._need_codes = frozenset(p.code for p in self.need_phrases)
        self._cache: dict[str, Interpretation] = {}
        # The label and synonyms of each need and kind widen the text search (a
        # catalogue without tags is found by its words): one-word synonyms as
        # words, longer ones as phrases -- never their single words ("op straat"
        # must not widen to every text with "straat").
        self._words_of: dict[str, set[tuple[str, str]]] = {}
        self._phrases_of: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
        for p in self.need_phrases + self.kind_phrases:
            if len(p.terms) == 1 and len(p.terms[0]) >= 4:
                self._words_of.setdefault(p.code, set()).add((p.lang, p.terms[0]))
            elif len(p.terms) > 1 and not NEGATION_STEMS & set(p.terms):
                self._phrases_of.setdefault(p.code, set()).add((p.lang, p.terms))
        # A compound part that three or more one-word synonyms share is the need's core
        # word ("taal" in taalles, taalcursus, taalhuis, taalmaatje): it widens too.
        self._cores_of: dict[str, set[tuple[str, str]]] = {}
        for code, words in self._words_of.items():
            counts: dict[str, int] = {}
            for lang, term in words:
                if lang == "nl":
                    for part in split_compound(term):
                        counts[stem(part, "nl")] = counts.get(stem(part, "nl"), 0) + 1
            self._cores_of[code] = {("nl", part) for part, n in counts.items() if n >= 3 and len(part) >= 3}

    def named_in_text(self, texts: list[tuple[str, str]]) -> tuple[set[str], set[str]]:
        """(need codes, kind codes) a service's own texts name: ``texts`` are
        (language, text) pairs. The reverse of :meth:`interpret`, for catalogues
        that are not tagged. Stricter than a query, because a text is long:

        * a phrase is named only where all its words stand close together
          (within its length plus one word either side);
        * it must hold a word that is not among the most common of the language
          (``TEXT_WORD_ZIPF``): "werk", "alleen", "op zijn" and "naast" (whose
          stem is that of "naaste") say nothing about what a service is for,
          though typed as a query they may;
        * no typo correction, no compound parts."""
        needs: set[str] = set()
        kinds: set[str] = set()
        for lang, text in texts:
            if not text:
                continue
            tokens = [t for t in raw_tokens(text) if t not in MATCH_STOP]
            seen = [set(word_stems(t, lang)) if lang == "nl" else {stem(t, lang)} for t in tokens]
            for i, token in enumerate(tokens):
                if zipf(token, lang) >= TEXT_WORD_ZIPF:
                    continue
                for term in seen[i]:
                    for p in self._by_any_term.get(term, ()):
                        found = needs if p.code in self._need_codes else kinds
                        if p.lang != lang or p.code in found:
                            continue
                        reach = len(p.terms) + 1
                        near = set().union(*seen[max(0, i - reach) : i + reach + 1]) if len(p.terms) > 1 else seen[i]
                        if all(t in near for t in p.terms):
                            found.add(p.code)
        return needs, kinds

    def evidence_of(self, code: str) -> set[tuple[str, tuple[str, ...]]]:
        """(language, terms) of every phrase of a need or kind and of the needs
        under it: what :meth:`named_in_text` may have found in a text, to say
        why a service that is not tagged was found."""
        return {
            (p.lang, p.terms)
            for p in self.need_phrases + self.kind_phrases
            if p.code == code or p.code.startswith(code + ".")
        }

    def words_of(self, code: str) -> set[tuple[str, str]]:
        """(language, term) of the one-word label and synonyms of a need or kind."""
        return self._words_of.get(code, set())

    def cores_of(self, code: str) -> set[tuple[str, str]]:
        """(language, term) of the compound parts two or more one-word synonyms share."""
        return self._cores_of.get(code, set())

    def phrases_of(self, code: str) -> set[tuple[str, tuple[str, ...]]]:
        """(language, terms) of the label and synonyms of two or more words."""
        return self._phrases_of.get(code, set())

    @staticmethod
    def _by_first_term(phrases: list[Phrase]) -> dict[str, list[Phrase]]:
        index: dict[str, list[Phrase]] = {}
        for p in phrases:
            index.setdefault(p.terms[0], []).append(p)
        return index

    def token_terms(self, token: str) -> tuple[set[str], set[str]]:
        """(whole-word terms, compound-part terms) of one query word, typos corrected.
        A word's terms include the stem of its lemma ("kan" also gives "kunnen").
        A word of the language is no typo: only words neither the taxonomy nor
        Dutch knows are corrected ("dementie" is not "detentie", "overleg" is
        not "overleden")."""
        whole = {*word_stems(token, "nl"), stem(token, "en")} - {""}
        if not self._is_word(token, whole):
            whole |= {c for t in list(whole) for c in self._corrections(t)}
            for corrected in self._corrections(token):  # a misspelt compound does not split
                whole.add(corrected)
        parts: set[str] = set()
        for part in split_compound(token):
            own = {stem(part, "nl")}
            parts |= own if self._is_word(part, own) else own | {c for t in own for c in self._corrections(t)}
        for corrected in whole - {*word_stems(token, "nl"), stem(token, "en")}:
            parts |= {stem(p, "nl") for p in split_compound(corrected)}
        return whole, parts - whole

    def _is_word(self, word: str, stems: set[str]) -> bool:
        return any(t in self._vocabulary.get(t[:2], ()) for t in stems) or zipf(word) >= REAL_WORD_ZIPF

    def query_terms(self, text: str) -> frozenset[str]:
        """Every term the query may mean: words, compound parts, typo corrections."""
        found: set[str] = set()
        for token in raw_tokens(text):
            if token in DUTCH_STOP or token in ENGLISH_STOP:
                continue  # the text terms: stop words (negations too) match nothing there
            whole, parts = self.token_terms(token)
            found |= whole | parts
        return frozenset(found)

    def _corrections(self, term: str) -> set[str]:
        limit = typo_allowance(term)
        if not limit:
            return set()
        candidates = self._vocabulary.get(term[:2], set())
        return {c for c in candidates if c != term and edit_distance(term, c, limit) <= limit}

    def interpret(self, text: str) -> Interpretation:
        """Needs and kinds the words name. A compound's parts count only for words
        that name nothing whole: "schuldhulp" finds debts through "schuld", but
        "huisarts" (a GP) does not find housing through "huis"."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        result = self._interpret(text)
        if len(self._cache) > 5000:
            self._cache.clear()
        self._cache[text] = result
        return result

    def _interpret(self, text: str) -> Interpretation:
        tokens = [t for t in raw_tokens(text) if t not in MATCH_STOP]
        split = {t: self.token_terms(t) for t in tokens}
        whole_terms = frozenset(w for whole, _ in split.values() for w in whole)
        needs = self._match(self._need_index, whole_terms)
        kinds = self._match(self._kind_index, whole_terms)
        explained = {
            t
            for t, (whole, _) in split.items()
            if any(set(p.terms) & whole for p in self._matched_phrases(whole_terms))
        }
        extra = frozenset(p for t, (_, parts) in split.items() if t not in explained for p in parts)
        if extra:
            for code, m in self._match(self._need_index, whole_terms | extra).items():
                needs.setdefault(code, m)
            for code, m in self._match(self._kind_index, whole_terms | extra).items():
                kinds.setdefault(code, m)
        # A broad need adds nothing when a narrower one under it matched ("money worries").
        needs = {c: m for c, m in needs.items() if not any(o.startswith(c + ".") for o in needs)}
        all_terms = whole_terms | frozenset(p for _, parts in split.values() for p in parts)
        in_phrases = {t for p in self._matched_phrases(whole_terms) if len(p.terms) > 1 for t in p.terms}
        phrase_words = frozenset(t for t, (whole, _) in split.items() if whole & in_phrases)
        return Interpretation(needs, kinds, all_terms, text, phrase_words)

    def _matched_phrases(self, qterms: frozenset[str]) -> list[Phrase]:
        return [
            p
            for index in (self._need_index, self._kind_index)
            for t in qterms
            for p in index.get(t, ())
            if all(x in qterms for x in p.terms)
        ]

    @staticmethod
    def _match(index: dict[str, list[Phrase]], qterms: frozenset[str]) -> dict[str, Match]:
        matches: dict[str, Match] = {}
        for p in (p for t in qterms for p in index.get(t, ())):
            if all(t in qterms for t in p.terms):
                m = matches.setdefault(p.code, Match(p.code))
                if p.words not in m.words:
                    m.words.append(p.words)
                m.weight = max(m.weight, float(len(p.terms)))
        return matches


def build_matcher(session: Session) -> NeedMatcher:
    rows = []
    for need in session.scalars(select(NeedTerm).order_by(NeedTerm.position)):
        label = {
            "nl": need.label,
            **{lang: t.get("label") for lang, t in (need.translations or {}).items() if t.get("label")},
        }
        rows.append((need.code, label, need.synonyms or {}))
    kinds = [(code, k.get("label") or {}, k.get("synonyms") or {}) for code, k in service_kinds().items()]
    return NeedMatcher(rows, kinds)


def matcher_for(session: Session) -> NeedMatcher:
    """The matcher for this database, rebuilt when the taxonomy's stamp changes
    (:mod:`socialmap.revision`: any edit, in any process)."""
    return kept(session, "needs", lambda: build_matcher(session), "matcher")
