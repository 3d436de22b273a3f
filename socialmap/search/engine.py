"""The search: words and filters and a place in, ranked services out.

1. The words are read for needs and service kinds (:mod:`.needs`) and turned
   into index terms (:mod:`.analysis`), typos corrected against known words.
2. Only the shards that can hold an answer are read: with a place, its
   municipality's shard, the shards of municipalities within the radius, and
   the ``wide`` shard filtered to services serving the place.
3. Each hit is kept when it serves the person's place or has a location
   within the radius, then ranked on text relevance, whether it serves the
   place, and distance. Each hit says why it matched.

Services for professionals only (:func:`socialmap.catalogue.audience.professionals_only`) are
left out unless the request says the viewer is a professional; the web side
decides that (``params.parse``), the engine only reads ``SearchRequest``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from whoosh.query import And, Every, NumericRange, Or, Phrase, Term

from socialmap import geo
from socialmap.catalogue import schedule
from socialmap.catalogue.models import AreaUnit, Organisation, Service
from socialmap.catalogue.queries import dialect, need_labels
from socialmap.safety.help import CRISIS_KIND, CRISIS_NEED, is_crisis_service
from socialmap.search.analysis import (
    DUTCH_STOP,
    raw_tokens,
    split_compound,
    stem,
    terms,
    typo_allowance,
    word_stems,
    zipf,
)
from socialmap.search.documents import WIDE
from socialmap.search.index import Row, SearchIndex
from socialmap.search.languages import named_in
from socialmap.search.mentions import ServiceText, query_words
from socialmap.search.needs import REAL_WORD_ZIPF, Interpretation, matcher_for
from socialmap.search.places import Place

RADII = (1000, 2000, 5000, 10000, 25000)
DEFAULT_RADIUS = 5000
NL_FIELDS = ("name_nl", "text_nl")
EN_FIELDS = ("name_en", "text_en")
OPEN_ACCESS = ("walk_in", "self_referral")
# Scores this close are equally relevant: about 5 % of the text relevance's
# weight, less than the gap between a group for the need and a service that
# lists it among many, more than length-normalisation noise between the same
# kind of service. Among equals the nearer comes first.
EQUAL_SCORE = 0.03
# A group held in another language than the person asked for (interface,
# filter, words) ranks below the general one: more than the whole distance
# bonus (0.15) plus the text-score differences between groups of one kind
# (a name "Rouwgroep in het Arabisch" scores differently from "Rouwgroep
# Oost"), so being near never lifts it above a general group. Was 0.3; raised
# when the synonym phrases left the query and those differences grew.
OTHER_LANGUAGE = 0.45


@dataclass(frozen=True)
class Filters:
    domains: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    open_access: bool = False  # no referral needed
    free: bool = False
    languages: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    age: int | None = None
    open_now: bool = False
    open_today: bool = False

    def active(self) -> bool:
        return any(
            (
                self.domains,
                self.needs,
                self.open_access,
                self.free,
                self.languages,
                self.formats,
                self.age is not None,
                self.open_now,
                self.open_today,
            )
        )


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    filters: Filters = Filters()
    place: Place | None = None
    radius_m: int = DEFAULT_RADIUS
    page: int = 1
    per_page: int = 20
    locale: str = "nl"
    now: datetime | None = None
    explain: bool = True  # say why each shown hit matched (a map of all results need not)
    professional: bool = False  # the viewer is a professional: show professional-only services too
    crisis: bool = False  # the words speak of a crisis (safety.crisis.detect): crisis services first


@dataclass
class Hit:
    id: int
    key: str
    name: str
    name_lang: str
    summary: str
    summary_lang: str
    organisation: str
    kinds: list[str]
    domains: list[str]
    access: list[str]
    cost: str
    status: str
    waiting_weeks: int | None
    locations: list  # [lon, lat, address, key]
    serves: list[str]
    nearest: list | None = None
    distance_m: float | None = None
    serves_here: bool | None = None
    professionals_only: bool = False
    freshness: str = "current"  # the stale stage: "possibly_outdated" and "demoted" are shown
    score: float = 0.0
    matched_needs: list[str] = field(default_factory=list)  # need labels
    matched_kinds: list[str] = field(default_factory=list)  # kind codes
    matched_words: list[str] = field(default_factory=list)  # the person's words found in the text
    related_words: list[str] = field(default_factory=list)  # words of the asked need's synonyms in the text


@dataclass
class SearchResponse:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    per_page: int
    interpretation: Interpretation | None
    place: Place | None
    radius_m: int
    shards: list[str]
    domain_counts: Counter
    index_missing: bool = False
    # With "open now/today": the services read with their schedules to filter
    # them, by id, so the page's open labels need not read them again.
    scheduled: dict = field(default_factory=dict)


def search(session: Session, index: SearchIndex, request: SearchRequest) -> SearchResponse:
    if not index.current():  # missing, or written by another version: being rebuilt
        return SearchResponse(
            [], 0, 1, 1, request.per_page, None, request.place, request.radius_m, [], Counter(), index_missing=True
        )
    matcher = matcher_for(session)
    interpretation = matcher.interpret(request.text) if request.text.strip() else None
    shards = _shards(session, index, request)
    query = (
        _text_query(request.text, interpretation, index, matcher, shards, request.locale) if interpretation else Every()
    )
    if request.crisis:
        # Whatever else the words say, the region's crisis services are candidates.
        query = Or([query, Term("needs", CRISIS_NEED, boost=3.0), Term("kinds", CRISIS_KIND, boost=4.0)])
    base_filter = _filter_query(request.filters)
    place = request.place

    # Rank on cached per-shard columns; build full hits only for the page shown.
    candidates: list[Candidate] = []
    for shard in shards:
        searcher = index.searcher(shard)
        if searcher is None:
            continue
        columns = index.columns(shard)
        shard_filter = base_filter
        if place is not None and not shard.startswith("GM"):
            # Region and country shards: only what serves the place (docnums from memory).
            serving = index.serving(shard, place.serving_set)
            if base_filter is not None:
                serving &= set(searcher.docs_for_query(base_filter))
            if not serving:
                continue
            shard_filter = serving
        results = searcher.search(query, filter=shard_filter, limit=None)
        for docnum, score in results.items():
            row = columns[docnum]
            if row.professionals_only and not request.professional:
                continue
            candidates.append(Candidate(score, shard, docnum, row))

    if place is not None:
        for c in candidates:
            _locate(c, place)
        candidates = [
            c for c in candidates if c.serves_here or (c.distance_m is not None and c.distance_m <= request.radius_m)
        ]
    if request.filters.open_now or request.filters.open_today:
        candidates, scheduled = _open_filter(session, candidates, request)
    else:
        scheduled = {}
    _rank(candidates, request, interpretation)

    total = len(candidates)
    pages = max(1, math.ceil(total / request.per_page))
    page = min(max(1, request.page), pages)
    start = (page - 1) * request.per_page
    shown = candidates[start : start + request.per_page]
    hits = [_to_hit(index.searcher(c.shard).stored_fields(c.docnum), c, request) for c in shown]
    if request.explain:
        _explain(session, index, hits, shown, interpretation, request)
    domain_counts = Counter(d for c in candidates for d in c.row.domains)
    return SearchResponse(
        hits,
        total,
        page,
        pages,
        request.per_page,
        interpretation,
        place,
        request.radius_m,
        shards,
        domain_counts,
        scheduled={h.id: scheduled[h.id] for h in hits if h.id in scheduled},
    )


@dataclass
class Candidate:
    score: float
    shard: str
    docnum: int
    row: Row
    distance_m: float | None = None
    nearest: list | None = None
    serves_here: bool | None = None


def _locate(c: Candidate, place: Place) -> None:
    row = c.row
    if row.locations:
        c.distance_m, c.nearest = min(
            ((geo.haversine_m(place.lon, place.lat, loc[0], loc[1]), loc) for loc in row.locations),
            key=lambda pair: pair[0],
        )
    codes = place.serving_set
    c.serves_here = not codes.isdisjoint(row.serves) or not place.inner_codes.isdisjoint(row.serves)


# How much each kind of match counts, relative to a word of the query found whole.
PART_BOOST = 0.2  # a part of a query compound found alone ("toeslag" for "huurtoeslag")
PART_BOOST_NO_WHOLE = 0.6  # ... when no document holds the whole compound: the parts are the best evidence
PART_MIN_RARITY = 0.35  # a part held by a large share of the documents is not searched at all
CORRECTED_BOOST = 0.6  # a typo corrected against the taxonomy's words
NEAR_BOOST = 0.35  # a near spelling the index holds
WIDEN_BOOST = 0.3  # a word of the label or synonyms of a need or kind the query names, akin to the query's
WIDEN_FAR_BOOST = 0.15  # ... one that shares nothing with the query's words (a sibling: "astma" for "dementie")
MAX_WIDEN_TERMS = 6  # synonyms searched per query and language, the strongest first
RARITY_SHARDS = 3  # shards whose document frequencies weigh the query's terms
CONCEPT_WORD_BOOST = 0.5  # a query word that is part of a phrase naming a need ("leren" in "nederlands leren")
BROAD_NEED_BOOST = 0.6  # a service tagged with the broader need ("fin" for "fin.debt")
NAMED_BOOST = 2.0  # a need or kind the service's own text names (not tagged with it)
PHRASE_BOOST = 1.5  # the query's words close together, in their order
COST_BOOST = 1.5  # "gratis": free services first
# Words that ask about cost, read as a cost signal rather than as text.
COST_WORDS = frozenset({"gratis", "goedkoop", "kosteloos", "kostenloos", "free", "cheap"})


def _text_query(
    text: str, interpretation: Interpretation, index: SearchIndex, matcher, shards: list[str], locale: str = "nl"
):
    """The Whoosh query for a person's words: whole words first, then compound
    parts, typo corrections and the synonyms of the needs the words name, each
    weighted by how specific the word is in the catalogue (a word found in many
    documents earns little)."""
    tokens = raw_tokens(text)
    cost_signal = any(t in COST_WORDS for t in tokens)
    words = [t for t in tokens if t not in COST_WORDS]
    plain = " ".join(words)
    whole = {v for t in words for v in word_stems(t, "nl")} | {stem(t, "en") for t in words}
    nl_terms, en_terms = set(terms(plain, "nl")), set(terms(plain, "en"))
    cost_terms = {v for t in tokens if t in COST_WORDS for v in (*word_stems(t, "nl"), stem(t, "en"))}
    corrected = set(interpretation.query_terms) - nl_terms - en_terms - cost_terms
    known = index.vocabulary()
    rarity = _rarity(index, shards)
    parts = []
    concept = {v for t in interpretation.phrase_words for v in word_stems(t, "nl")}
    # Parts of a query compound that no document holds whole count more.
    orphan_parts = {stem(p, "nl") for t in words if not set(word_stems(t, "nl")) & known for p in split_compound(t)}
    real_words = {v for t in words if zipf(t) >= REAL_WORD_ZIPF for v in word_stems(t, "nl")}
    for t in nl_terms | corrected:
        if t not in whole and t in nl_terms and rarity(t, "nl") < PART_MIN_RARITY:
            continue  # a generic part ("zorg" of "kraamzorg", "groep" of "rouwgroep") finds nothing specific
        part = PART_BOOST_NO_WHOLE if t in orphan_parts else PART_BOOST
        boost = (1.0 if t in whole else part if t in nl_terms else CORRECTED_BOOST) * rarity(t, "nl")
        if t in concept:
            boost *= CONCEPT_WORD_BOOST
        parts += [Term(f, t, boost=boost) for f in NL_FIELDS]
        # Words the index does not hold may be typos: match near spellings
        # (never for a word of the language: "dementie" is not "detentie").
        if t not in known and t not in real_words and typo_allowance(t):
            parts += [
                Term(f, near, boost=NEAR_BOOST * rarity(near, "nl")) for near in index.near_terms(t) for f in NL_FIELDS
            ]
    for t in en_terms:
        parts += [Term(f, t, boost=rarity(t, "en")) for f in EN_FIELDS]
    stems = [word_stems(t, "nl")[0] for t in words if t not in DUTCH_STOP]
    if len(stems) >= 2:
        parts.append(Phrase("text_nl", stems, slop=3, boost=PHRASE_BOOST))
    widened: set[tuple[str, str]] = set()
    for code, match in interpretation.needs.items():
        parts.append(Term("needs", code, boost=2.0 + match.weight if "." in code else 1.0))
        parts.append(Term("named_needs", code, boost=NAMED_BOOST))
        if "." in code:  # tagged with the broader need itself (not with a sibling of this one)
            parts.append(Term("tagged", code.rsplit(".", 1)[0], boost=BROAD_NEED_BOOST))
        widened |= matcher.words_of(code) | matcher.cores_of(code)
    for code, match in interpretation.kinds.items():
        parts.append(Term("kinds", code, boost=4.0 + match.weight))
        parts.append(Term("named_kinds", code, boost=NAMED_BOOST))
        widened |= matcher.words_of(code) | matcher.cores_of(code)
    # Dutch synonyms always (the catalogue's own language), English ones for an English visitor.
    akin = {t[:4] for t in whole | nl_terms if len(t) >= 4}
    candidates = []
    for lang, t in widened:
        # A synonym no document holds would take a place among the strongest
        # (rarity 1) and find nothing: only the ones the catalogue uses compete.
        if t not in whole and t not in nl_terms and lang in ("nl", locale) and rarity.held(t, lang):
            near = t[:4] in akin or bool({stem(p, "nl")[:4] for p in split_compound(t)} & akin)
            candidates.append(((WIDEN_BOOST if near else WIDEN_FAR_BOOST) * rarity(t, lang), lang, t))
    # The strongest synonyms only: every term costs a posting list per shard.
    for language in {lang for _b, lang, _t in candidates}:
        strongest = sorted((c for c in candidates if c[1] == language), reverse=True)[:MAX_WIDEN_TERMS]
        for boost, lang, t in strongest:
            parts += [Term(f, t, boost=boost) for f in (EN_FIELDS if lang == "en" else NL_FIELDS)]
    # Synonyms of two or more words are not searched as phrases: positional
    # matching cost more time than it brought (docs/search-language.md); they
    # still name the need (its code) and explain a hit (related words).
    if cost_signal:
        parts.append(Term("cost", "free", boost=COST_BOOST))
    return Or(parts) if parts else Every()


def _rarity(index: SearchIndex, shards: list[str]):
    """rarity(term, lang) in 0..1 over the shards searched: an inverse document
    frequency, normalised (1 for a term in one document). Document frequencies
    come from the index's per-shard cache. ``rarity.held(term, lang)`` is the
    number of documents holding the term (0: searching it finds nothing)."""
    # The largest shards searched stand for all: rarity is a weight, and every
    # shard read costs a look-up per term.
    shards = sorted(shards, key=index.doc_count, reverse=True)[:RARITY_SHARDS]
    docs = sum(index.doc_count(shard) for shard in shards)
    counts: dict[tuple[str, str], int] = {}

    def held(term: str, lang: str) -> int:
        key = (term, lang)
        if key not in counts:
            fields = EN_FIELDS if lang == "en" else NL_FIELDS
            counts[key] = sum(index.doc_frequency(shard, fields, term) for shard in shards)
        return counts[key]

    def rarity(term: str, lang: str) -> float:
        n = held(term, lang)
        return 1.0 if n == 0 or docs <= 1 else math.log(1 + docs / n) / math.log(1 + docs)

    rarity.held = held  # type: ignore[attr-defined]
    return rarity


def _filter_query(f: Filters):
    clauses = []

    def any_of(field_, codes):
        return Or([Term(field_, c) for c in codes])

    if f.domains:
        clauses.append(any_of("domains", f.domains))
    if f.needs:
        clauses.append(any_of("needs", f.needs))
    if f.open_access:
        clauses.append(any_of("access", OPEN_ACCESS))
    if f.free:
        clauses.append(Term("cost", "free"))
    if f.languages:
        clauses.append(any_of("languages", f.languages))
    if f.formats:
        clauses.append(any_of("formats", f.formats))
    if f.age is not None:
        clauses.append(And([NumericRange("min_age", None, f.age), NumericRange("max_age", f.age, None)]))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else And(clauses)


def _shards(session: Session, index: SearchIndex, request: SearchRequest) -> list[str]:
    available = index.shards()
    place = request.place
    if place is None:
        return available
    wanted = {WIDE} | {c for c in place.serving_codes if c.startswith("RG")}
    if place.municipality_code:
        wanted.add(place.municipality_code)
    wanted.update(municipalities_near(session, place.lon, place.lat, request.radius_m))
    return [s for s in available if s in wanted]


def municipalities_near(session: Session, lon: float, lat: float, metres: float) -> list[str]:
    """Municipality codes whose polygon meets the radius's bounding box (spatial index)."""
    d = dialect(session)
    frame = geo.sql_box(*geo.bbox_around(lon, lat, metres), d)
    return list(
        session.scalars(
            select(AreaUnit.code).where(
                AreaUnit.level == "municipality",
                geo.index_filter("area_unit", "geom", AreaUnit.id, frame, d, AreaUnit.geom),
            )
        )
    )


