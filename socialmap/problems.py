"""What is wrong with input, in one shape for every door: a search parameter,
route-finder criteria, an edit, an import, a CLI argument.

A :class:`Problem` names where (a file and line and record, or a form), the
field and what is wrong with it; :class:`Invalid` carries every problem found,
and means nothing was written. Pages show ``errors`` at their fields, the API
answers 400 with ``as_json()``, the CLI prints ``str()``. The subclasses only
add a heading (:class:`ImportFailed`) or the constructor their callers find
natural (``ParamError(param, message)``, ``CriteriaError(errors)``, ...).

Also the wording helpers: ``_``/``ngettext`` translate in the request's
language, or outside a request (CLI commands, tests) in ``CLI_LANGUAGE``
(``SOCIALMAP_CLI_LANGUAGE``, default: the site's default language, Dutch);
``did_you_mean`` and ``shown`` make messages that repeat the bad value and
suggest the nearest good one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _gettext
from flask_babel import ngettext as _ngettext


def cli_language() -> str:
    """The language of messages outside a request."""
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
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    where: str  # file (and line) and record, e.g. "social-money.yaml:14: dienst s-fin-cafe-oost"; "" for a form
    field: str  # the parameter, form field or record field; "" when the whole input is wrong
    message: str  # translated, for the person who can fix it
    line: int | None = None  # the line in the file, when known

    def __str__(self) -> str:
        head = ": ".join(p for p in (self.where, self.field) if p)
        return f"{head}: {self.message}" if head else self.message


class Invalid(ValueError):
    """The input breaks a rule; nothing was written. ``problems`` names each one."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        return "; ".join(map(str, self.problems))

    @property
    def errors(self) -> dict[str, str]:
        """field -> message (the first per field), for a form or an API answer."""
        found: dict[str, str] = {}
        for p in self.problems:
            found.setdefault(p.field, p.message)
        return found

    def as_json(self) -> dict:
        """The API's 400 body: every problem, and per field the first message."""
        first = self.problems[0] if self.problems else Problem("", "", "")
        return {
            "error": "Bad Request",
            "status": 400,
            "message": self.describe(),
            "param": first.field,
            "errors": self.errors,
            "problems": [
                {
                    "where": p.where,
                    "field": p.field,
                    "message": p.message,
                    **({"line": p.line} if p.line is not None else {}),
                }
                for p in self.problems
            ],
        }


@dataclass
class Problems:
    """Collects problems while input is checked whole; :meth:`raise_if_any` ends it."""

    items: list[Problem] = field(default_factory=list)
    kind: type[Invalid] | None = None  # what raise_if_any raises (default ImportFailed)

    def add(self, where: str, field_: str, message: str, line: int | None = None) -> None:
        self.items.append(Problem(where, field_, message, line))

    def raise_if_any(self) -> None:
        if self.items:
            raise (self.kind or ImportFailed)(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)


class ImportFailed(Invalid):
    """An import (file or CLI load) found problems; nothing has been written."""

    def describe(self) -> str:
        header = ngettext(
            "%(num)d probleem; er is niets geschreven:",
            "%(num)d problemen; er is niets geschreven:",
            len(self.problems),
        )
        return header + "\n" + "\n".join(f"  - {p}" for p in self.problems)


def invalid(field_: str, message: str, kind: type[Invalid] = Invalid) -> Invalid:
    """One problem with one field (of a form, request or call)."""
    return kind([Problem("", field_, message)])
