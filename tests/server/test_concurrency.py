"""Every page type and API endpoint, driven concurrently against the real
server (``make run``: gunicorn, several worker processes, threads) for a
bounded time. Fails on any 5xx, any dropped or refused connection, a dead
master process or a worker that died and was replaced.

This is the test that saw the neighbourhood-page crash (SIGSEGV in the
workers) which the Flask test client in one process does not see.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.server

SECONDS = float(os.environ.get("SOCIALMAP_SOAK_SECONDS", "30"))
CLIENTS = 8
BUURTEN = ["BU0363NL01", "BU0363TC01", "BU0363NA01", "BU0363KA01", "BU0363AF01", "BU0363TE02"]


def _request(base: str, method: str, path: str, body: dict | str | None = None) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Accept-Encoding": "gzip"}
    data = None
    if isinstance(body, dict):
        data = urllib.parse.urlencode(body, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif isinstance(body, str):
        data = body
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _json(base: str, path: str) -> dict:
    status, raw = _request(base, "GET", path)
    assert status == 200, (path, status)
    if raw[:2] == b"\x1f\x8b":
        import gzip

        raw = gzip.decompress(raw)
    return json.loads(raw)


def _requests(base: str) -> list[tuple[str, str, object, set[int]]]:
    """(method, path, body, accepted statuses) covering every page type and endpoint."""
    routes = _json(base, "/api/v1/routes")["routes"]
    route = _json(base, f"/api/v1/routes/{routes[0]['key']}")
    step = next(s["key"] for s in route["steps"] if s.get("kind") != "gp") if route.get("steps") else ""
    hits = _json(base, "/api/v1/search?q=schulden&where=1103")["results"]
    services = [h["key"] for h in hits[:4]]
    ok = {200}
    plan = [
        ("GET", "/", None, ok),
        ("GET", "/?lang=en", None, ok),
        ("GET", "/zoeken?q=rouwgroep&where=1103", None, ok),
        ("GET", "/zoeken?q=schulden&where=1021&domain=debt_money", None, ok),
        ("GET", "/zoeken?q=ik+wil+niet+meer+leven", None, ok),
        ("GET", "/zoeken?q=eenzaam&where=1103&page=2", None, ok),
        ("GET", "/zoeken?age=abc", None, {400}),
        ("GET", "/kaart/zoeken.js?q=rouw&where=1103", None, ok),
        ("GET", "/verwijsroutes", None, ok),
        ("GET", f"/verwijsroutes/{routes[0]['key']}", None, ok),
        ("GET", f"/verwijsroutes/{routes[-1]['key']}?buurt=BU0363NL01", None, ok),
        ("GET", "/verwijzen", None, ok),
        ("POST", "/verwijzen", {"q": "geldzorgen en somber", "postcode": "1103", "age": "45"}, ok),
        ("POST", "/verwijzen", {"urgency": "crisis", "postcode": "1021", "flags": "client_absent"}, ok),
        ("POST", "/verwijzen", {"q": "", "postcode": "9999"}, {400}),
        ("GET", "/api/v1/search?q=rouw&where=1103", None, ok),
        ("GET", "/api/v1/search?q=schulden&f=geojson", None, ok),
        ("GET", "/api/v1/search?lat=52", None, {400}),
        ("GET", "/api/v1/places?q=Noord", None, ok),
        ("GET", "/api/v1/routes", None, ok),
        ("GET", f"/api/v1/routes/{routes[0]['key']}", None, ok),
        ("POST", "/api/v1/route-finder", json.dumps({"q": "schulden", "postcode": "1103"}), ok),
        ("POST", "/api/v1/route-finder", json.dumps({"q": "ik wil dood", "postcode": "1103"}), ok),
        ("GET", "/health", None, ok),
        ("GET", "/dienst/bestaat-niet", None, {404}),
        ("GET", "/kaart/leeg/12/2100/1345.png", None, ok),
    ]
    if step:
        plan.append(
            (
                "POST",
                f"/verwijsroutes/{routes[0]['key']}/kaart",
                {"step": step, "buurt": "BU0363NL01", "card_lang": "nl"},
                ok,
            )
        )
    for key in services:
        plan += [
            ("GET", f"/dienst/{key}", None, ok),
            ("GET", f"/dienst/{key}/afdrukken", None, ok),
            ("GET", f"/kaart/dienst/{key}.js", None, ok),
        ]
    for code in BUURTEN:
        plan += [("GET", f"/buurt/{code}", None, ok), ("GET", f"/kaart/buurt/{code}.js", None, ok)]
    # The page's own assets (stylesheets, scripts), as a browser would load them.
    _status, home = _request(base, "GET", "/buurt/BU0363NL01")
    if home[:2] == b"\x1f\x8b":
        import gzip

        home = gzip.decompress(home)
    for asset in sorted(set(re.findall(rb'(?:href|src)="(/[^"]+\.(?:css|js))"', home))):
        plan.append(("GET", asset.decode(), None, ok))
    return plan


def test_every_page_and_endpoint_concurrently(real_server):
    base = real_server.base
    plan = _requests(base)
    deadline = time.monotonic() + SECONDS
    failures: list[str] = []
    counts: Counter = Counter()
    lock = threading.Lock()

    def client(seed: int) -> None:
        rnd = random.Random(seed)
        order = plan[:]
        while time.monotonic() < deadline:
            rnd.shuffle(order)
            for method, path, body, accepted in order:
                if time.monotonic() >= deadline:
                    return
                try:
                    status, _raw = _request(base, method, path, body)
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        failures.append(f"{method} {path}: connection failed ({type(exc).__name__}: {exc})")
                    continue
                with lock:
                    counts[status] += 1
                    if status not in accepted:
                        failures.append(f"{method} {path}: {status} (expected {sorted(accepted)})")

    def one(method: str, path: str, body=None, accepted=frozenset({200})) -> None:
        try:
            status, _raw = _request(base, method, path, body)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"{method} {path}: connection failed ({type(exc).__name__}: {exc})")
            return
        counts[status] += 1
        if status not in accepted:
            failures.append(f"{method} {path}: {status} (expected {sorted(accepted)})")

    # 1. The reported journey: the same neighbourhood pages again and again, one
    #    visitor at a time (this crashed the process by the third request).
    for code in BUURTEN[:4]:
        for _ in range(8):
            one("GET", f"/buurt/{code}")
    # 2. Everything at once, for a bounded time.
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))

    print(f"\n{sum(counts.values())} requests in {SECONDS:.0f} s by {CLIENTS} clients; statuses {dict(counts)}")
    log = real_server.log()
    deaths = [
        line
        for line in log.splitlines()
        if re.search(r"(was sent|exited with code|WORKER TIMEOUT|Segmentation|Traceback)", line)
    ]
    assert real_server.alive(), "the server process died:\n" + log[-3000:]
    assert real_server.worker_pids() == real_server.started_workers, "workers died and were replaced: " + "\n".join(
        deaths[:20]
    )
    assert not deaths, "\n".join(deaths[:20])
    assert not failures, f"{len(failures)} failures of {sum(counts.values())} requests:\n" + "\n".join(
        sorted(set(failures))[:40]
    )
    # Bounded in time, but it must have done real work.
    assert sum(counts.values()) >= len(plan), counts
