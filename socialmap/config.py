"""Configuration: defaults, overridden by SOCIALMAP_* environment variables.

Every setting can be set as ``SOCIALMAP_<NAME>`` (e.g. ``SOCIALMAP_DATABASE_URL``);
values are parsed as JSON when they look like JSON (numbers, true/false), else
kept as strings. A ``config`` mapping passed to ``create_app`` wins over both.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"

DEFAULTS: dict[str, object] = {
    # The embedded default: a SpatiaLite file under instance/ (set in create_app).
    "DATABASE_URL": None,
    "SPATIALITE_LIBRARY_PATH": "mod_spatialite",
    "SECRET_KEY": "dev-only-change-me",
    "DEFAULT_LOCALE": "nl",
    "LANGUAGES": ["nl", "en"],
    "TIMEZONE": "Europe/Amsterdam",
    "REGION_NAME": "Amsterdam",
    "INSTANCE_DIR": None,  # default: instance/ in the project
    "SEARCH_INDEX_DIR": None,  # default: <instance>/search-index
    "SEARCH_WARM_AT_START": True,  # load every search shard on the first request
    # Region files that change or add crisis lines (data/crisis/national.yaml is always read).
    "CRISIS_LINES_FILES": [],
    # Cyclic garbage collection only between requests (see socialmap/safepoint_gc.py).
    "GC_BETWEEN_REQUESTS": True,
    # Map tiles come from a configurable server; the app serves Leaflet itself.
    "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "TILE_ATTRIBUTION": "&copy; OpenStreetMap contributors",
    # Accounts (socialmap/maintenance/auth.py). The session cookie is Secure
    # unless COOKIE_SECURE is false (the local demo over http sets that).
    "COOKIE_SECURE": True,
    "SESSION_HOURS": 8,
    "LOGIN_MAX_FAILURES": 10,  # failures in a row that lock an account
    "LOGIN_RATE_LIMIT": "10 per minute",  # per address and per account name
    # Where rate-limit counts live: memory:// counts per process (gunicorn's
    # workers each count); give redis://... to count across workers.
    "RATELIMIT_STORAGE_URI": "memory://",
    # Keeping the map current (socialmap/freshness/stages.py): days before the
    # review date an entry is "due"; days after it that it is publicly "possibly
    # outdated", then ranked lower ("demoted"); a waiting time's own interval.
    "FRESHNESS_DUE_WITHIN_DAYS": 30,
    "FRESHNESS_PUBLIC_AFTER_DAYS": 60,
    "FRESHNESS_DEMOTE_AFTER_DAYS": 180,
    "FRESHNESS_WAITING_INTERVAL_DAYS": 28,
    # The day the demo region's check dates were written for: demo entries are
    # staged as on that day (see refresh_stages), so the demo does not age.
    "DEMO_AS_OF": "2026-11-20",
    # Update rounds: how long a provider link works, and when to remind.
    "ROUND_LINK_DAYS": 28,
    "ROUND_REMIND_AFTER_DAYS": 7,
    # Mail (update rounds, report outcomes). Without SMTP_HOST messages wait in
    # the outbox (/beheer/uitgaand) for a coordinator to pass on.
    "SMTP_HOST": "",
    "SMTP_PORT": 587,
    "SMTP_USERNAME": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": True,
    "MAIL_FROM": "socialmap@localhost",
    # The address links in messages start with (the site as people reach it).
    "PUBLIC_URL": "http://127.0.0.1:5000",
    # Public change reports: at least this many seconds between opening and sending.
    "REPORT_MIN_SECONDS": 3,
    "REPORT_RATE_LIMIT": "5 per hour",
}


def _parse(value: str) -> object:
    try:
        return json.loads(value)
    except ValueError:
        return value


def from_environment(environ: dict[str, str] | None = None) -> dict[str, object]:
    """The settings: DEFAULTS overridden by SOCIALMAP_* variables."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name, value in environ.items():
        if name.startswith("SOCIALMAP_"):
            settings[name.removeprefix("SOCIALMAP_")] = _parse(value)
    return settings
