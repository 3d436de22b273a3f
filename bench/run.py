"""Run the search benchmark of issue 3 on the generated catalogue (bench.generate).

Three systems, the same queries, one run, side by side:

* ``socialmap``: the product's own engine -- ``reindex(session, index,
  processes=2)`` on SpatiaLite, ``search(...)`` with a place from
  ``places.place_at`` / ``places.resolve``, ``queries.neighbourhood_at``;
* ``plain Whoosh``: ONE Whoosh index over the same documents
  (``build_documents`` + ``make_schema``/``to_whoosh``), a plain OR query and a
  ``filter=`` on the served-area codes;
* ``PostgreSQL``: the same rows in socialmap_bench, full-text search with the
  ``dutch`` (and ``english``) configuration on a GIN-indexed tsvector, PostGIS
  ``ST_DWithin`` on a geography GiST index, the served-area join on
  ``ix_service_area_area_id``.

Measures: (1) text or need + neighbourhood, (2) text + postcode within 5 km,
(3) point -> neighbourhood, (4) building the whole index. Prints p50/p95 in ms,
the ratios, the targets of the issue, and the PostgreSQL plans once.

Run: ``.venv/bin/python -m bench.run [--n 300] [--warmup 20] [--budget 60] [--no-postgres]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field

import yaml

from bench.common import (
    KINDS_FILE,
    PLAIN_INDEX_DIR,
    PRODUCT_INDEX_DIR,
    STAMP,
    make_app,
    pg_connect,
    say,
    sqlite_url,
    step,
)

SEED = 3
RADIUS_M = 5000
TOP = 20
# Need words and lay words from the demo vocabulary (data/taxonomy/needs.yaml, service_kinds.yaml);
# more are drawn from the taxonomy's synonyms at random (seeded).
WORDS = [
    "schulden",
    "rouwgroep",
    "eenzaam",
    "geldzorgen",
    "burn-out",
    "werk zoeken",
    "money worries",
    "huisarts",
    "depressie",
    "verslaving",
    "huiselijk geweld",
    "dakloos",
    "mantelzorg",
    "taalcafé",
    "opvoeding",
    "inloop",
    "psycholoog",
    "angst",
    "loneliness",
    "debt help",
    "buurtteam",
    "schuldhulp",
    "somber",
    "alcohol",
    "zelfhulpgroep",
]
EXTRA_WORDS = 25

TARGETS = {"1": ("p95", 50.0), "2": ("p95", 50.0), "3": ("p95", 1.0)}
BUILD_TARGET_S = 60.0
SPEEDUP_TARGET = 5.0

MEASURES = {
    "1": "text or need + neighbourhood",
    "2": "text + postcode within 5 km",
    "3": "point -> neighbourhood",
    "4": "build the whole index",
}


# --- timing ------------------------------------------------------------------------------


@dataclass
class Timing:
    system: str
    times_ms: list[float] = field(default_factory=list)
    shown: list[int] = field(default_factory=list)  # rows returned (at most 20)
    matched: list[int] = field(default_factory=list)  # all matches, where the system says
    planned: int = 0
    stopped_by_budget: bool = False
    note: str = ""

    @property
    def n(self) -> int:
        return len(self.times_ms)

    def pct(self, p: int) -> float | None:
        if not self.times_ms:
            return None
        if len(self.times_ms) == 1:
            return self.times_ms[0]
        return statistics.quantiles(self.times_ms, n=100, method="inclusive")[p - 1]

    @property
    def p50(self) -> float | None:
        return self.pct(50)

    @property
    def p95(self) -> float | None:
        return self.pct(95)


@dataclass
class Build:
    system: str
    seconds: float
    detail: str = ""


RESULTS: dict[str, list] = {m: [] for m in MEASURES}
LOAD: list[float] = []  # 1-minute load averages at the end of each query measure
PLANS: list[tuple[str, str]] = []
NOTES: list[str] = []


def timed_loop(system: str, items: list, fn, warmup: int, budget_s: float, after=None) -> Timing:
    """Run ``fn`` on the first ``warmup`` items untimed, then time it on the rest
    until they or the time budget run out. ``fn`` returns (shown, matched)."""
    timing = Timing(system, planned=len(items) - warmup)
    for item in items[:warmup]:
        fn(item)
        if after:
            after()
    deadline = time.perf_counter() + budget_s
    for item in items[warmup:]:
        started = time.perf_counter()
        shown, matched = fn(item)
        timing.times_ms.append((time.perf_counter() - started) * 1000)
        timing.shown.append(shown)
        if matched is not None:
            timing.matched.append(matched)
        if after:
            after()
        if time.perf_counter() > deadline and timing.n < timing.planned:
            timing.stopped_by_budget = True
            break
    LOAD.append(os.getloadavg()[0])
    extra = (
        f" (stopped by the {budget_s:.0f} s budget after {timing.n} of {timing.planned})"
        if timing.stopped_by_budget
        else ""
    )
    say(f"  {system}: p50 {fmt_ms(timing.p50)} ms, p95 {fmt_ms(timing.p95)} ms over {timing.n} queries{extra}")
    return timing


def versus(r: float | None, verb: str = "") -> str:
    """'socialmap 2.1x faster' or 'PostgreSQL 3.0x faster', from baseline time / socialmap time."""
    if r is None:
        return "-"
    verb = f" {verb}" if verb else ""
    return f"socialmap{verb} {r:.1f}x faster" if r >= 1 else f"PostgreSQL{verb} {1 / r:.1f}x faster"


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


# --- the queries -------------------------------------------------------------------------


@dataclass
class Areas:
    parent: dict[int, int | None]
    code: dict[int, str]
    buurten: list[tuple[int, object]]  # (id, shapely geometry)

    def chain(self, area_id: int) -> list[int]:
        out, node = [], area_id
        while node is not None:
            out.append(node)
            node = self.parent[node]
        return out


def load_areas(session) -> Areas:
    from sqlalchemy import select

    from socialmap.catalogue.models import AreaUnit
    from socialmap.geo import from_db

    parent, code, buurten = {}, {}, []
    for area_id, area_code, _level, parent_id in session.execute(
        select(AreaUnit.id, AreaUnit.code, AreaUnit.level, AreaUnit.parent_id)
    ):
        parent[area_id], code[area_id] = parent_id, area_code
    for area_id, geom in session.execute(
        select(AreaUnit.id, AreaUnit.geom).where(AreaUnit.level == "neighbourhood").order_by(AreaUnit.id)
    ):
        buurten.append((area_id, from_db(geom)))
    return Areas(parent, code, buurten)


def vocabulary(rnd: random.Random) -> list[str]:
    from socialmap.config import DATA_DIR

    needs = yaml.safe_load((DATA_DIR / "taxonomy" / "needs.yaml").read_text(encoding="utf-8"))["needs"]
    kinds = yaml.safe_load(KINDS_FILE.read_text(encoding="utf-8"))["service_kinds"]
    pool = sorted(
        {w for t in needs + kinds for words in (t.get("synonyms") or {}).values() for w in words}
        | {lbl for t in needs + kinds for lbl in (t.get("label") or {}).values()}
    )
    pool = [w for w in pool if w not in WORDS]
    return WORDS + rnd.sample(pool, EXTRA_WORDS)


def random_point_in(geom, rnd: random.Random) -> tuple[float, float]:
    import shapely

    minx, miny, maxx, maxy = geom.bounds
    while True:
        x, y = rnd.uniform(minx, maxx), rnd.uniform(miny, maxy)
        if shapely.contains_xy(geom, x, y):
            return x, y


def make_queries(areas: Areas, total: int, rnd: random.Random) -> dict[str, list]:
    from socialmap.search.places import postcode_centroids

    words = vocabulary(rnd)
    q1 = []
    for _ in range(total):
        buurt_id, geom = rnd.choice(areas.buurten)
        c = geom.centroid
        pt = c if geom.contains(c) else geom.representative_point()
        q1.append(
            {"text": rnd.choice(words), "lon": pt.x, "lat": pt.y, "buurt": buurt_id, "areas": areas.chain(buurt_id)}
        )
    pc4s = sorted(postcode_centroids())
    q2 = []
    for _ in range(total):
        pc4 = rnd.choice(pc4s)
        lon, lat, _city = postcode_centroids()[pc4]
        q2.append({"text": rnd.choice(words), "postcode": pc4, "lon": lon, "lat": lat})
    q3 = []
    for _ in range(total):
        buurt_id, geom = rnd.choice(areas.buurten)
        lon, lat = random_point_in(geom, rnd)
        q3.append({"lon": lon, "lat": lat, "buurt": buurt_id})
    return {"1": q1, "2": q2, "3": q3, "words": words}


# --- socialmap (the product) -------------------------------------------------------------


def run_socialmap(session, db, queries, args) -> None:
    from socialmap.catalogue import queries as catalogue_queries
    from socialmap.search import places
    from socialmap.search.engine import SearchRequest, search
    from socialmap.search.index import index_at
    from socialmap.search.indexer import reindex

    index = index_at(PRODUCT_INDEX_DIR)
    if not (args.no_build and index.exists()):
        with step("socialmap: measure 4, reindex(session, index, processes=2)"):
            started = time.perf_counter()
            manifest = reindex(session, index, processes=2)
            seconds = time.perf_counter() - started
        db.session.remove()
        RESULTS["4"].append(
            Build(
                "socialmap",
                seconds,
                f"reindex(processes=2): {manifest.services:,} documents in {len(manifest.counts)} shards",
            )
        )

    # A running app loads every shard in the background at its first request
    # (SearchIndex.warm); do the same here, outside the clock.
    with step("socialmap: warm the index (as the app does at start)"):
        shards = index.warm()
    NOTES.append(f"socialmap: {shards} shards loaded by SearchIndex.warm() before measures 1 and 2")

    # Measure 1: the place (a buurt's centroid) is resolved before the clock starts.
    for q in queries["1"]:
        q["place"] = places.place_at(session, q["lon"], q["lat"])
    db.session.remove()
    missed = sum(1 for q in queries["1"] if q["place"].neighbourhood_code is None)
    if missed:
        NOTES.append(f"measure 1: {missed} buurt centroids resolved to no buurt in place_at")

    def one(q):
        resp = search(db.session, index, SearchRequest(text=q["text"], place=q["place"], radius_m=RADIUS_M))
        return len(resp.hits), getattr(resp, "total", None)

    with step("socialmap: measure 1, search(text, place_at(buurt centroid), 5 km)"):
        RESULTS["1"].append(
            timed_loop("socialmap", queries["1"], one, args.warmup, args.budget, after=db.session.remove)
        )

    # The same queries again: every shard they touch is open now. Tells a first visit to a
    # shard (opening it, loading what the engine caches per shard) from the steady state.
    with step("socialmap: measure 1 again, the same queries (for information)"):
        RESULTS["1"].append(
            timed_loop(
                "socialmap, same again", queries["1"][args.warmup :], one, 0, args.budget, after=db.session.remove
            )
        )

    def two(q):  # the postcode is resolved on the clock, as the product does for "where=1234"
        place = places.resolve(db.session, q["postcode"])
        resp = search(db.session, index, SearchRequest(text=q["text"], place=place, radius_m=RADIUS_M))
        return len(resp.hits), getattr(resp, "total", None)

    with step("socialmap: measure 2, resolve(postcode) + search(text, 5 km)"):
        RESULTS["2"].append(
            timed_loop("socialmap", queries["2"], two, args.warmup, args.budget, after=db.session.remove)
        )

    def three_ref(q):
        found = catalogue_queries.neighbourhood_ref_at(db.session, q["lon"], q["lat"])
        return (1 if found is not None else 0), None

    with step("socialmap: measure 3, queries.neighbourhood_ref_at on SpatiaLite (the lookup)"):
        RESULTS["3"].append(
            timed_loop(
                "socialmap neighbourhood_ref_at",
                queries["3"],
                three_ref,
                args.warmup,
                args.budget,
                after=db.session.remove,
            )
        )

    def three(q):
        found = catalogue_queries.neighbourhood_at(db.session, q["lon"], q["lat"])
        return (1 if found is not None else 0), None

    with step("socialmap: measure 3 (for information), queries.neighbourhood_at: the lookup + the ORM object"):
        timing = timed_loop(
            "socialmap neighbourhood_at", queries["3"], three, args.warmup, args.budget, after=db.session.remove
        )
        RESULTS["3"].append(timing)
        wrong = check_lookups(db, queries["3"], catalogue_queries.neighbourhood_at)
        if wrong:
            NOTES.append(f"measure 3: neighbourhood_at returned another buurt than the point's for {wrong} points")

    def three_place(q):
        place = places.place_at(db.session, q["lon"], q["lat"])
        return (1 if place.neighbourhood_code else 0), None

    with step("socialmap: measure 3 (for information), places.place_at on SpatiaLite"):
        RESULTS["3"].append(
            timed_loop(
                "socialmap place_at", queries["3"], three_place, args.warmup, args.budget, after=db.session.remove
            )
        )
    PLANS.append(
        (
            "socialmap measure 3: neighbourhood_at on SpatiaLite (its SQL and EXPLAIN QUERY PLAN)",
            neighbourhood_code_path(db, queries["3"][0]),
        )
    )


def check_lookups(db, items, fn) -> int:
    wrong = 0
    for q in items[:50]:
        found = fn(db.session, q["lon"], q["lat"])
        if found is None or found.id != q["buurt"]:
            wrong += 1
    db.session.remove()
    return wrong


def neighbourhood_code_path(db, q) -> str:
    """The SQL neighbourhood_at sends, with SpatiaLite's query plan for each statement."""
    from sqlalchemy import event

    from socialmap.catalogue import queries as catalogue_queries

    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        db.session.remove()
        catalogue_queries.neighbourhood_at(db.session, q["lon"], q["lat"])
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    lines = []
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for statement, parameters in captured:
            lines.append("SQL: " + " ".join(statement.split()))
            lines.append(f"parameters: {parameters}")
            try:
                plan = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
                lines += ["  plan: " + " ".join(str(c) for c in row[1:]) for row in plan]
            except Exception as exc:
                lines.append(f"  (no plan: {exc})")
    db.session.remove()
    return "\n".join(lines)


