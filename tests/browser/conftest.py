"""Browser tests: the demo region served by the real server, started the way
the README starts it (``make run``: gunicorn, its own instance and port),
driven by Playwright in Debian's headless Chromium (never `playwright install`).

* ``live_server`` -- that server; ``live_server.url(path)``
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

import pytest

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
LOCAL_TILES = "/kaart/leeg/{z}/{x}/{y}.png"
PHONE = 375
DESKTOP = 1280


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def live_server(real_server):
    """The real server (``make run``: gunicorn, SpatiaLite, the demo region) that
    every browser journey runs against; see tests/real_server.py."""
    return real_server


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
        context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=javascript, locale=locale, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
        # Leaflet cancels tile requests it no longer needs (net::ERR_ABORTED): not a problem.
        page.on(
            "requestfailed",
            lambda r: (
                None if "ERR_ABORTED" in (r.failure or "") else page.problems.append(f"failed: {r.url} {r.failure}")
            ),
        )
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