def _to_hit(fields: dict, c: Candidate, request: SearchRequest) -> Hit:
    en = request.locale == "en" and fields.get("name_en")
    summary_en = request.locale == "en" and fields.get("summary_en")
    hit = Hit(
        id=int(fields["id"]),
        key=fields["key"],
        name=fields["name_en"] if en else fields["name_nl"],
        name_lang="en" if en else "nl",
        summary=fields["summary_en"] if summary_en else fields["summary_nl"],
        summary_lang="en" if summary_en else "nl",
        organisation=fields["org"],
        kinds=fields["kinds"].split(),
        domains=fields["domains"].split(),
        access=fields["access"].split(),
        cost=fields["cost"],
        status=fields["status"],
        waiting_weeks=None if fields["waiting_weeks"] < 0 else fields["waiting_weeks"],
        locations=fields["locations"] or [],
        serves=fields["serves"].split(),
        score=c.score,
        distance_m=c.distance_m,
        serves_here=c.serves_here,
        professionals_only=c.row.professionals_only,
        freshness=c.row.freshness,
        nearest=c.nearest or ((fields["locations"] or [None])[0]),
    )
    return hit


def _rank(candidates: list[Candidate], request: SearchRequest, interpretation) -> None:
    top = max((c.score for c in candidates), default=0.0) or 1.0
    radius = request.radius_m or DEFAULT_RADIUS
    wanted = list(interpretation.needs) if interpretation is not None else []
    asked = languages_asked(request)
    for c in candidates:
        relevance = c.score / top if interpretation is not None else 0.0
        local = 0.0
        if request.place is not None:
            # Not meant for this place (e.g. another district's team): shown, but lower.
            local += 0.3 if c.serves_here else -0.2
            if c.distance_m is not None:
                local += 0.15 * max(0.0, 1.0 - c.distance_m / radius)
            elif c.serves_here:
                local += 0.05  # phone or online, and meant for this place
        focus = 0.0
        if wanted:
            # A service made for the need (few needs, this one among them) before
            # one that lists it among many (a neighbourhood team).
            direct = c.row.direct_needs
            focus = 0.15 * sum(1 for code in wanted if code in direct) / max(len(direct), 1) ** 0.5
        penalty = 0.15 if c.row.status != "active" else 0.0
        if c.row.held_in and c.row.held_in.isdisjoint(asked):
            penalty += OTHER_LANGUAGE  # a group in a language the person did not ask for
        elif c.row.held_in & (asked - {"nl"}):
            penalty -= OTHER_LANGUAGE / 2  # held in the very language the person asked for
        c.score = round((0.65 if interpretation is not None else 0.0) * relevance + focus + local - penalty, 6)
    # An entry nobody has checked for long (freshness stage "demoted") comes after
    # every checked one that matched; the page says why. Crisis services still lead below.
    candidates.sort(key=lambda c: (-c.score, c.row.key))
    candidates[:] = nearer_first_among_equals(
        [c for c in candidates if c.row.freshness != "demoted"]
    ) + nearer_first_among_equals([c for c in candidates if c.row.freshness == "demoted"])
    if request.crisis:
        # Safety first: the crisis services before everything else, in their order.
        candidates.sort(key=lambda c: not is_crisis_service(c.row.kinds, c.row.direct_needs))