# --- plain Whoosh -----------------------------------------------------------------------


def build_plain(session, db):
    from whoosh import index as whoosh_index

    from socialmap.search.documents import build_documents
    from socialmap.search.index import make_schema, to_whoosh

    with step("plain Whoosh: measure 4, build_documents + ONE index (2 writer processes, limitmb=256)"):
        started = time.perf_counter()
        docs = build_documents(session)
        docs_s = time.perf_counter() - started
        db.session.remove()
        shutil.rmtree(PLAIN_INDEX_DIR, ignore_errors=True)
        PLAIN_INDEX_DIR.mkdir(parents=True)
        schema = make_schema()
        ix = whoosh_index.create_in(str(PLAIN_INDEX_DIR), schema)
        # Two processes like the product's reindex; each writes one segment (merging them
        # into one afterwards took longer than the whole write: 307 s instead of ~130 s).
        writer = ix.writer(procs=2, limitmb=256, multisegment=True)
        for doc in docs:
            writer.add_document(**to_whoosh(doc))
        writer.commit()
        seconds = time.perf_counter() - started
    RESULTS["4"].append(
        Build(
            "plain Whoosh",
            seconds,
            f"build_documents {docs_s:.1f} s + one index {seconds - docs_s:.1f} s ({len(docs):,} documents)",
        )
    )
    return ix, schema


