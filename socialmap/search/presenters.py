"""Search results in words and links, shared by the results page, the map
and the JSON API, and the search form with links that keep the search
(:class:`SearchPage`, also the home page's form). Reads the engine's output;
never changes what it found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import MultiDict

from socialmap.catalogue import queries, schedule
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.kinds import service_kinds
from socialmap.catalogue.models import AreaUnit, Service
from socialmap.catalogue.presenters import (
    distance_text,  # noqa: F401  (templates: search_present.distance_text)
    hhmm,
)
from socialmap.extensions import db
from socialmap.i18n import localized, pick
from socialmap.search.engine import RADII


def service_kind_label(code: str, locale: str | None = None) -> str:
    return str(pick((service_kinds().get(code) or {}).get("label") or {"nl": code}, locale))


@dataclass(frozen=True)
class AreaName:
    code: str
    name: str
    level: str


def area_names(session: Session, codes: Iterable[str]) -> dict[str, AreaName]:
    """Names of area codes (what a hit serves), in one query."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    found = {}
    for i in range(0, len(wanted), 900):
        for code, name, level in session.execute(
            select(AreaUnit.code, AreaUnit.name, AreaUnit.level).where(AreaUnit.code.in_(wanted[i : i + 900]))
        ):
            found[code] = AreaName(code, name, level)
    return found


def served_text(codes: Iterable[str], names: dict[str, AreaName], at_most: int = 4) -> str:
    """'Centrum-West, Centrum-Oost' -- the areas a service is meant for, by name
    (the first few, then how many more)."""
    parts = []
    for code in codes:
        area = names.get(code)
        if area is None:
            continue
        if area.level == "country":
            parts.append(_("heel Nederland"))
        elif area.level == "municipality":
            parts.append(_("heel %(name)s", name=area.name))
        elif area.level == "borough":
            parts.append(_("stadsdeel %(name)s", name=area.name))
        else:
            parts.append(area.name)
    if len(parts) > at_most + 1:
        more = len(parts) - at_most
        return (
            ", ".join(parts[:at_most])
            + " "
            + ngettext("en nog %(num)d ander gebied", "en nog %(num)d andere gebieden", more)
        )
    return ", ".join(parts)


@dataclass(frozen=True)
class HitReason:
    """Why a hit is in the list: a need it helps with, what it is, or the person's words."""

    kind: str  # need | kind | words | related
    text: str


def reasons(hit) -> list[HitReason]:
    """What the engine found true of this hit (see ``engine._explain``): the needs
    it helps with (asked in words or chosen as a filter; only those it has), what
    it is, and the words its text holds. Nothing is added here."""
    found = [HitReason("need", label) for label in hit.matched_needs]
    found += [HitReason("kind", service_kind_label(code)) for code in hit.matched_kinds]
    if hit.matched_words:
        found.append(HitReason("words", ", ".join(f"‘{w}’" for w in hit.matched_words)))
    if getattr(hit, "related_words", None):
        found.append(HitReason("related", ", ".join(f"‘{w}’" for w in hit.related_words)))
    return found


@dataclass(frozen=True)
class OpenState:
    state: str  # now (open until ``at``) | later (opens today at ``at``)
    at: str  # HH:MM


def open_states(
    session: Session, service_ids: list[int], now: datetime, read: dict | None = None
) -> dict[int, OpenState]:
    """For the services shown: open now (until when), or opening later today.
    ``read``: services already read with their schedules (SearchResponse.scheduled)."""
    if not service_ids:
        return {}
    loaded = {sid: (read or {})[sid] for sid in service_ids if sid in (read or {})}
    rest = [sid for sid in service_ids if sid not in loaded]
    if rest:
        loaded.update(
            {
                svc.id: svc
                for svc in session.scalars(
                    select(Service)
                    .where(Service.id.in_(rest))
                    .options(selectinload(Service.schedule_rules), selectinload(Service.schedule_exceptions))
                )
            }
        )
    states = {}
    for svc in loaded.values():
        spans = schedule.spans_on(svc, now.date())
        current = [s for s in spans if s.opens <= now.time() < s.closes]
        later = [s for s in spans if s.opens > now.time()]
        if current:
            states[svc.id] = OpenState("now", hhmm(max(s.closes for s in current)))
        elif later:
            states[svc.id] = OpenState("later", hhmm(min(s.opens for s in later)))
    return states


