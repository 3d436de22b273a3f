"""Load the needs taxonomy (data/taxonomy/needs.yaml) into the database."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.audit import imports
from socialmap.catalogue.models import NeedTerm
from socialmap.problems import Problems

NEED_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._")


@imports("path")
def load_needs(session: Session, path: Path) -> int:
    """Validate the whole file, then upsert every term by code. Returns the count."""
    problems = Problems()
    name = Path(path).name
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.add(name, "", f"cannot read: {exc}")
        problems.raise_if_any()
    terms = (doc or {}).get("needs") if isinstance(doc, dict) else None
    if not isinstance(terms, list) or not terms:
        problems.add(name, "needs", "expected a non-empty list of terms")
        problems.raise_if_any()

    seen: dict[str, dict] = {}
    for i, term in enumerate(terms):
        where = f"{name}: term {i}"
        if not isinstance(term, dict):
            problems.add(where, "", "expected a mapping")
            continue
        code = term.get("code")
        if not isinstance(code, str) or not code or not set(code) <= NEED_CODE_CHARS:
            problems.add(where, "code", f"invalid code {code!r}")
            continue
        where = f"{name}: need {code}"
        if code in seen:
            problems.add(where, "code", "appears twice")
        parent = term.get("parent")
        if parent is not None and parent not in seen:
            problems.add(where, "parent", f"unknown parent {parent!r} (parents must come first)")
        label = term.get("label") or {}
        if not isinstance(label, dict) or not label.get("nl"):
            problems.add(where, "label.nl", "Dutch label is required")
        synonyms = term.get("synonyms") or {}
        if not isinstance(synonyms, dict) or not all(isinstance(v, list) for v in synonyms.values()):
            problems.add(where, "synonyms", "expected {language: [words]}")
        seen[code] = term
    problems.raise_if_any()

    existing = {t.code: t for t in session.scalars(select(NeedTerm))}
    for position, (code, term) in enumerate(seen.items()):
        need = existing.get(code) or NeedTerm(code=code)
        label, description = term["label"], term.get("description") or {}
        need.label = label["nl"]
        need.description = description.get("nl")
        need.translations = {
            lang: {k: v for k, v in (("label", label.get(lang)), ("description", description.get(lang))) if v}
            for lang in sorted((set(label) | set(description)) - {"nl"})
        }
        need.synonyms = {
            lang: [str(w).strip().lower() for w in words] for lang, words in (term.get("synonyms") or {}).items()
        }
        need.position = position
        need.parent = existing.get(term.get("parent")) if term.get("parent") else None
        existing[code] = need
        session.add(need)
    session.flush()
    return len(seen)