def run_plain_whoosh(session, db, queries, args) -> None:
    from whoosh import index as whoosh_index
    from whoosh.fields import TEXT
    from whoosh.query import Or, Term

    from socialmap.geo import haversine_m
    from socialmap.search import places
    from socialmap.search.analysis import terms
    from socialmap.search.index import make_schema
    from socialmap.search.needs import matcher_for

    if args.no_build and whoosh_index.exists_in(str(PLAIN_INDEX_DIR)):
        schema = make_schema()
        ix = whoosh_index.open_dir(str(PLAIN_INDEX_DIR), schema=schema)
    else:
        ix, schema = build_plain(session, db)

    searcher = ix.searcher()
    text_fields = [name for name, f in schema.items() if isinstance(f, TEXT)]
    nl_fields = [f for f in text_fields if not f.endswith("_en")]
    en_fields = [f for f in text_fields if f.endswith("_en")]
    matcher = matcher_for(session)
    db.session.remove()

    def plain_query(text: str):
        parts = [Term(f, t) for t in set(terms(text, "nl")) for f in nl_fields]
        parts += [Term(f, t) for t in set(terms(text, "en")) for f in en_fields]
        parts += [Term("needs", code) for code in matcher.interpret(text).needs]
        return Or(parts)

    def one(q):
        codes = q["place"].serving_codes
        results = searcher.search(plain_query(q["text"]), filter=Or([Term("serves", c) for c in codes]), limit=TOP)
        hits = [hit.fields() for hit in results]
        return len(hits), results.estimated_length()

    with step("plain Whoosh: measure 1, OR query + filter on the buurt's served-area codes, top 20"):
        RESULTS["1"].append(timed_loop("plain Whoosh", queries["1"], one, args.warmup, args.budget))

    def two(q):
        # No spatial index in Whoosh: rank every text match, keep (in score order) those
        # serving the place or with a location within 5 km, until 20 are found.
        place = places.resolve(db.session, q["postcode"])
        codes = set(place.serving_codes) if place else set()
        results = searcher.search(plain_query(q["text"]), limit=None)
        kept = []
        for hit in results:
            fields = hit.fields()
            if codes.intersection(fields["serves"].split()) or any(
                haversine_m(q["lon"], q["lat"], loc[0], loc[1]) <= RADIUS_M for loc in fields["locations"]
            ):
                kept.append(fields)
                if len(kept) == TOP:
                    break
        return len(kept), len(results)

    with step("plain Whoosh: measure 2, resolve(postcode) + OR query, filtered by serves/5 km on stored fields"):
        RESULTS["2"].append(
            timed_loop("plain Whoosh", queries["2"], two, args.warmup, args.budget, after=db.session.remove)
        )
    searcher.close()


