"""Translation helpers: ``_``/``_l`` for interface strings, locale selection,
and the Dutch fallback for translatable content.

Content (service names, summaries, ...) is stored in Dutch in plain columns;
other languages live in a ``translations`` JSON column shaped
``{"en": {"name": "...", "summary": "..."}}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, session
from flask_babel import get_locale
from flask_babel import gettext as _  # noqa: F401  (re-exported)
from flask_babel import lazy_gettext as _l  # noqa: F401

SOURCE_LANGUAGE = "nl"


@dataclass(frozen=True)
class Localized:
    """A content text and the language it is actually in (for ``lang=`` markup)."""

    text: str | None
    lang: str

    def __str__(self) -> str:
        return self.text or ""

    def __bool__(self) -> bool:
        return bool(self.text)


def localized(obj, field: str, locale: str | None = None) -> Localized:
    """``obj.field`` in ``locale``, falling back to Dutch."""
    locale = locale or current_locale()
    if locale != SOURCE_LANGUAGE:
        text = ((obj.translations or {}).get(locale) or {}).get(field)
        if text:
            return Localized(text, locale)
    return Localized(getattr(obj, field), SOURCE_LANGUAGE)


def pick(texts: dict[str, str] | None, locale: str | None = None) -> Localized:
    """A ``{lang: text}`` map in ``locale``, falling back to Dutch."""
    texts = texts or {}
    locale = locale or current_locale()
    if texts.get(locale):
        return Localized(texts[locale], locale)
    return Localized(texts.get(SOURCE_LANGUAGE), SOURCE_LANGUAGE)


def current_locale() -> str:
    try:
        return str(get_locale() or SOURCE_LANGUAGE)
    except RuntimeError:  # outside a request
        return SOURCE_LANGUAGE


def select_locale() -> str:
    """The visitor's language: an explicit choice (``?lang=``, remembered in the
    session), else the browser's Accept-Language, else Dutch."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["DEFAULT_LOCALE"]
