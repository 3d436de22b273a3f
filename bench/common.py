"""Paths, database URLs and small helpers shared by bench.generate and bench.run."""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from socialmap.cli import DEMO_BUURTEN, DEMO_CATALOGUE, MUNICIPALITIES
from socialmap.cli import NEEDS_FILE as NEEDS
from socialmap.config import DATA_DIR, PROJECT_ROOT

# Where a run writes: .bench/ (gitignored) and the database socialmap_bench, unless
# BENCH_DIR / BENCH_PG_DATABASE say otherwise (the test suite's smoke run uses its own).
BENCH_DIR = Path(os.environ.get("BENCH_DIR") or PROJECT_ROOT / ".bench").absolute()
SQLITE_PATH = BENCH_DIR / "socialmap_bench.sqlite"
STAMP = BENCH_DIR / "generated.json"
INSTANCE_DIR = BENCH_DIR / "instance"
PRODUCT_INDEX_DIR = BENCH_DIR / "index-socialmap"  # the product's sharded index
PLAIN_INDEX_DIR = BENCH_DIR / "index-plain"  # the one-index Whoosh baseline

# The demo region's input files, as the product names them.
MUNICIPALITIES_FILE, AMSTERDAM_BUURTEN_FILE, CATALOGUE_DIR, NEEDS_FILE = (
    MUNICIPALITIES,
    DEMO_BUURTEN,
    DEMO_CATALOGUE,
    NEEDS,
)
KINDS_FILE = DATA_DIR / "taxonomy" / "service_kinds.yaml"
PC4_FILE = DATA_DIR / "postcodes" / "pc4_centroids.csv"

PG_DATABASE = os.environ.get("BENCH_PG_DATABASE") or "socialmap_bench"
if not re.fullmatch(r"[a-z_][a-z0-9_]*", PG_DATABASE):  # it goes into CREATE/DROP DATABASE as is
    raise SystemExit(f"BENCH_PG_DATABASE: not a plain database name: {PG_DATABASE!r}")
DEFAULT_PG_URL = "postgresql://socialmap:socialmap@127.0.0.1:5432/socialmap_test"


def sqlite_url() -> str:
    return f"sqlite:///{SQLITE_PATH}"


def pg_url(database: str = PG_DATABASE) -> str:
    """The server from BENCH_POSTGRES_URL (or SOCIALMAP_TEST_POSTGRES_URL), with our database name."""
    base = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("SOCIALMAP_TEST_POSTGRES_URL") or DEFAULT_PG_URL
    return make_url(base).set(database=database).render_as_string(hide_password=False)


def pg_connect(database: str = PG_DATABASE, **kwargs):
    import psycopg

    url = make_url(pg_url(database))
    return psycopg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, dbname=url.database, **kwargs
    )


def pg_admin(sql: str) -> None:
    """Run one statement on the ``postgres`` maintenance database (CREATE/DROP DATABASE)."""
    with pg_connect("postgres", autocommit=True) as conn:
        conn.execute(sql)


def pg_database_exists(database: str = PG_DATABASE) -> bool:
    with pg_connect("postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is not None


def make_app(url: str):
    """The product's app on ``url`` with the bench's instance and index directories."""
    import logging

    from socialmap import create_app

    # create_app warns that the search index is missing or stale: expected here (the
    # generator writes the database behind its back; the runner rebuilds the index).
    logging.getLogger("socialmap").setLevel(logging.ERROR)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_DIR": str(INSTANCE_DIR),
            "SEARCH_INDEX_DIR": str(PRODUCT_INDEX_DIR),
            "SECRET_KEY": "bench",
        }
    )


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


@contextmanager
def step(message: str):
    started = time.perf_counter()
    say(message + " ...")
    yield
    say(f"{message}: done in {time.perf_counter() - started:.1f} s")