# --- PostgreSQL --------------------------------------------------------------------------

# The search document: the service's own texts (Dutch with the 'dutch' configuration, English
# with 'english'), weighted A name / B summary / C description and organisation, and the codes
# of its needs (with their parents) and kinds. People's words for needs and kinds ("geldzorgen",
# "money worries") are matched on the query side against the taxonomy's labels and synonyms
# (bench_term, 110 rows), as the product does -- indexing the synonyms into every document
# made the tsvectors ten times larger (3 kB, toasted) and the queries slow.
PG_BUILD = [
    """CREATE TABLE bench_term AS
       SELECT nt.code AS key,
              to_tsvector('dutch', nt.label || ' ' || coalesce((
                  SELECT string_agg(w, ' ') FROM json_array_elements_text(nt.synonyms -> 'nl') w), ''))
           || to_tsvector('english', coalesce(nt.translations -> 'en' ->> 'label', '') || ' ' || coalesce((
                  SELECT string_agg(w, ' ') FROM json_array_elements_text(nt.synonyms -> 'en') w), '')) AS tsv
       FROM need_term nt
       UNION ALL
       SELECT 'kind:' || code, to_tsvector('dutch', nl) || to_tsvector('english', en) FROM bench_kind""",
    """CREATE TABLE bench_search AS
       SELECT s.id AS service_id,
              setweight(to_tsvector('dutch', s.name), 'A')
           || setweight(to_tsvector('dutch', coalesce(s.summary, '')), 'B')
           || setweight(to_tsvector('dutch', coalesce(s.description, '') || ' ' || o.name), 'C')
           || setweight(to_tsvector('english', coalesce(s.translations -> 'en' ->> 'name', '')), 'A')
           || setweight(to_tsvector('english', coalesce(s.translations -> 'en' ->> 'summary', '')), 'B')
           || setweight(to_tsvector('english', coalesce(s.translations -> 'en' ->> 'description', '')), 'C')
              AS tsv,
              ARRAY(SELECT nt.code FROM service_need sn
                    JOIN need_term d ON d.id = sn.need_id
                    JOIN need_term nt ON nt.id = d.id OR nt.id = d.parent_id
                    WHERE sn.service_id = s.id
                    UNION
                    SELECT 'kind:' || f.code FROM service_facet f
                    WHERE f.service_id = s.id AND f.facet = 'kind')::text[] AS terms,
              ARRAY(SELECT sa.area_id FROM service_area sa WHERE sa.service_id = s.id) AS areas
       FROM service s JOIN organisation o ON o.id = s.organisation_id
       WHERE s.status <> 'ended'""",
    "ALTER TABLE bench_search ADD PRIMARY KEY (service_id)",
    "CREATE INDEX bench_search_tsv ON bench_search USING gin (tsv)",
    "CREATE INDEX bench_search_terms ON bench_search USING gin (terms)",
    "CREATE INDEX bench_search_areas ON bench_search USING gin (areas)",
    "ANALYZE bench_search",
    "ANALYZE bench_term",
]

