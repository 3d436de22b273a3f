"""Browser tests: the demo app served on 127.0.0.1 (a free port, in a thread),
driven by Playwright in Debian's headless Chromium (never `playwright install`).

* ``live_server`` -- the SpatiaLite demo app, served; ``live_server.url(path)``
* ``browser``     -- one Chromium for the package
* ``open_page``   -- ``open_page(path, width=1280, javascript=True, **context_options)``:
                     a page in a fresh context, with console errors (CSP violations
                     among them) and failed requests collected in ``page.problems``
* ``axe``         -- ``axe(page)``: the axe-core violations of impact serious or critical

Map tiles come from the app itself (``/kaart/leeg/...``) while the tests run:
there is no network here, and the Content-Security-Policy stays as strict as
in production (a relative tile URL adds no origin to ``img-src``).
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]
LOCAL_TILES = "/kaart/leeg/{z}/{x}/{y}.png"
PHONE = 375
DESKTOP = 1280


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    base: str
    app: object

    def url(self, path: str = "/") -> str:
        return self.base + path


@pytest.fixture(scope="package")
def live_server(demo_apps):
    from werkzeug.serving import make_server

    app = demo_apps("spatialite")
    saved = app.config["TILE_URL"]
    app.config["TILE_URL"] = LOCAL_TILES
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.config["TILE_URL"] = saved


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package 'chromium')")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_(path: str = "/", width: int = DESKTOP, javascript: bool = True, locale: str = "nl-NL", **options):
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript,
                                      locale=locale, **options)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
        # Leaflet cancels tile requests it no longer needs (net::ERR_ABORTED): not a problem.
        page.on("requestfailed", lambda r: None if "ERR_ABORTED" in (r.failure or "")
                else page.problems.append(f"failed: {r.url} {r.failure}"))
        page.goto(live_server.url(path), wait_until="networkidle")
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()

    def run(page) -> list[dict]:
        results = checker.run(page)
        return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]

    return run
