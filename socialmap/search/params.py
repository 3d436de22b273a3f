"""Search parameters from a query string, shared by the search page and the JSON API.

| parameter | meaning |
|---|---|
| q | the person's own words |
| where | a 4-digit postcode or a buurt, wijk or municipality name |
| lat, lon | a point (the browser's location, if the person allows it) |
| radius | km: 1, 2, 5, 10 or 25 (default 5) |
| domain, need, language, format | codes, repeatable |
| access=open | no referral needed (walk in or sign up yourself) |
| cost=free | free only |
| age | whole years, 0-120 |
| open | now or today |
| page, per_page | 1-based page, 1-100 per page (default 20) |

Invalid values raise :class:`ParamError` naming the parameter and what is wrong.

Who is looking is not a parameter: :func:`parse` asks
:func:`socialmap.routes.access.viewer_is_professional` (professionals also
find services meant only for them), so the page, its map and the API agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.models import NeedTerm
from socialmap.catalogue.schedule import local_now
from socialmap.problems import Invalid, Problem
from socialmap.routes import access as viewer
from socialmap.safety.crisis import detect
from socialmap.search.engine import DEFAULT_RADIUS, RADII, Filters, SearchRequest
from socialmap.search.places import Place, place_at, resolve

MAX_TEXT = 200


# The search's parameters: this module reads them all; links keep only these
# (anything else in a query string is not carried on).
SEARCH_PARAMS = (
    "q",
    "where",
    "lat",
    "lon",
    "radius",
    "domain",
    "need",
    "access",
    "cost",
    "language",
    "format",
    "age",
    "open",
    "page",
    "per_page",
)
LIST_PARAMS = ("domain", "need", "language", "format")


def search_args(args: MultiDict) -> MultiDict:
    """The search parameters of a query string, list values split on commas."""
    kept = MultiDict()
    for name in SEARCH_PARAMS:
        for raw in args.getlist(name):
            values = [v.strip() for v in raw.split(",")] if name in LIST_PARAMS else [raw.strip()]
            for v in values:
                if v:
                    kept.add(name, v)
    return kept


class ParamError(Invalid):
    """One search parameter is wrong (the search stops at the first)."""

    def __init__(self, param: str, message: str):
        self.param, self.message = param, message
        super().__init__([Problem("", param, message)])


@dataclass(frozen=True)
class ParsedSearch:
    request: SearchRequest
    where_text: str


def _int(args: MultiDict, name: str, low: int, high: int, default: int | None) -> int | None:
    raw = args.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(name, _("'%(value)s' is geen heel getal", value=raw)) from None
    if not low <= value <= high:
        raise ParamError(name, _("kies een getal van %(low)d tot en met %(high)d", low=low, high=high))
    return value


def _codes(args: MultiDict, name: str, allowed) -> tuple[str, ...]:
    values = [v.strip() for raw in args.getlist(name) for v in raw.split(",") if v.strip()]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ParamError(name, _("onbekende waarde '%(value)s'", value=bad[0]))
    return tuple(dict.fromkeys(values))


def _float(args: MultiDict, name: str, low: float, high: float) -> float | None:
    raw = args.get(name, "").strip()
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ParamError(name, _("'%(value)s' is geen getal", value=raw)) from None
    if not low <= value <= high:
        raise ParamError(name, _("moet tussen %(low)s en %(high)s liggen", low=low, high=high))
    return value


def parse(args: MultiDict, session: Session, locale: str) -> ParsedSearch:
    text = args.get("q", "").strip()
    if len(text) > MAX_TEXT:
        raise ParamError("q", _("gebruik hoogstens %(n)d tekens", n=MAX_TEXT))
    need_codes = set(session.scalars(select(NeedTerm.code)))
    open_value = args.get("open", "").strip()
    if open_value not in ("", "now", "today"):
        raise ParamError("open", _("kies 'now' (nu open) of 'today' (vandaag open)"))
    access = args.get("access", "").strip()
    if access not in ("", "open"):
        raise ParamError("access", _("alleen 'open' (geen verwijzing nodig) is mogelijk"))
    cost = args.get("cost", "").strip()
    if cost not in ("", "free"):
        raise ParamError("cost", _("alleen 'free' (gratis) is mogelijk"))
    filters = Filters(
        domains=_codes(args, "domain", voc.DOMAINS),
        needs=_codes(args, "need", need_codes),
        open_access=access == "open",
        free=cost == "free",
        languages=_codes(args, "language", voc.LANGUAGES),
        formats=_codes(args, "format", voc.FORMATS),
        age=_int(args, "age", 0, 120, None),
        open_now=open_value == "now",
        open_today=open_value == "today",
    )

    radius_km = _int(args, "radius", 1, 25, DEFAULT_RADIUS // 1000)
    if radius_km * 1000 not in RADII:
        raise ParamError("radius", _("kies 1, 2, 5, 10 of 25 kilometer"))

    where = args.get("where", "").strip()
    lat, lon = _float(args, "lat", -90, 90), _float(args, "lon", -180, 180)
    place: Place | None = None
    if (lat is None) != (lon is None):
        raise ParamError("lat" if lat is None else "lon", _("geef zowel lat als lon op"))
    if lat is not None and lon is not None:
        place = place_at(session, lon, lat, "point", _("uw locatie"))
    elif where:
        place = resolve(session, where)
        if place is None:
            raise ParamError(
                "where",
                _(
                    "we kennen de plaats '%(where)s' niet; probeer een postcode van 4 cijfers of de naam van uw buurt",
                    where=where,
                ),
            )
    request = SearchRequest(
        text=text,
        filters=filters,
        place=place,
        radius_m=radius_km * 1000,
        page=_int(args, "page", 1, 10_000, 1),
        per_page=_int(args, "per_page", 1, 100, 20),
        locale=locale,
        now=local_now(),
        professional=viewer.viewer_is_professional(),
        crisis=bool((signal := detect(text)) and signal.is_crisis),
    )
    return ParsedSearch(request, where)