# The words as a tsquery, and the need and kind codes they name.
PG_WORDS = """(SELECT x.q, ARRAY(SELECT key FROM bench_term WHERE tsv @@ x.q)::text[] AS terms
      FROM (SELECT websearch_to_tsquery('dutch', %(q)s) || websearch_to_tsquery('english', %(q)s) AS q) x) t"""
PG_MATCH = "(b.tsv @@ t.q OR b.terms && t.terms)"
PG_RANK = "ts_rank(b.tsv, t.q) + 0.5 * (b.terms && t.terms)::int"

PG_Q1 = f"""
SELECT s.id, s.name, {PG_RANK} AS rank
FROM {PG_WORDS},
     bench_search b JOIN service s ON s.id = b.service_id
WHERE {PG_MATCH}
  AND b.service_id IN (SELECT sa.service_id FROM service_area sa WHERE sa.area_id = ANY(%(areas)s))
ORDER BY rank DESC, s.id
LIMIT {TOP}
"""

# A variant beyond the brief: the served areas copied into the search row (an int[] with a GIN
# index), so PostgreSQL can AND the text bitmap with the served-area bitmap instead of joining.
PG_Q1_DENORMALISED = f"""
SELECT s.id, s.name, {PG_RANK} AS rank
FROM {PG_WORDS},
     bench_search b JOIN service s ON s.id = b.service_id
WHERE {PG_MATCH}
  AND b.areas && %(areas)s::int[]
ORDER BY rank DESC, s.id
LIMIT {TOP}
"""

PG_Q2 = f"""
WITH near AS (
    SELECT sl.service_id, min(ST_Distance(l.geom::geography, pt.g, false)) AS metres
    FROM (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS g) pt,
         location l JOIN service_location sl ON sl.location_id = l.id
    WHERE ST_DWithin(l.geom::geography, pt.g, {RADIUS_M})
    GROUP BY sl.service_id)
SELECT s.id, s.name, near.metres, {PG_RANK} AS rank
FROM {PG_WORDS},
     near JOIN bench_search b ON b.service_id = near.service_id JOIN service s ON s.id = near.service_id
WHERE {PG_MATCH}
ORDER BY rank DESC, near.metres
LIMIT {TOP}
"""

# A variant beyond the brief, asking what the product answers: text matches that serve the
# postcode's buurt (found by ST_Contains, then its ancestors) OR have a location within 5 km.
PG_Q2_PRODUCT = f"""
WITH RECURSIVE up(id, parent_id) AS (
    SELECT a.id, a.parent_id FROM area_unit a
    WHERE a.level = 'neighbourhood'
      AND ST_Contains(a.geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
    UNION ALL
    SELECT a.id, a.parent_id FROM area_unit a JOIN up ON a.id = up.parent_id),
near AS (
    SELECT sl.service_id, min(ST_Distance(l.geom::geography, pt.g, false)) AS metres
    FROM (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS g) pt,
         location l JOIN service_location sl ON sl.location_id = l.id
    WHERE ST_DWithin(l.geom::geography, pt.g, {RADIUS_M})
    GROUP BY sl.service_id),
found AS (
    SELECT b.service_id, NULL::float8 AS metres FROM {PG_WORDS}, bench_search b
    WHERE {PG_MATCH} AND b.areas && ARRAY(SELECT id FROM up)
    UNION ALL
    SELECT b.service_id, near.metres FROM {PG_WORDS}, near JOIN bench_search b ON b.service_id = near.service_id
    WHERE {PG_MATCH}),
best AS (SELECT service_id, min(metres) AS metres FROM found GROUP BY service_id)
SELECT s.id, s.name, best.metres, {PG_RANK} AS rank
FROM {PG_WORDS},
     best JOIN bench_search b ON b.service_id = best.service_id JOIN service s ON s.id = best.service_id
ORDER BY rank DESC, best.metres NULLS LAST
LIMIT {TOP}
"""

