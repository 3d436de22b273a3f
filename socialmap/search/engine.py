"""The search: words and filters and a place in, ranked services out.

1. The words are read for needs and service kinds (:mod:`.needs`) and turned
   into index terms (:mod:`.analysis`), typos corrected against known words.
2. Only the shards that can hold an answer are read: with a place, its
   municipality's shard, the shards of municipalities within the radius, and
   the ``wide`` shard filtered to services serving the place.
3. Each hit is kept when it serves the person's place or has a location
   within the radius, then ranked on text relevance, whether it serves the
   place, and distance. Each hit says why it matched.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from whoosh.query import And, Every, FuzzyTerm, NumericRange, Or, Term

from socialmap import geo
from socialmap.catalogue.models import AreaUnit, NeedTerm, Service
from socialmap.search.analysis import raw_tokens, stem, terms, typo_allowance
from socialmap.search.documents import WIDE
from socialmap.search.index import SearchIndex
from socialmap.search.needs import Interpretation, matcher_for
from socialmap.search.places import Place

RADII = (1000, 2000, 5000, 10000, 25000)
DEFAULT_RADIUS = 5000
NL_FIELDS = ("name_nl", "summary_nl", "description_nl", "kindwords_nl", "org")
EN_FIELDS = ("name_en", "summary_en", "description_en", "kindwords_en")
FUZZY_FIELDS = ("name_nl", "summary_nl", "kindwords_nl", "name_en", "summary_en")
OPEN_ACCESS = ("walk_in", "self_referral")


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
        return any((self.domains, self.needs, self.open_access, self.free, self.languages, self.formats,
                    self.age is not None, self.open_now, self.open_today))


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
    score: float = 0.0
    matched_needs: list[str] = field(default_factory=list)   # need labels
    matched_kinds: list[str] = field(default_factory=list)   # kind codes
    matched_words: list[str] = field(default_factory=list)   # the person's words found in the text


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


def search(session: Session, index: SearchIndex, request: SearchRequest) -> SearchResponse:
    interpretation = matcher_for(session).interpret(request.text) if request.text.strip() else None
    query = _text_query(request.text, interpretation) if interpretation else Every()
    base_filter = _filter_query(request.filters)
    shards = _shards(session, index, request)
    if not index.exists():
        return SearchResponse([], 0, 1, 1, request.per_page, interpretation, request.place, request.radius_m,
                              [], Counter(), index_missing=True)

    raw: list[tuple[float, dict, set]] = []
    for shard in shards:
        searcher = index.searcher(shard)
        if searcher is None:
            continue
        shard_filter = base_filter
        if shard == WIDE and request.place is not None:
            serving = Or([Term("serves", c) for c in request.place.serving_codes]) \
                if request.place.serving_codes else None
            shard_filter = And([f for f in (base_filter, serving) if f is not None]) if serving else base_filter
        results = searcher.search(query, filter=shard_filter, limit=None, terms=interpretation is not None)
        for hit in results:
            matched = {t[1].decode() if isinstance(t[1], bytes) else t[1] for t in hit.matched_terms()} \
                if interpretation is not None else set()
            raw.append((hit.score, hit.fields(), matched))

    hits = [_to_hit(fields, score, matched, request, interpretation) for score, fields, matched in raw]
    if request.place is not None:
        hits = [h for h in hits if h.serves_here or (h.distance_m is not None and h.distance_m <= request.radius_m)]
    if request.filters.open_now or request.filters.open_today:
        hits = _open_filter(session, hits, request)
    _rank(hits, request, interpretation)
    _explain(session, hits, interpretation, request.locale)

    total = len(hits)
    pages = max(1, math.ceil(total / request.per_page))
    page = min(max(1, request.page), pages)
    start = (page - 1) * request.per_page
    domain_counts = Counter(d for h in hits for d in h.domains)
    return SearchResponse(hits[start:start + request.per_page], total, page, pages, request.per_page,
                          interpretation, request.place, request.radius_m, shards, domain_counts)


def _text_query(text: str, interpretation: Interpretation):
    whole = {stem(t, "nl") for t in raw_tokens(text)} | {stem(t, "en") for t in raw_tokens(text)}
    nl_terms, en_terms = set(terms(text, "nl")), set(terms(text, "en"))
    corrected = set(interpretation.query_terms) - nl_terms - en_terms
    parts = []
    for t in nl_terms | corrected:
        boost = 1.0 if t in whole else 0.5 if t in nl_terms else 0.7
        parts += [Term(f, t, boost=boost) for f in NL_FIELDS]
        if typo_allowance(t) and t not in corrected:
            parts += [FuzzyTerm(f, t, maxdist=typo_allowance(t), prefixlength=2, boost=0.4)
                      for f in FUZZY_FIELDS[:3]]
    for t in en_terms:
        parts += [Term(f, t, boost=1.0) for f in EN_FIELDS]
    for code, match in interpretation.needs.items():
        parts.append(Term("needs", code, boost=2.0 + match.weight if "." in code else 1.0))
    for code, match in interpretation.kinds.items():
        parts.append(Term("kinds", code, boost=4.0 + match.weight))
    return Or(parts) if parts else Every()


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
    wanted = {WIDE}
    if place.municipality_code:
        wanted.add(place.municipality_code)
    wanted.update(municipalities_near(session, place.lon, place.lat, request.radius_m))
    return [s for s in available if s in wanted]


def municipalities_near(session: Session, lon: float, lat: float, metres: float) -> list[str]:
    """Municipality codes whose polygon meets the radius's bounding box (spatial index)."""
    from socialmap.catalogue.queries import dialect

    d = dialect(session)
    frame = geo.sql_box(*geo.bbox_around(lon, lat, metres), d)
    return list(session.scalars(select(AreaUnit.code).where(
        AreaUnit.level == "municipality",
        geo.index_filter("area_unit", "geom", AreaUnit.id, frame, d, AreaUnit.geom))))


