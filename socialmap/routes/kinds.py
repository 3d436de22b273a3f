"""Step kinds: the roles a station on a route can have (GP, POH-ggz, DOCO, ...).

A code list kept as a data file (data/routes/step_kinds.yaml) so a region can
add its own. Each kind says whether it is a *care* step (it needs a way back)
and whether it is a *home* (a place a route may end: the GP, the social
domain, a resource group).
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from socialmap.config import DATA_DIR

STEP_KINDS_FILE = DATA_DIR / "routes" / "step_kinds.yaml"
CATEGORIES = ("gp", "care", "consultation", "social", "peer", "self", "crisis")


@lru_cache(maxsize=4)
def step_kinds(path: str | None = None) -> dict[str, dict]:
    """code -> {"label": {nl, en}, "category", "care": bool, "home": bool}"""
    with open(path or STEP_KINDS_FILE, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    kinds = {}
    for item in doc["step_kinds"]:
        kinds[item["code"]] = {
            "label": item["label"],
            "category": item.get("category", "care"),
            "care": bool(item.get("care", False)),
            "home": bool(item.get("home", False)),
            "description": item.get("description") or {},
        }
    return kinds
