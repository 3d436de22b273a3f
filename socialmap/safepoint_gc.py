"""Cyclic garbage collection only between requests, never inside one.

Why: on CPython 3.11 a page that loads many ORM objects (the neighbourhood
page: ~120 services with their areas, facets and locations) crashed the
server process with SIGSEGV. Found with valgrind (``docs/operations.md``,
"The neighbourhood-page crash"): an attribute store on an object whose
attributes still live in CPython's inline "values" array must turn them into
a real ``__dict__``; the allocation for that dict can start a cyclic garbage
collection; the collection clears an unreachable ORM object whose weakref
callback (SQLAlchemy's ``InstanceState._cleanup``) stores attributes on the
*same* state object; that inner store converts and frees the values array
which the outer store is still using. The freed memory later shows up as a
crash in the collector or in ORM row loading.

The interpreter bug cannot be fixed from here, but it needs a collection to
start *inside* an attribute store. So the web app switches off automatic
collection and runs it itself after each response is finished, by the same
thresholds the interpreter would use. A collection started there runs while
every other request thread is parked at a bytecode boundary (it holds the
GIL), so no attribute store is half done. Memory behaves as before: garbage is
collected at most one request later than the interpreter would have.

CLI commands never serve a request, so they keep automatic collection.
"""

from __future__ import annotations

import gc

from werkzeug.wsgi import ClosingIterator


def collect_if_due() -> int | None:
    """Collect the generation the interpreter would collect now; returns it, or None."""
    threshold0, threshold1, threshold2 = gc.get_threshold()
    count0, count1, count2 = gc.get_count()
    if threshold0 == 0 or count0 < threshold0:
        return None
    generation = 0
    if count1 >= threshold1:
        generation = 1
        if count2 >= threshold2:
            generation = 2
    gc.collect(generation)
    return generation


class CollectBetweenRequests:
    """WSGI middleware: automatic collection off, ``collect_if_due`` after each response."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        gc.disable()  # idempotent and cheap; done here, not at app creation, so CLI commands keep it
        try:
            body = self.wsgi_app(environ, start_response)
        except BaseException:
            collect_if_due()
            raise
        return ClosingIterator(body, [collect_if_due])


def install(app) -> None:
    """Wrap ``app.wsgi_app`` (once)."""
    if not isinstance(app.wsgi_app, CollectBetweenRequests):
        app.wsgi_app = CollectBetweenRequests(app.wsgi_app)