def _within(code: str, area_code: str) -> bool:
    """Does CBS code ``code`` lie inside ``area_code``? (BU0363AA01 lies in WK0363AA, GM0363)."""
    return code[2:].startswith(area_code[2:]) and code[:2] in {"GM": ("WK", "BU"), "WK": ("BU",)}.get(area_code[:2], ())


def _to_hit(fields: dict, score: float, matched: set, request: SearchRequest, interpretation) -> Hit:
    en = request.locale == "en" and fields.get("name_en")
    hit = Hit(
        id=int(fields["id"]), key=fields["key"],
        name=fields["name_en"] if en else fields["name_nl"], name_lang="en" if en else "nl",
        summary=fields["summary_en"] if en and fields.get("summary_en") else fields["summary_nl"],
        summary_lang="en" if en and fields.get("summary_en") else "nl",
        organisation=fields["org"], kinds=fields["kinds"].split(), domains=fields["domains"].split(),
        access=fields["access"].split(), cost=fields["cost"], status=fields["status"],
        waiting_weeks=None if fields["waiting_weeks"] < 0 else fields["waiting_weeks"],
        locations=fields["locations"] or [], serves=fields["serves"].split(), score=score)
    hit._needs = fields["needs"].split()  # type: ignore[attr-defined]
    hit._direct_needs = fields["direct_needs"]  # type: ignore[attr-defined]
    hit._matched_terms = matched  # type: ignore[attr-defined]
    place = request.place
    if place is not None:
        if hit.locations:
            distances = [(geo.haversine_m(place.lon, place.lat, loc[0], loc[1]), loc) for loc in hit.locations]
            hit.distance_m, hit.nearest = min(distances, key=lambda d: d[0])
        codes = set(place.serving_codes)
        hit.serves_here = bool(codes.intersection(hit.serves)) or (
            place.neighbourhood_code is None and place.area_code is not None
            and any(_within(c, place.area_code) for c in hit.serves))
    elif hit.locations:
        hit.nearest = hit.locations[0]
    return hit


def _rank(hits: list[Hit], request: SearchRequest, interpretation) -> None:
    top = max((h.score for h in hits), default=0.0) or 1.0
    radius = request.radius_m or DEFAULT_RADIUS
    for h in hits:
        relevance = h.score / top if interpretation is not None else 0.0
        local = 0.0
        if request.place is not None:
            # Not meant for this place (e.g. another district's team): shown, but lower.
            local += 0.3 if h.serves_here else -0.2
            if h.distance_m is not None:
                local += 0.15 * max(0.0, 1.0 - h.distance_m / radius)
            elif h.serves_here:
                local += 0.05  # phone or online, and meant for this place
        focus = 0.0
        if interpretation is not None and interpretation.needs:
            # A service made for the need (few needs, this one among them) before
            # one that lists it among many (a neighbourhood team).
            direct = h._direct_needs  # type: ignore[attr-defined]
            hits_direct = sum(1 for c in interpretation.needs if c in direct)
            focus = 0.15 * hits_direct / max(len(direct), 1) ** 0.5
        penalty = 0.15 if h.status != "active" else 0.0
        h.score = round((0.65 if interpretation is not None else 0.0) * relevance + focus + local - penalty, 6)
    hits.sort(key=lambda h: (-h.score, h.distance_m if h.distance_m is not None else math.inf, h.name))


def _explain(session: Session, hits: list[Hit], interpretation, locale: str) -> None:
    if interpretation is None:
        return
    labels = need_labels(session, locale)
    for h in hits:
        service_needs = set(h._needs)  # type: ignore[attr-defined]
        h.matched_needs = [labels.get(c, c) for c in interpretation.need_codes if c in service_needs]
        h.matched_kinds = [k for k in interpretation.kind_codes if k in h.kinds]
        terms_hit = h._matched_terms  # type: ignore[attr-defined]
        words = []
        for token in dict.fromkeys(raw_tokens(interpretation.text)):
            if stem(token, "nl") in terms_hit or stem(token, "en") in terms_hit:
                words.append(token)
        h.matched_words = words


def need_labels(session: Session, locale: str) -> dict[str, str]:
    rows = session.execute(select(NeedTerm.code, NeedTerm.label, NeedTerm.translations)).all()
    return {code: ((tr or {}).get(locale) or {}).get("label") or label for code, label, tr in rows}


def _open_filter(session: Session, hits: list[Hit], request: SearchRequest) -> list[Hit]:
    from socialmap.catalogue import schedule

    now = request.now or datetime.now()
    ids = [h.id for h in hits]
    services = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        services.update({s.id: s for s in session.scalars(select(Service).where(Service.id.in_(chunk)).options(
            selectinload(Service.schedule_rules), selectinload(Service.schedule_exceptions)))})
    keep = []
    for h in hits:
        svc = services.get(h.id)
        if svc is None:
            continue
        if request.filters.open_now and not schedule.is_open_at(svc, now):
            continue
        if request.filters.open_today and not schedule.is_open_on(svc, now.date()):
            continue
        keep.append(h)
    return keep