PG_Q3 = """
SELECT id, code FROM area_unit
WHERE level = 'neighbourhood' AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
LIMIT 1
"""


def run_postgres(queries, args) -> None:
    kinds = yaml.safe_load(KINDS_FILE.read_text(encoding="utf-8"))["service_kinds"]
    with pg_connect(autocommit=True) as conn:
        conn.execute("SET jit = off")  # JIT compiles for seconds-long queries; these take milliseconds
        built = conn.execute(
            "SELECT to_regclass('bench_search') IS NOT NULL AND to_regclass('bench_location_geog') IS NOT NULL"
        ).fetchone()[0]
        if not (args.no_build and built):
            with step("PostgreSQL: measure 4, tsvector ('dutch' + 'english') + GIN indexes"):
                for table in ("bench_search", "bench_term", "bench_kind"):
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                conn.execute("DROP INDEX IF EXISTS bench_location_geog")
                conn.execute("CREATE TABLE bench_kind (code text PRIMARY KEY, nl text, en text)")
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO bench_kind VALUES (%s, %s, %s)",
                        [
                            (
                                k["code"],
                                " ".join([k["label"].get("nl", "")] + (k.get("synonyms") or {}).get("nl", [])),
                                " ".join([k["label"].get("en", "")] + (k.get("synonyms") or {}).get("en", [])),
                            )
                            for k in kinds
                        ],
                    )
                started = time.perf_counter()
                for sql in PG_BUILD:
                    conn.execute(sql)
                seconds = time.perf_counter() - started
                started = time.perf_counter()
                conn.execute("CREATE INDEX bench_location_geog ON location USING gist ((geom::geography))")
                conn.execute("ANALYZE location")
                geog_s = time.perf_counter() - started
            count = conn.execute("SELECT count(*) FROM bench_search").fetchone()[0]
            RESULTS["4"].append(
                Build(
                    "PostgreSQL",
                    seconds,
                    f"tsvector + codes (+ areas) table, 3 GIN indexes, {count:,} services "
                    f"(the geography GiST index on location: another {geog_s:.1f} s)",
                )
            )

        def explain(title, sql, params):
            rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()
            PLANS.append((title, "\n".join(r[0] for r in rows)))

        p1 = {"q": queries["1"][args.warmup]["text"], "areas": queries["1"][args.warmup]["areas"]}
        p2 = {k: queries["2"][args.warmup][k] for k in ("lon", "lat")} | {"q": queries["2"][args.warmup]["text"]}
        p3 = {k: queries["3"][args.warmup][k] for k in ("lon", "lat")}
        explain(f"PostgreSQL measure 1 (q={p1['q']!r}, areas={p1['areas']})", PG_Q1, p1)
        explain("PostgreSQL measure 1, variant with the served areas in the search row", PG_Q1_DENORMALISED, p1)
        explain(f"PostgreSQL measure 2 (q={p2['q']!r}, {p2['lon']:.5f} {p2['lat']:.5f})", PG_Q2, p2)
        explain("PostgreSQL measure 2, variant: serves the postcode's buurt or within 5 km", PG_Q2_PRODUCT, p2)
        explain(f"PostgreSQL measure 3 ({p3['lon']:.5f} {p3['lat']:.5f})", PG_Q3, p3)

        def runner(sql, params_of):
            def run(q):
                rows = conn.execute(sql, params_of(q), prepare=True).fetchall()
                return len(rows), None

            return run

        with step("PostgreSQL: measure 1, FTS + service_area join on the buurt's ancestors"):
            RESULTS["1"].append(
                timed_loop(
                    "PostgreSQL",
                    queries["1"],
                    runner(PG_Q1, lambda q: {"q": q["text"], "areas": q["areas"]}),
                    args.warmup,
                    args.budget,
                )
            )
        with step("PostgreSQL: measure 1 (variant), FTS + served areas as an indexed array in the search row"):
            RESULTS["1"].append(
                timed_loop(
                    "PostgreSQL, areas in row",
                    queries["1"],
                    runner(PG_Q1_DENORMALISED, lambda q: {"q": q["text"], "areas": q["areas"]}),
                    args.warmup,
                    args.budget,
                )
            )
        with step("PostgreSQL: measure 2, FTS + ST_DWithin(geography, 5 km)"):
            RESULTS["2"].append(
                timed_loop(
                    "PostgreSQL",
                    queries["2"],
                    runner(PG_Q2, lambda q: {"q": q["text"], "lon": q["lon"], "lat": q["lat"]}),
                    args.warmup,
                    args.budget,
                )
            )
        with step("PostgreSQL: measure 2 (variant), FTS + (serves the postcode's buurt OR within 5 km)"):
            RESULTS["2"].append(
                timed_loop(
                    "PostgreSQL, serves or 5 km",
                    queries["2"],
                    runner(PG_Q2_PRODUCT, lambda q: {"q": q["text"], "lon": q["lon"], "lat": q["lat"]}),
                    args.warmup,
                    args.budget,
                )
            )
        with step("PostgreSQL: measure 3, ST_Contains on area_unit (GiST)"):
            RESULTS["3"].append(
                timed_loop(
                    "PostgreSQL",
                    queries["3"],
                    runner(PG_Q3, lambda q: {"lon": q["lon"], "lat": q["lat"]}),
                    args.warmup,
                    args.budget,
                )
            )
        # How large the served-area candidate sets are (the point of the remark).
        sizes = [
            conn.execute(
                "SELECT count(DISTINCT sa.service_id) FROM service_area sa "
                "JOIN service s ON s.id = sa.service_id "
                "WHERE sa.area_id = ANY(%(a)s) AND s.status <> 'ended'",
                {"a": q["areas"]},
                prepare=True,
            ).fetchone()[0]
            for q in queries["1"][args.warmup : args.warmup + 100]
        ]
        NOTES.append(
            f"services serving a measured buurt (its buurt, wijk, municipality, region or NL): "
            f"median {statistics.median(sizes):,.0f}, min {min(sizes):,}, max {max(sizes):,} "
            f"({len(sizes)} buurten of measure 1)"
        )


