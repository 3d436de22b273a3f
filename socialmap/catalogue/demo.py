"""Is the invented demo catalogue on show? The footer's demo notice asks this on
every page, so the answer is cached per process (a minute; a load in this
process forgets it at once).

The question is "does the database hold live demo services", not "does this
page show one": every page can lead to demo entries (search, maps, routes,
the home page's counts), the search index does not carry the flag, and
warning once too often is better than once too few.
"""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from socialmap.catalogue.models import Service
from socialmap.extensions import db

TTL_SECONDS = 60.0
_cache: dict[str, tuple[float, bool]] = {}


def demo_entries_live(session) -> bool:
    """True while any demo service is not ended (one indexed query, cached)."""
    url = str(session.get_bind().url)
    now = time.monotonic()
    hit = _cache.get(url)
    if hit is not None and now - hit[0] < TTL_SECONDS:
        return hit[1]
    try:
        found = (
            session.scalar(select(Service.id).where(Service.is_demo.is_(True), Service.status != "ended").limit(1))
            is not None
        )
    except SQLAlchemyError:  # no database yet: say nothing, ask again next time
        session.rollback()
        return False
    _cache[url] = (now, found)
    return found


def demo_shown() -> bool:
    """For templates: the current app's database holds live demo entries."""
    return demo_entries_live(db.session)


def forget() -> None:
    _cache.clear()
