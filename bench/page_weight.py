"""Page weight: requests and bytes transferred (compressed, headers included)
for the public pages, in headless Chromium with an empty cache, map tiles
excluded. Prints a table and checks the budgets of issue 7.

    .venv/bin/python -m bench.page_weight [--base http://127.0.0.1:5000]

Without ``--base`` it starts the real server (``make run``) on a free port
with its own demo instance, as the tests do.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
TILE_MARKERS = ("/kaart/leeg/", "tile.openstreetmap.org")

# (name, path, budget in KB transferred, tiles excluded)
PAGES = [
    ("results", "/zoeken?q=rouwgroep&where=1103", 120),
    ("results (debt, wide)", "/zoeken?q=schulden", 120),
    ("service", "/dienst/c-amstelstroom-crisisdienst", 80),
    ("service (one address)", "/dienst/{first_service}", 80),
    ("neighbourhood", "/buurt/BU0363NL01", None),
    ("home", "/", None),
    ("route finder", "/verwijzen", None),
]


@dataclass
class Weight:
    requests: int
    transferred: int  # bytes on the wire, headers included
    decoded: int  # bytes after decompression
    urls: list[tuple[str, int]]


def measure(browser, url: str, width: int = 1280) -> Weight:
    """Load ``url`` in a fresh context (empty cache) and add up what came over the network."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, tuple[int, int]] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on(
        "Network.dataReceived",
        lambda e: sizes.__setitem__(
            e["requestId"],
            (sizes.get(e["requestId"], (0, 0))[0], sizes.get(e["requestId"], (0, 0))[1] + e["dataLength"]),
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(
            e["requestId"], (int(e["encodedDataLength"]), sizes.get(e["requestId"], (0, 0))[1])
        ),
    )
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    context.close()
    counted = [
        (urls[rid], size)
        for rid, size in sizes.items()
        if rid in urls and not any(m in urls[rid] for m in TILE_MARKERS) and not urls[rid].startswith("data:")
    ]
    return Weight(
        len(counted), sum(s[0] for _u, s in counted), sum(s[1] for _u, s in counted), [(u, s[0]) for u, s in counted]
    )


def first_service_with_one_address(base: str) -> str:
    import json
    import urllib.request

    with urllib.request.urlopen(base + "/api/v1/search?q=rouwgroep&where=1103") as response:
        results = json.loads(response.read())["results"]
    return next((r["key"] for r in results if len(r.get("locations") or []) == 1), results[0]["key"])


def run(base: str, verbose: bool = False) -> list[tuple[str, Weight, int | None]]:
    from playwright.sync_api import sync_playwright

    rows = []
    first = first_service_with_one_address(base)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name, path, budget in PAGES:
            weight = measure(browser, base + path.format(first_service=first))
            rows.append((name, weight, budget))
            if verbose:
                for u, size in sorted(weight.urls, key=lambda x: -x[1]):
                    print(f"    {size / 1024:7.1f} KB  {u.replace(base, '')[:90]}")
        browser.close()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", help="a running server (default: start `make run` on a free port)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every request")
    args = ap.parse_args()
    server = None
    if args.base:
        base = args.base.rstrip("/")
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.real_server import start

        server = start(Path(tempfile.mkdtemp(prefix="socialmap-weight-")))
        base = server.base
    try:
        rows = run(base, args.verbose)
    finally:
        if server is not None:
            server.stop()
    over = 0
    print(f"{'page':24} {'requests':>8} {'transferred':>12} {'decoded':>10}  budget")
    for name, w, budget in rows:
        verdict = "" if budget is None else ("ok" if w.transferred <= budget * 1024 else "OVER")
        over += verdict == "OVER"
        print(
            f"{name:24} {w.requests:>8} {w.transferred / 1024:>9.1f} KB {w.decoded / 1024:>7.1f} KB  "
            f"{'' if budget is None else f'<= {budget} KB'} {verdict}"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
