"""Service kinds (what a service *is*: a financial café, a FACT team, ...).

A fixed code list kept as a data file; referral-route steps match on these codes.
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from socialmap.config import DATA_DIR

KINDS_FILE = DATA_DIR / "taxonomy" / "service_kinds.yaml"


@lru_cache(maxsize=1)
def service_kinds() -> dict[str, dict]:
    """code -> {"label": {nl, en}, "description": {...}, "synonyms": {...}}"""
    with open(KINDS_FILE, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    return {k["code"]: k for k in doc["service_kinds"]}