# --- report --------------------------------------------------------------------------------


def report(args, generated: dict, started: float) -> None:
    out = []
    w = out.append
    for title, plan in PLANS:
        w("")
        w(f"--- {title}")
        w(plan)
    counts = generated.get("counts", {})
    areas = counts.get("areas", {})
    w("")
    w("=" * 100)
    load = f"{min(LOAD):.1f}..{max(LOAD):.1f}" if LOAD else "-"
    w(
        f"socialmap search benchmark -- {time.strftime('%Y-%m-%d %H:%M')} -- {os.cpu_count()} cores; "
        f"1-minute load average after each query measure {load} (the queries add about 1; more means other "
        f"work on the machine)"
    )
    w(
        f"catalogue: {counts.get('service', 0):,} services ({generated['params']['live_services']:,} live), "
        f"{counts.get('organisation', 0):,} organisations, {counts.get('location', 0):,} locations; "
        f"{areas.get('neighbourhood', 0):,} buurten, {areas.get('district', 0):,} wijken, "
        f"{areas.get('municipality', 0)} municipalities, {areas.get('region', 0)} regions"
    )
    w("served-area mix: " + ", ".join(f"{k} {v:.0%}" for k, v in generated["params"]["level_mix"].items()))
    w(
        f"queries per measure: up to {args.n} after {args.warmup} warm-up; a measure stops early after "
        f"{args.budget:.0f} s (N shows how many ran); top {TOP}; times in ms"
    )
    w("=" * 100)
    w(f"{'measure':<34}{'system':<28}{'N':>5}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}{'rows':>7}{'matches':>9}")
    for m in ("1", "2", "3"):
        for i, t in enumerate(RESULTS[m]):
            label = f"{m}. {MEASURES[m]}" if i == 0 else ""
            mean = statistics.fmean(t.times_ms) if t.times_ms else None
            rows = f"{statistics.fmean(t.shown):.1f}" if t.shown else "-"
            matches = f"{statistics.fmean(t.matched):,.0f}" if t.matched else "-"
            n = f"{t.n}{'*' if t.stopped_by_budget else ''}"
            w(
                f"{label:<34}{t.system:<28}{n:>5}{fmt_ms(t.p50):>10}{fmt_ms(t.p95):>10}{fmt_ms(mean):>10}"
                f"{rows:>7}{matches:>9}"
            )
    for i, b in enumerate(RESULTS["4"]):
        label = f"4. {MEASURES['4']}" if i == 0 else ""
        w(f"{label:<34}{b.system:<28}{b.seconds:>9.1f} s   {b.detail}")
    if any(t.stopped_by_budget for m in ("1", "2", "3") for t in RESULTS[m]):
        w("* stopped by the time budget before all queries ran")

    w("")
    w("ratios: baseline time / socialmap time (above 1: socialmap is faster; below 1: the baseline wins)")
    w(f"{'measure':<34}{'baseline':<28}{'p50':>9}{'p95':>9}")
    ratios = {}
    for m in ("1", "2", "3"):
        ours = next((t for t in RESULTS[m] if t.system.startswith("socialmap")), None)
        first = True
        for other in RESULTS[m]:
            if other.system.startswith("socialmap"):
                continue
            cells = []
            for p in ("p50", "p95"):
                a, b = (getattr(ours, p) if ours else None), getattr(other, p)
                r = b / a if a and b else None
                ratios[(m, other.system, p)] = r
                cells.append("-" if r is None else f"{r:.2f}x")
            w(f"{(m + '. ' + MEASURES[m]) if first else '':<34}{other.system:<28}{cells[0]:>9}{cells[1]:>9}")
            first = False
    ours4 = next((b for b in RESULTS["4"] if b.system == "socialmap"), None)
    first = True
    for other in RESULTS["4"]:
        if other.system == "socialmap":
            continue
        r = other.seconds / ours4.seconds if ours4 else None
        ratios[("4", other.system)] = r
        w(f"{('4. ' + MEASURES['4']) if first else '':<34}{other.system:<28}{'-' if r is None else f'{r:.2f}x':>9}")
        first = False
    w("")
    w("targets of issue 3 (socialmap):")
    for m, (p, limit) in TARGETS.items():
        ours = next((t for t in RESULTS[m] if t.system.startswith("socialmap")), None)
        value = getattr(ours, p) if ours else None
        verdict = "-" if value is None else ("met" if value <= limit else "MISSED")
        line = f"  {m}. {MEASURES[m]}: {p} {fmt_ms(value)} ms, target <= {limit:g} ms: {verdict}"
        if m in ("1", "2"):
            r50, r95 = ratios.get((m, "plain Whoosh", "p50")), ratios.get((m, "plain Whoosh", "p95"))
            fast = "-" if r50 is None or r95 is None else ("met" if min(r50, r95) >= SPEEDUP_TARGET else "MISSED")
            line += f"; >= {SPEEDUP_TARGET:g}x faster than plain Whoosh (p50 and p95): {fast}"
        w(line)
    if ours4:
        w(
            f"  4. {MEASURES['4']}: {ours4.seconds:.1f} s, target <= {BUILD_TARGET_S:g} s: "
            f"{'met' if ours4.seconds <= BUILD_TARGET_S else 'MISSED'}"
        )
    w("  against PostgreSQL (p50 / p95):")
    for m in ("1", "2", "3"):
        parts = []
        for other in RESULTS[m]:
            if not other.system.startswith("PostgreSQL"):
                continue
            r50, r95 = ratios.get((m, other.system, "p50")), ratios.get((m, other.system, "p95"))
            parts.append(f"[{other.system}] {versus(r50)} / {versus(r95)}")
        w(f"    {m}. " + ("; ".join(parts) or "-"))
    for other in RESULTS["4"]:
        if other.system.startswith("PostgreSQL"):
            r = ratios.get(("4", other.system))
            w(f"    4. [{other.system}] {versus(r, 'builds')}")
    if NOTES:
        w("")
        w("notes:")
        for note in NOTES:
            w(f"  - {note}")
    w("")
    w("semantics: socialmap = the engine's answer (serves the place OR has a location within 5 km, its own ranking);")
    w("  'same again' = measure 1's queries once more, every shard they need already opened;")
    w(
        "  plain Whoosh 1 = text matches serving the buurt, top 20 by BM25F; 2 = text matches serving the "
        "postcode's buurt"
    )
    w(
        "  or located within 5 km (checked on stored fields in score order); PostgreSQL 1 = FTS matches serving "
        "the buurt"
    )
    w("  by ts_rank; 2 = FTS matches with a location within 5 km, by ts_rank then distance (the variant: serving the")
    w("  postcode's buurt or within 5 km, like socialmap); 3 = the buurt holding the point.")
    w(f"run time: {time.perf_counter() - started:.0f} s")
    print("\n".join(out), flush=True)