def languages_asked(request: SearchRequest) -> set[str]:
    """The languages the person asked for: the interface's, the language filter,
    and languages named in the words ("rouwgroep turks")."""
    return {request.locale, *request.filters.languages, *named_in(request.text)}


def nearer_first_among_equals(ranked: list[Candidate]) -> list[Candidate]:
    """``ranked`` (best first) with each run of equally relevant hits -- scores
    at most ``EQUAL_SCORE`` below the run's first -- ordered nearest first
    (hits without a location last, in score order)."""
    out: list[Candidate] = []
    start = 0
    while start < len(ranked):
        end = start + 1
        while end < len(ranked) and ranked[start].score - ranked[end].score <= EQUAL_SCORE:
            end += 1
        out += sorted(ranked[start:end], key=lambda c: math.inf if c.distance_m is None else c.distance_m)
        start = end
    return out


def _explain(
    session: Session,
    index: SearchIndex,
    hits: list[Hit],
    shown: list[Candidate],
    interpretation: Interpretation | None,
    request: SearchRequest,
) -> None:
    """Why each shown hit is there: the needs (asked in words or as a filter) and
    kinds it answers, and the person's words its text really holds (:mod:`.mentions`)."""
    need_codes = list(interpretation.need_codes) if interpretation is not None else []
    need_codes += [code for code in request.filters.needs if code not in need_codes]
    if need_codes:
        labels = need_labels(session, request.locale)
        for hit, c in zip(hits, shown):
            hit.matched_needs = [labels.get(code, code) for code in need_codes if code in c.row.needs]
    if interpretation is None:
        return
    matcher = matcher_for(session)
    words = query_words(interpretation.text, matcher, index.vocabulary(), index.near_terms)
    related: set = set()
    for code in (*interpretation.needs, *interpretation.kinds):
        related |= matcher.words_of(code) | matcher.cores_of(code) | matcher.evidence_of(code)
    texts = _service_texts(session, [hit.id for hit in hits])
    for hit, c in zip(hits, shown):
        hit.matched_kinds = [k for k in interpretation.kind_codes if k in c.row.kinds]
        text = texts.get(hit.id)
        if text is None:
            continue
        hit.matched_words = text.mentions(words)
        if not hit.matched_needs and not hit.matched_kinds:
            # Not tagged with what was asked: found by words of the need's synonyms
            # that its text holds (the search widened to them); say which.
            hit.related_words = [w for w in text.related(related, request.locale) if w not in hit.matched_words]
            if not hit.related_words and not hit.matched_words:
                # Found because its other-language text names the need ("help with letters").
                hit.related_words = text.related(related, "en" if request.locale == "nl" else "nl")


