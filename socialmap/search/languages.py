"""Languages named in words: "Rouwgroep in het Turks", "Turkse ouderen",
"Grief group in Arabic", "arabischsprekende", a query "rouwgroep turks".

The catalogue records which languages a service's people speak, not which
language a group is held in: a general service lists ``[nl, tr]`` just like
a Turkish-speaking grief group. So a service counts as *held in* a language
when its name (Dutch or English) names one of its languages other than
Dutch. Names come from Babel's language names in Dutch and English, so the
index and the queries read them alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from babel import Locale

from socialmap.catalogue import vocabulary as voc
from socialmap.search.analysis import raw_tokens

DUTCH = "nl"
# "Turks" -> "Turkse", "Turkstalige", "Turkssprekende"; "Arabic" -> "Arabic-speaking".
DUTCH_FORMS = ("", "e", "talig", "talige", "taligen", "sprekend", "sprekende", "sprekenden", "sprekers")
ENGLISH_FORMS = ("", "-speaking", "-speakers")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every folded word form of every language name -> language code."""
    found: dict[str, str] = {}
    for locale, forms in (("nl", DUTCH_FORMS), ("en", ENGLISH_FORMS)):
        names = Locale(locale).languages
        for code in voc.LANGUAGES:
            name = raw_tokens(names.get(code, ""))
            if len(name) != 1:  # no name, or several words ("Sranan Tongo")
                continue
            for form in forms:
                found.setdefault(name[0] + form, code)
    return found


def named_in(text: str) -> set[str]:
    """Codes of the languages the words of ``text`` name."""
    names = _names()
    return {names[w] for w in raw_tokens(text) if w in names}


def held_in(names: Iterable[str], spoken: Iterable[str]) -> list[str]:
    """The languages other than Dutch a service is held in: those of its
    ``spoken`` languages that its ``names`` (Dutch, English) name."""
    spoken = set(spoken) - {DUTCH}
    return sorted({code for name in names for code in named_in(name or "")} & spoken)