# --- main --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the search benchmark (after bench.generate).")
    parser.add_argument(
        "--n", type=int, default=int(os.environ.get("BENCH_N", 300)), help="queries per measure (after the warm-up)"
    )
    parser.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", 20)))
    parser.add_argument(
        "--budget",
        type=float,
        default=float(os.environ.get("BENCH_BUDGET", 60)),
        help="seconds per measure and system; a slower measure stops early",
    )
    parser.add_argument(
        "--no-build", action="store_true", help="reuse the indexes of the previous run (measure 4 is then not measured)"
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=int(os.environ.get("BENCH_TIMEOUT", 1200)),
        help="stop the whole run after this many seconds (prints what it has)",
    )
    parser.add_argument(
        "--no-postgres",
        action="store_true",
        help="socialmap and plain Whoosh only (after bench.generate --no-postgres)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        generated = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        print(
            "no generated catalogue: run `.venv/bin/python -m bench.generate` first (or `make bench`)", file=sys.stderr
        )
        return 2
    if not args.no_postgres and not generated.get("postgres", True):
        print(
            "the catalogue was generated without PostgreSQL (bench.generate --no-postgres): run with "
            "--no-postgres, or generate again without it",
            file=sys.stderr,
        )
        return 2

    def timeout(_signum, _frame):
        NOTES.append(f"the run was stopped after {args.timeout} s (--timeout); results are partial")
        report(args, generated, started)
        os._exit(3)

    signal.signal(signal.SIGALRM, timeout)
    signal.alarm(args.timeout)

    from socialmap.extensions import db

    app = make_app(sqlite_url())
    rnd = random.Random(SEED)
    with app.app_context():
        session = db.session
        areas = load_areas(session)
        db.session.remove()
        queries = make_queries(areas, args.n + args.warmup, rnd)
        say(f"{len(queries['words'])} query words: {', '.join(queries['words'])}")
        run_socialmap(session, db, queries, args)
        run_plain_whoosh(session, db, queries, args)
        db.session.remove()
        db.engine.dispose()
    if not args.no_postgres:
        run_postgres(queries, args)
    signal.alarm(0)
    report(args, generated, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
