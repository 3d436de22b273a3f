"""Keys: the stable, readable slugs that name entries in URLs and data files."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

KEY_LENGTH = 100


def slug(text: str, length: int = KEY_LENGTH) -> str:
    """'Stichting Hulp & Zorg (Gouda)' -> 'stichting-hulp-zorg-gouda'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:length].strip("-")


def free_key(session: Session, model, text: str) -> str:
    """A key made from ``text`` that no row of ``model`` has yet (``-2``, ``-3``... when taken)."""
    base = slug(text, KEY_LENGTH - 4) or "dienst"
    taken = set(session.scalars(select(model.key).where(model.key.like(f"{base}%"))))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key