def open_access(hit) -> bool:
    return bool(voc.OPEN_ACCESS.intersection(hit.access))


# --- links that keep the search ------------------------------------------------


def changed(args: MultiDict, keep_page: bool = False, **changes) -> MultiDict:
    """``args`` with some parameters replaced (a list), set (a string) or removed
    (None). A change of criteria starts again at page 1."""
    new = MultiDict(args)
    if not keep_page:
        new.pop("page", None)
    for name, value in changes.items():
        new.poplist(name)
        if value is None or value == "" or value == []:
            continue
        for v in value if isinstance(value, list | tuple) else [value]:
            new.add(name, str(v))
    return new


def toggled(args: MultiDict, name: str, value: str) -> MultiDict:
    """``args`` with ``value`` added to or removed from the list parameter ``name``."""
    values = args.getlist(name)
    values = [v for v in values if v != value] if value in values else values + [value]
    return changed(args, **{name: values})


def url(endpoint: str, args: MultiDict, **values) -> str:
    return url_for(endpoint, **values, **{k: args.getlist(k) for k in args})


# --- the search form and its links ----------------------------------------------


class SearchPage:
    """What the template needs to redraw the form and make links that keep the search."""

    radii = [r // 1000 for r in RADII]
    domains, formats = voc.DOMAINS, voc.FORMATS

    def __init__(self, args):
        self.args = args
        self._needs = None

    # values as the person gave them (also when one of them is wrong)
    def value(self, name: str, default: str = "") -> str:
        return self.args.get(name, default)

    def values(self, name: str) -> list[str]:
        return self.args.getlist(name)

    @property
    def radius(self) -> str:
        return self.value("radius", "5")

    @cached_property
    def languages(self) -> list[tuple[str, str]]:
        return sorted(((code, str(label)) for code, label in voc.LANGUAGES.items()), key=lambda cl: cl[1])

    @property
    def needs(self):
        if self._needs is None:
            self._needs = queries.need_tree(db.session)
        return self._needs

    def need_label(self, code: str) -> str:
        for top in self.needs:
            for need in [top, *top.children]:
                if need.code == code:
                    return str(localized(need, "label"))
        return code

    # links
    def url(self, **changes) -> str:
        return url("search.results", changed(self.args, **changes))

    def page_url(self, number: int) -> str:
        return url("search.results", changed(self.args, keep_page=True, page=number))

    def toggle_url(self, name: str, value: str) -> str:
        return url("search.results", toggled(self.args, name, value))

    @cached_property
    def active_filters(self) -> list[tuple[str, str]]:
        """(label, link that removes it) for each filter in use."""
        found = []
        for code in self.values("domain"):
            found.append((_label(voc.DOMAINS, code), self.toggle_url("domain", code)))
        for code in self.values("need"):
            found.append((self.need_label(code), self.toggle_url("need", code)))
        if self.value("access") == "open":
            found.append((_("Geen verwijzing nodig"), self.url(access=None)))
        if self.value("cost") == "free":
            found.append((str(voc.COST["free"]), self.url(cost=None)))
        for code in self.values("language"):
            found.append((_label(voc.LANGUAGES, code), self.toggle_url("language", code)))
        for code in self.values("format"):
            found.append((_label(voc.FORMATS, code), self.toggle_url("format", code)))
        if self.value("age"):
            found.append((_("%(age)s jaar", age=self.value("age")), self.url(age=None)))
        if self.value("open") in ("now", "today"):
            found.append((OPEN_LABELS[self.value("open")](), self.url(open=None)))
        return found

    def clear_filters_url(self) -> str:
        return self.url(domain=None, need=None, access=None, cost=None, language=None, format=None, age=None, open=None)

    def pages(self, current: int, last: int) -> list[int | None]:
        """Page numbers to link, None for a gap: 1 … 4 5 [6] 7 8 … 20."""
        shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
        out: list[int | None] = []
        for n in shown:
            if out and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out


def _label(mapping: dict, code: str) -> str:
    return str(mapping.get(code, code))


OPEN_LABELS = {"now": lambda: _("Nu open"), "today": lambda: _("Vandaag open")}
