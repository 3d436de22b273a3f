"""Page weight on the real server, as a browser with an empty cache sees it:
the budgets of issue 7 (results page <= 120 KB, service page <= 80 KB
transferred, map tiles excluded). Sizes, not timings: stable enough for CI."""
from __future__ import annotations

import os

import pytest

from bench.page_weight import CHROMIUM, FLAGS, measure

pytestmark = [pytest.mark.server, pytest.mark.browser]

BUDGETS_KB = {
    "/zoeken?q=rouwgroep&where=1103": 120,
    "/zoeken?q=schulden": 120,
    "/dienst/c-amstelstroom-crisisdienst": 80,
    "/dienst/s-rk-rouwgroep-oost": 80,
}


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("path, budget_kb", BUDGETS_KB.items())
def test_pages_stay_within_their_budget(real_server, chromium, path, budget_kb):
    weight = measure(chromium, real_server.url(path))
    assert weight.requests >= 3  # the page, its stylesheet and its map really loaded
    assert weight.transferred <= budget_kb * 1024, (
        f"{path}: {weight.transferred / 1024:.1f} KB > {budget_kb} KB: "
        + ", ".join(f"{u.rsplit('/', 1)[-1]} {s / 1024:.1f}" for u, s in sorted(weight.urls, key=lambda x: -x[1])[:6]))
    # Everything but images came compressed.
    assert weight.decoded > weight.transferred * 2
