"""A small run of the search benchmark (`make bench`), so it cannot rot unseen.

The same two commands as `make bench` (bench.generate, then bench.run) on a
catalogue of 3,000 services instead of 100,000 and a few queries per measure,
written to a temporary folder (never the shared .bench/ cache). SpatiaLite
always; PostgreSQL too when a server is configured (SOCIALMAP_TEST_POSTGRES_URL
or BENCH_POSTGRES_URL), in its own database. It checks that both commands
complete and print their figures; the timings themselves are not judged.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from sqlalchemy.engine import make_url

from socialmap.config import PROJECT_ROOT

SERVICES = 3000
QUERIES, WARMUP = 10, 2
PG_DATABASE = "socialmap_bench_smoke"  # not make bench's socialmap_bench
PG_URL = os.environ.get("SOCIALMAP_TEST_POSTGRES_URL") or os.environ.get("BENCH_POSTGRES_URL")

# A table row of measures 1-3: system, N, p50, p95, mean (ms).
ROW = r"\s+{system}\s+{n}\s+[\d.]+\s+[\d.]+\s+[\d.]+\s"


def _bench(module: str, args: list[str], env: dict) -> str:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", module, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{module} {' '.join(args)} exited with {done.returncode}:\n{output[-5000:]}"
    return done.stdout


def _drop_pg_database() -> None:
    import psycopg

    url = make_url(PG_URL)
    with psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


@pytest.mark.parametrize(
    "with_postgres", [False, pytest.param(True, marks=pytest.mark.postgis)], ids=["spatialite", "postgis"]
)
def test_bench_smoke(tmp_path, with_postgres):
    if with_postgres and not PG_URL:
        if os.environ.get("SOCIALMAP_REQUIRE_POSTGIS") == "1":
            pytest.fail("SOCIALMAP_REQUIRE_POSTGIS=1 but SOCIALMAP_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server (set SOCIALMAP_TEST_POSTGRES_URL or BENCH_POSTGRES_URL)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCH_")}
    env["BENCH_DIR"] = str(tmp_path / "bench")
    only_sqlite = []
    if with_postgres:
        env.update(BENCH_POSTGRES_URL=PG_URL, BENCH_PG_DATABASE=PG_DATABASE)
    else:
        only_sqlite = ["--no-postgres"]
    try:
        generated = _bench("bench.generate", ["--services", str(SERVICES), *only_sqlite], env)
        assert "generation took" in generated
        stamp = json.loads((tmp_path / "bench" / "generated.json").read_text())
        assert stamp["counts"]["service"] == SERVICES + SERVICES // 100
        assert stamp["counts"]["area_unit"] > 13_000  # the national areas, whatever the service count
        assert (tmp_path / "bench" / "socialmap_bench.sqlite").is_file()

        out = _bench(
            "bench.run",
            ["--n", str(QUERIES), "--warmup", str(WARMUP), "--budget", "60", "--timeout", "300", *only_sqlite],
            env,
        )
    finally:
        if with_postgres:
            _drop_pg_database()

    assert "socialmap search benchmark" in out
    assert f"catalogue: {SERVICES + SERVICES // 100:,} services ({SERVICES:,} live)" in out
    n = str(QUERIES)
    for system in ("socialmap", "socialmap, same again", "plain Whoosh"):
        assert re.search(ROW.format(system=re.escape(system), n=n), out), f"no measure 1 row for {system}:\n{out}"
    assert re.search(r"2\. text \+ postcode within 5 km" + ROW.format(system="socialmap", n=n), out), out
    assert re.search(r"3\. point -> neighbourhood" + ROW.format(system="socialmap neighbourhood_ref_at", n=n), out)
    assert re.search(
        r"4\. build the whole index\s+socialmap\s+[\d.]+ s\s+reindex\(processes=2\): "
        rf"{SERVICES:,} documents in \d+ shards",
        out,
    ), out
    assert re.search(
        rf"plain Whoosh\s+[\d.]+ s\s+build_documents [\d.]+ s \+ one index [\d.]+ s "
        rf"\({SERVICES:,} documents\)",
        out,
    ), out
    assert "ratios: baseline time / socialmap time" in out
    assert "targets of issue 3 (socialmap):" in out
    assert "results are partial" not in out  # the run's own --timeout did not cut it short
    if with_postgres:
        for system in ("PostgreSQL", "PostgreSQL, areas in row"):
            assert re.search(ROW.format(system=re.escape(system), n=n), out), f"no row for {system}:\n{out}"
        assert re.search(r"PostgreSQL\s+[\d.]+ s\s+tsvector", out), out
        assert "--- PostgreSQL measure 1" in out  # the query plans
    else:
        assert "PostgreSQL " not in out.split("semantics:")[0].split("ratios:")[0]
