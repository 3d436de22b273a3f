"""Page weight on the real server, as a browser with an empty cache sees it:
the budgets of issue 7 (results page <= 120 KB, service page <= 80 KB
transferred, map tiles excluded). Sizes, not timings: stable enough for CI."""

from __future__ import annotations

import pytest

from bench.page_weight import measure

pytestmark = pytest.mark.server

BUDGETS_KB = {
    "/zoeken?q=rouwgroep&where=1103": 120,
    "/zoeken?q=schulden": 120,
    "/dienst/c-amstelstroom-crisisdienst": 80,
    "/dienst/s-rk-rouwgroep-oost": 80,
}


@pytest.mark.parametrize("path, budget_kb", BUDGETS_KB.items())
def test_pages_stay_within_their_budget(live_server, browser, path, budget_kb):
    weight = measure(browser, live_server.url(path))
    assert weight.requests >= 3  # the page, its stylesheet and its map really loaded
    assert weight.transferred <= budget_kb * 1024, (
        f"{path}: {weight.transferred / 1024:.1f} KB > {budget_kb} KB: "
        + ", ".join(f"{u.rsplit('/', 1)[-1]} {s / 1024:.1f}" for u, s in sorted(weight.urls, key=lambda x: -x[1])[:6])
    )
    # Everything but images came compressed.
    assert weight.decoded > weight.transferred * 2
