"""Checking the values of one imported record, naming record and field in every problem.

One :class:`FieldChecker` serves every import (catalogue YAML and CSV,
referral-route files): translated messages with the bad value, a suggestion
and the file and line.
"""

from __future__ import annotations

from datetime import date, time

from socialmap.interop.yaml_lines import line_of
from socialmap.problems import Problems, _, did_you_mean, shown


def parse_day(value) -> date:
    """An ISO date, or ValueError."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def parse_clock(value) -> time:
    """ "HH:MM" ("24:00" is the end of the day), or ValueError."""
    if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 09:00 as 540
        value = f"{value // 60:02d}:{value % 60:02d}"
    try:
        hours, minutes = str(value).split(":")
        if hours == "24" and minutes == "00":
            return time(23, 59, 59)
        return time(int(hours), int(minutes))
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def split_translations(texts: dict[str, dict]) -> tuple[dict[str, str | None], dict[str, dict]]:
    """{field: {lang: text}} -> Dutch values and {lang: {field: text}}."""
    dutch = {f: t.get("nl") for f, t in texts.items()}
    other: dict[str, dict] = {}
    for f, t in texts.items():
        for lang, text in t.items():
            if lang != "nl":
                other.setdefault(lang, {})[f] = text
    return dutch, other


TEXT_LANGUAGES = ("nl", "en", "tr", "ar", "pl", "uk", "es", "fr", "de")


class FieldChecker:
    """Checks one record of the catalogue import, with translated messages that
    repeat the bad value, suggest a near known value, and give the file and
    line (records read by :mod:`.yaml_lines` know their lines).

    ``label`` names the record ("dienst svc-a"); ``file`` the file it is in.
    """

    def __init__(self, problems: Problems, label: str, record: dict, file: str | None = None, line: int | None = None):
        self.problems, self.label, self.record, self.file = problems, label, record, file
        self.line = line if line is not None else line_of(record)

    @property
    def where(self) -> str:
        return self.where_at(self.line)

    def where_at(self, line: int | None) -> str:
        place = f"{self.file}:{line}" if self.file and line else (self.file or "")
        return f"{place}: {self.label}" if place and self.label else (place or self.label)

    def nested(self, record: dict, label: str | None = None) -> FieldChecker:
        """A checker for a mapping inside this record (same file, its own lines)."""
        line = line_of(record) or self.line
        return FieldChecker(self.problems, self.label if label is None else label, record, self.file, line)

    def line_for(self, field_: str, mapping: dict | None = None) -> int | None:
        """The line of ``field_`` (its first part) in ``mapping`` or the record."""
        top = field_.split(".")[0].split("[")[0]
        return line_of(mapping if mapping is not None else self.record, top) or self.line

    def fail(self, field_: str, message: str, line: int | None = None) -> None:
        line = line or self.line_for(field_)
        self.problems.add(self.where_at(line), field_, message, line)

    def fail_in(self, mapping: dict, key: str, label: str, message: str) -> None:
        """A problem with ``mapping[key]`` (reported as ``label``, on its line)."""
        self.fail(label, message, line_of(mapping, key) or self.line)

    def unknown_fields(self, mapping: dict, allowed, label: str = "") -> None:
        """Every field ``mapping`` has that the format does not know, with a suggestion."""
        if not isinstance(mapping, dict):
            return
        for key in mapping:
            if key not in allowed:
                self.fail_in(
                    mapping,
                    key,
                    f"{label}.{key}" if label else str(key),
                    did_you_mean(_("onbekend veld %(value)s", value=shown(key)), str(key), allowed),
                )

    def mapping(self, field_: str) -> dict:
        """A nested mapping (empty when absent); a problem when it is something else."""
        value = self.record.get(field_)
        if value is None or value == "":
            return {}
        if not isinstance(value, dict):
            self.fail(field_, _("verwacht een mapping (veld: waarde), niet %(value)s", value=shown(value)))
            return {}
        return value

    def text(self, field_: str, required: bool = False, max_len: int | None = None) -> str | None:
        value = self.record.get(field_)
        if value is None or value == "":
            if required:
                self.fail(field_, _("is verplicht"))
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(field_, _("verwacht tekst, niet %(value)s", value=shown(value)))
            return None
        value = str(value).strip()
        if max_len and len(value) > max_len:
            self.fail(
                field_,
                _(
                    "is %(length)d tekens lang; de grens is %(max)d: %(value)s",
                    length=len(value),
                    max=max_len,
                    value=shown(value, 60),
                ),
            )
        return value

    def translated(self, field_: str, required: bool = False, max_len: int | None = None) -> dict[str, str]:
        value = self.record.get(field_)
        if value is None:
            if required:
                self.fail(f"{field_}.nl", _("Nederlandse tekst is verplicht"))
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.fail(field_, _("verwacht {nl: ..., en: ...}, niet %(value)s", value=shown(value)))
            return {}
        for lang, text in value.items():
            if max_len and len(text.strip()) > max_len:
                self.fail_in(
                    value,
                    lang,
                    f"{field_}.{lang}",
                    _(
                        "is %(length)d tekens lang; de grens is %(max)d: %(value)s",
                        length=len(text.strip()),
                        max=max_len,
                        value=shown(text.strip(), 60),
                    ),
                )
        for lang in value:
            if lang not in TEXT_LANGUAGES:
                self.fail_in(
                    value,
                    lang,
                    f"{field_}.{lang}",
                    did_you_mean(_("onbekende taal %(value)s", value=shown(lang)), str(lang), TEXT_LANGUAGES),
                )
        if not (value.get("nl") or "").strip():
            if required or value:
                self.fail(f"{field_}.nl", _("Nederlandse tekst is verplicht"))
            return {}
        return {k: v.strip() for k, v in value.items() if v and v.strip()}

    def codes(self, field_: str, allowed, required: bool = False, candidates=None) -> list[str]:
        """A list of codes from ``allowed``; each unknown one is a problem with a
        suggestion from ``candidates`` (default: ``allowed``)."""
        value = self.record.get(field_)
        if value is None or value == []:
            if required:
                self.fail(field_, _("minstens één code is verplicht"))
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(field_, _("verwacht een lijst met codes, niet %(value)s", value=shown(value)))
            return []
        for v in value:
            if v not in allowed:
                self.fail(
                    field_,
                    did_you_mean(
                        _("onbekende code %(value)s", value=shown(v)), v, allowed if candidates is None else candidates
                    ),
                )
        return [v for v in value if v in allowed]

    def integer(self, mapping: dict, field_: str, label: str, low: int = 0, high: int = 10_000) -> int | None:
        value = mapping.get(field_)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail_in(
                mapping,
                field_,
                label,
                _(
                    "verwacht een geheel getal van %(low)d tot %(high)d, niet %(value)s",
                    low=low,
                    high=high,
                    value=shown(value),
                ),
            )
            return None
        return value

    def day(self, mapping: dict, field_: str, label: str, required: bool = True) -> date | None:
        value = mapping.get(field_)
        if value is None:
            if required:
                self.fail_in(mapping, field_, label, _("datum is verplicht"))
            return None
        try:
            return parse_day(value)
        except ValueError:
            self.fail_in(mapping, field_, label, _("geen datum (JJJJ-MM-DD): %(value)s", value=shown(value)))
            return None

    def clock(self, mapping: dict, field_: str, label: str) -> time | None:
        value = mapping.get(field_)
        try:
            return parse_clock(value)
        except ValueError:
            self.fail_in(mapping, field_, label, _("geen tijd (UU:MM): %(value)s", value=shown(value)))
            return None
