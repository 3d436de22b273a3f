"""The Gouda relevance judgments (bench/relevance/gouda) are well-formed and
name only entries that exist in the GoudaWijzer catalogue.

The catalogue lives outside the repository (../shared/... relative to the
project root); the test is skipped where it is absent.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
JUDGMENTS = ROOT / "bench" / "relevance" / "gouda" / "judgments.yaml"
CATALOGUE_REL = "../shared/data/real-catalogues/gouda-wijzer/organisaties.csv"
CATALOGUE = ROOT / CATALOGUE_REL


@pytest.fixture(scope="module")
def judgments() -> dict:
    with JUDGMENTS.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    if not CATALOGUE.exists():
        pytest.skip(f"catalogue not present: {CATALOGUE_REL}")
    with CATALOGUE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_header(judgments):
    assert judgments["catalogue"] == CATALOGUE_REL
    assert str(judgments["judged_on"]) == "2026-12-02"
    assert set(judgments["scale"]) == {1, 2}


def test_queries_well_formed(judgments):
    queries = judgments["queries"]
    assert len(queries) >= 45
    ids = [q["id"] for q in queries]
    assert len(ids) == len(set(ids)), "query ids must be unique"
    texts = [q["text"].strip().lower() for q in queries]
    assert len(texts) == len(set(texts)), "query texts must be unique"
    for q in queries:
        assert q["text"].strip() and q["intent"].strip(), q["id"]
        if "place" in q:
            assert re.fullmatch(r"28\d\d", str(q["place"])), (q["id"], q["place"])
        grades = [r["grade"] for r in q["relevant"]]
        assert grades and set(grades) <= {1, 2}, q["id"]
        names = [r["name"] for r in q["relevant"]]
        assert len(names) == len(set(names)), f"{q['id']}: a name is judged twice"


def test_unanswerable_well_formed(judgments):
    unanswerable = judgments.get("unanswerable") or []
    assert len(unanswerable) <= 5
    answerable = {q["text"].strip().lower() for q in judgments["queries"]}
    for u in unanswerable:
        assert u["text"].strip() and u["why"].strip()
        assert u["text"].strip().lower() not in answerable


def test_every_judged_name_exists_in_catalogue(judgments, catalogue):
    names = {row["naam"] for row in catalogue}
    missing = sorted(
        {(q["id"], r["name"]) for q in judgments["queries"] for r in q["relevant"] if r["name"] not in names}
    )
    assert not missing, missing


def test_no_catalogue_text_copied(catalogue):
    """The descriptions belong to GoudaWijzer: none may appear in the judgments."""
    text = JUDGMENTS.read_text(encoding="utf-8")
    copied = [row["naam"] for row in catalogue if len(row["beschrijving"]) >= 60 and row["beschrijving"][:60] in text]
    assert not copied, copied
