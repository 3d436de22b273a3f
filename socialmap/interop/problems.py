"""Import problems: every one names its record and field (and, where known, the
file and line), and any problem stops the whole import before anything is written.

Also the wording helpers of the imports: ``_``/``ngettext`` translate in the
request's language, or outside a request (CLI commands, tests) in
``CLI_LANGUAGE`` (``SOCIALMAP_CLI_LANGUAGE``, default: the site's default
language, Dutch); ``did_you_mean`` and ``shown`` make messages that repeat the
bad value and suggest the nearest good one.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _gettext
from flask_babel import ngettext as _ngettext


def cli_language() -> str:
    """The language of import messages outside a request."""
    if not has_app_context():
        return "nl"
    config = current_app.config
    return str(config.get("CLI_LANGUAGE") or config.get("DEFAULT_LOCALE") or "nl")


def _(msgid: str, **variables) -> str:
    """``gettext`` that also works outside a request (in the CLI's language)."""
    try:
        return _gettext(msgid, **variables)
    except RuntimeError:  # no request to choose a language from
        with force_locale(cli_language()):
            return _gettext(msgid, **variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """``ngettext`` that also works outside a request (in the CLI's language)."""
    try:
        return _ngettext(singular, plural, num, **variables)
    except RuntimeError:
        with force_locale(cli_language()):
            return _ngettext(singular, plural, num, **variables)


def shown(value, limit: int = 80) -> str:
    """A value as it is quoted in a message: ``'fin.nope'``, ``42``, ``[1, 2]``."""
    text = repr(value) if not isinstance(value, str) else "'" + value + "'"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def suggestion(value, candidates: Iterable[str]) -> str | None:
    """The known value nearest to ``value`` (difflib), or None."""
    if not isinstance(value, str) or not value:
        return None
    pool = [c for c in candidates if isinstance(c, str)]
    lowered = {c.lower(): c for c in pool}
    if value.lower() in lowered and lowered[value.lower()] != value:
        return lowered[value.lower()]
    found = difflib.get_close_matches(value, pool, n=1, cutoff=0.6)
    if not found:
        found = [lowered[m] for m in difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)]
    return found[0] if found else None


def did_you_mean(message: str, value, candidates: Iterable[str]) -> str:
    """``message`` plus "Did you mean 'x'?" when a known value is near ``value``."""
    near = suggestion(value, candidates)
    if near is None:
        return message
    return message + _("; bedoelt u %(suggestion)s?", suggestion=shown(near))


@dataclass(frozen=True)
class Problem:
    where: str  # file (and line) and record, e.g. "social-money.yaml:14: dienst s-fin-cafe-oost"
    field: str
    message: str
    line: int | None = None  # the line in the file, when known

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}" if self.field else f"{self.where}: {self.message}"


class ImportFailed(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        header = ngettext("%(num)d probleem; er is niets geschreven:",
                          "%(num)d problemen; er is niets geschreven:", len(problems))
        super().__init__(header + "\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, where: str, field_: str, message: str, line: int | None = None) -> None:
        self.items.append(Problem(where, field_, message, line))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportFailed(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
