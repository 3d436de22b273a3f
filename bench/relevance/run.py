"""Relevance on a real catalogue written by others: Gouda's social map.

    .venv/bin/python -m bench.relevance.run [--json OUT] [-v]      (make relevance)

1. A fresh SpatiaLite database in a temporary folder, made by the migrations.
2. The catalogue loaded through the product's own commands: the needs
   taxonomy, the municipality of Gouda (GM0513, no buurt geometry here), and
   ``../shared/data/real-catalogues/gouda-wijzer/organisaties.csv`` with
   ``catalogue import-csv`` (every organisation one untagged service serving
   GM0513); then ``search reindex``.
3. Every query of ``bench/relevance/gouda/judgments.yaml`` (judged from the
   texts before any run; see its README) through the same parameter parsing
   as the results page, and the measures:

   * P@5      share of the first 5 results judged relevant (grade >= 1); the
              judgments allow at most min(5, number judged relevant) / 5, printed
              as "allowed";
   * nDCG@10  graded gain (2^grade - 1), log2 discount;
   * success@5  a grade-2 ("obviously right") entry in the first 5, over the
              queries that have one (rule 6 of the judgments' README: where the
              catalogue has no obvious answer only grade 1 is used, and such a
              query could never succeed); the share over all queries is printed
              too, as it was measured before 2026-12-03;
   * empty    the query found nothing.

Results are matched to judgments by the organisation's name (``naam``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
JUDGMENTS = Path(__file__).resolve().parent / "gouda" / "judgments.yaml"
SHARED = ROOT.parent / "shared" / "data"
CATALOGUE = SHARED / "real-catalogues" / "gouda-wijzer" / "organisaties.csv"
MUNICIPALITIES = SHARED / "nl-boundaries" / "gemeenten_2023_simplified_wgs84.geojson"
GOUDA = "GM0513"


@dataclass
class QueryResult:
    id: str
    text: str
    place: str | None
    found: int
    top: list[str]
    p5: float
    p5_allowed: float
    ndcg10: float
    success5: bool
    obvious: bool  # the judgments name an obviously right (grade 2) entry


def load_judgments(path: Path = JUDGMENTS) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]


def make_app(folder: Path):
    from socialmap import create_app

    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'gouda.sqlite'}",
            "INSTANCE_DIR": str(folder),
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "SEARCH_WARM_AT_START": False,
            "SECRET_KEY": "relevance-bench",
            "TESTING": True,
        }
    )


def _cli(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"`flask {' '.join(args)}` failed ({result.exit_code}):\n{result.output}")
    return result.output


def load(app) -> str:
    """Database, taxonomy, Gouda and its catalogue, index: the product's own commands."""
    out = [
        _cli(app, "db", "upgrade"),
        _cli(app, "catalogue", "load-needs"),
        _cli(app, "areas", "import-municipalities", str(MUNICIPALITIES), "--codes", GOUDA),
        _cli(app, "catalogue", "import-csv", str(CATALOGUE), "--serves", GOUDA),
        _cli(app, "search", "reindex"),
    ]
    return "".join(out)


def dcg(gains: list[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def measure(names: list[str], grades: dict[str, int]) -> tuple[float, float, bool]:
    """(P@5, nDCG@10, success@5) of a ranked list of names against graded judgments."""
    top5 = names[:5]
    p5 = sum(1 for n in top5 if grades.get(n, 0) >= 1) / 5
    gains = [2 ** grades.get(n, 0) - 1 for n in names[:10]]
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:10]
    ndcg = dcg(gains) / dcg(ideal) if ideal and dcg(ideal) > 0 else 0.0
    success = any(grades.get(n, 0) == 2 for n in top5)
    return p5, ndcg, success


def run_queries(app, queries: list[dict]) -> list[QueryResult]:
    from werkzeug.datastructures import MultiDict

    from socialmap.extensions import db
    from socialmap.search.engine import search
    from socialmap.search.indexer import current_index
    from socialmap.search.params import parse

    results = []
    with app.test_request_context():
        for q in queries:
            args = MultiDict(
                {"q": q["text"], **({"where": str(q["place"])} if q.get("place") else {}), "per_page": "10"}
            )
            parsed = parse(args, db.session, "nl")
            response = search(db.session, current_index(), parsed.request)
            names = [h.name for h in response.hits]
            grades: dict[str, int] = {}
            for entry in q["relevant"]:
                grades[entry["name"]] = max(grades.get(entry["name"], 0), int(entry["grade"]))
            p5, ndcg, success = measure(names, grades)
            allowed = min(5, sum(1 for g in grades.values() if g >= 1)) / 5
            results.append(
                QueryResult(
                    q["id"],
                    q["text"],
                    q.get("place"),
                    response.total,
                    names[:5],
                    round(p5, 3),
                    allowed,
                    round(ndcg, 3),
                    success,
                    any(g == 2 for g in grades.values()),
                )
            )
            db.session.remove()
    return results


def summary(results: list[QueryResult]) -> dict:
    n = len(results)
    return {
        "queries": n,
        "P@5": round(sum(r.p5 for r in results) / n, 3),
        "P@5 allowed": round(sum(r.p5_allowed for r in results) / n, 3),
        "nDCG@10": round(sum(r.ndcg10 for r in results) / n, 3),
        "success@5": round(sum(r.success5 for r in results) / max(1, sum(r.obvious for r in results)), 3),
        "with an obvious answer": sum(r.obvious for r in results),
        "success@5 over all queries": round(sum(r.success5 for r in results) / n, 3),
        "empty": round(sum(r.found == 0 for r in results) / n, 3),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="write every query's result here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every query")
    ap.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the database and index in DIR (made if missing) to look at them afterwards",
    )
    args = ap.parse_args()
    if not CATALOGUE.exists():
        print(f"missing {CATALOGUE.relative_to(ROOT.parent)}", file=sys.stderr)
        return 2
    started = time.monotonic()
    if args.keep:
        if args.keep.exists() and any(args.keep.iterdir()):
            print(f"{args.keep} is not empty: give a new or empty folder", file=sys.stderr)
            return 2
        args.keep.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.nullcontext(str(args.keep))
        if args.keep
        else tempfile.TemporaryDirectory(prefix="socialmap-relevance-")
    ) as tmp:
        app = make_app(Path(tmp))
        load(app)
        loaded = time.monotonic()
        results = run_queries(app, load_judgments())
    totals = summary(results)
    if args.verbose:
        for r in results:
            mark = "ok " if r.success5 else "-- " if r.obvious else ".. "
            print(
                f"{mark}{r.id} {r.text!r}{' @' + str(r.place) if r.place else ''}: P@5 {r.p5:.2f} "
                f"nDCG@10 {r.ndcg10:.2f} found {r.found}; top: {' | '.join(r.top)}"
            )
    print(
        f"Gouda ({totals['queries']} judged queries): P@5 {totals['P@5']:.3f} "
        f"(the judgments allow {totals['P@5 allowed']:.3f})  nDCG@10 {totals['nDCG@10']:.3f}  "
        f"success@5 {totals['success@5']:.1%} (of {totals['with an obvious answer']} with an obvious answer; "
        f"{totals['success@5 over all queries']:.1%} of all)  empty {totals['empty']:.1%}  "
        f"(load {loaded - started:.1f} s, queries {time.monotonic() - loaded:.1f} s)"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"summary": totals, "queries": [asdict(r) for r in results]}, indent=1, ensure_ascii=False)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
