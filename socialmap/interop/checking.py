"""Checking the values of one imported record, naming record and field in every problem.

Shared by the import pipelines (catalogue YAML, referral routes).
"""
from __future__ import annotations

from datetime import date, time

from socialmap.interop.problems import Problems


class RecordChecker:
    """Checks one record's values, adding problems that name the record and field."""

    def __init__(self, problems: Problems, where: str, record: dict):
        self.problems, self.where, self.record = problems, where, record

    def fail(self, field_: str, message: str) -> None:
        self.problems.add(self.where, field_, message)

    def mapping(self, field_: str, expected: str = "expected a mapping") -> dict:
        """A nested mapping (empty when absent); a problem when it is something else."""
        value = self.record.get(field_) or {}
        if not isinstance(value, dict):
            self.fail(field_, expected)
            return {}
        return value

    def text(self, field_: str, required: bool = False, max_len: int | None = None) -> str | None:
        value = self.record.get(field_)
        if value is None or value == "":
            if required:
                self.fail(field_, "is required")
            return None
        if not isinstance(value, (str, int)):
            self.fail(field_, "expected text")
            return None
        value = str(value).strip()
        if max_len and len(value) > max_len:
            self.fail(field_, f"longer than {max_len} characters")
        return value

    def translated(self, field_: str, required: bool = False) -> dict[str, str]:
        value = self.record.get(field_)
        if value is None:
            if required:
                self.fail(f"{field_}.nl", "Dutch text is required")
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.fail(field_, "expected {nl: ..., en: ...}")
            return {}
        unknown = set(value) - {"nl", "en", "tr", "ar", "pl", "uk", "es", "fr", "de"}
        if unknown:
            self.fail(field_, f"unknown language(s) {sorted(unknown)}")
        if not (value.get("nl") or "").strip():
            if required or value:
                self.fail(f"{field_}.nl", "Dutch text is required")
            return {}
        return {k: v.strip() for k, v in value.items() if v and v.strip()}

    def codes(self, field_: str, allowed, required: bool = False) -> list[str]:
        value = self.record.get(field_)
        if value is None or value == []:
            if required:
                self.fail(field_, "at least one code is required")
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(field_, "expected a list of codes")
            return []
        bad = [v for v in value if v not in allowed]
        if bad:
            self.fail(field_, f"unknown code(s) {bad}")
        return [v for v in value if v in allowed]

    def integer(self, mapping: dict, field_: str, label: str, low: int = 0, high: int = 10_000) -> int | None:
        value = mapping.get(field_)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(label, f"expected a whole number from {low} to {high}, got {value!r}")
            return None
        return value

    def day(self, mapping: dict, field_: str, label: str, required: bool = True) -> date | None:
        value = mapping.get(field_)
        if value is None:
            if required:
                self.fail(label, "date is required")
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(label, f"not a date (YYYY-MM-DD): {value!r}")
            return None

    def clock(self, mapping: dict, field_: str, label: str) -> time | None:
        value = mapping.get(field_)
        if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 09:00 as 540
            value = f"{value // 60:02d}:{value % 60:02d}"
        try:
            hours, minutes = str(value).split(":")
            if hours == "24" and minutes == "00":
                return time(23, 59, 59)
            return time(int(hours), int(minutes))
        except (ValueError, TypeError):
            self.fail(label, f"not a time (HH:MM): {value!r}")
            return None


def split_translations(texts: dict[str, dict]) -> tuple[dict[str, str | None], dict[str, dict]]:
    """{field: {lang: text}} -> Dutch values and {lang: {field: text}}."""
    dutch = {f: t.get("nl") for f, t in texts.items()}
    other: dict[str, dict] = {}
    for f, t in texts.items():
        for lang, text in t.items():
            if lang != "nl":
                other.setdefault(lang, {})[f] = text
    return dutch, other