def _service_texts(session: Session, ids: list[int]) -> dict[int, ServiceText]:
    """The texts a service's page shows (both languages), for the hits shown."""
    if not ids:
        return {}
    rows = session.execute(
        select(Service.id, Service.name, Service.summary, Service.description, Service.translations, Organisation.name)
        .join(Organisation)
        .where(Service.id.in_(ids))
    )
    found = {}
    for sid, name, summary, description, translations, org in rows:
        en = (translations or {}).get("en") or {}
        found[sid] = ServiceText(
            (name, summary, description or "", org),
            (en.get("name") or "", en.get("summary") or "", en.get("description") or ""),
        )
    return found


def _open_filter(
    session: Session, candidates: list[Candidate], request: SearchRequest
) -> tuple[list[Candidate], dict[int, Service]]:
    """The candidates open now (or today), and the services read to tell."""
    now = request.now or datetime.now()
    ids = [c.row.id for c in candidates]
    services = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        services.update(
            {
                s.id: s
                for s in session.scalars(
                    select(Service)
                    .where(Service.id.in_(chunk))
                    .options(selectinload(Service.schedule_rules), selectinload(Service.schedule_exceptions))
                )
            }
        )
    keep = []
    for c in candidates:
        svc = services.get(c.row.id)
        if svc is None:
            continue
        if request.filters.open_now and not schedule.is_open_at(svc, now):
            continue
        if request.filters.open_today and not schedule.is_open_on(svc, now.date()):
            continue
        keep.append(c)
    return keep, services
