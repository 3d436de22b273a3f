"""Small builders for test data: a toy municipality of square buurten and services."""

from __future__ import annotations

from datetime import date, time
from itertools import count

from shapely.geometry import box

from socialmap import geo
from socialmap.catalogue.models import AreaUnit, Contact, Location, NeedTerm, Organisation, ScheduleRule, Service

_seq = count(1)

# A toy municipality GM9999 at 5.0E 52.0N: wijk WK9999A0 with buurten 01, 02 side by side,
# wijk WK9999B0 with buurt 01 to the east. Each buurt is 0.01 x 0.01 degree (~680 x 1100 m).
ORIGIN = (5.0, 52.0)


def square(ix: int, size: float = 0.01):
    x0, y0 = ORIGIN
    return geo.as_multipolygon(box(x0 + ix * size, y0, x0 + (ix + 1) * size, y0 + size))


def toy_region(session) -> dict[str, AreaUnit]:
    nl = AreaUnit(code="NL", level="country", name="Nederland")
    region = AreaUnit(code="RG-TOY", level="region", name="Toy region", parent=nl)
    gm = AreaUnit(code="GM9999", level="municipality", name="Toydorp", parent=region, geom=geo.to_db(square(0, 0.03)))
    wa = AreaUnit(
        code="WK9999A0",
        level="district",
        name="Wijk A",
        parent=gm,
        geom=geo.to_db(geo.as_multipolygon(box(5.0, 52.0, 5.02, 52.01))),
    )
    wb = AreaUnit(code="WK9999B0", level="district", name="Wijk B", parent=gm, geom=geo.to_db(square(2)))
    b1 = AreaUnit(code="BU9999A001", level="neighbourhood", name="Buurt A1", parent=wa, geom=geo.to_db(square(0)))
    b2 = AreaUnit(code="BU9999A002", level="neighbourhood", name="Buurt A2", parent=wa, geom=geo.to_db(square(1)))
    b3 = AreaUnit(code="BU9999B001", level="neighbourhood", name="Buurt B1", parent=wb, geom=geo.to_db(square(2)))
    session.add_all([nl, region, gm, wa, wb, b1, b2, b3])
    session.flush()
    return {a.code: a for a in (nl, region, gm, wa, wb, b1, b2, b3)}


def need(session, code="fin.debt", label="Schulden", parent=None, en=None) -> NeedTerm:
    term = NeedTerm(
        code=code,
        label=label,
        parent=parent,
        synonyms={"nl": [label.lower()]},
        translations={"en": {"label": en}} if en else {},
    )
    session.add(term)
    session.flush()
    return term


def organisation(session, **kw) -> Organisation:
    n = next(_seq)
    org = Organisation(key=kw.pop("key", f"org-{n}"), name=kw.pop("name", f"Organisatie {n}"), **kw)
    session.add(org)
    session.flush()
    return org


def location(session, lon: float, lat: float, neighbourhood: AreaUnit | None = None, **kw) -> Location:
    n = next(_seq)
    loc = Location(
        key=kw.pop("key", f"loc-{n}"),
        street=kw.pop("street", "Teststraat"),
        house_number=kw.pop("house_number", str(n)),
        city=kw.pop("city", "Toydorp"),
        geom=geo.to_db(geo.point(lon, lat)),
        neighbourhood=neighbourhood,
        **kw,
    )
    session.add(loc)
    session.flush()
    return loc


def service(
    session,
    org: Organisation | None = None,
    *,
    serves=(),
    locations=(),
    needs=(),
    domains=("social",),
    kinds=("walk_in",),
    **kw,
) -> Service:
    n = next(_seq)
    svc = Service(
        key=kw.pop("key", f"svc-{n}"),
        name=kw.pop("name", f"Dienst {n}"),
        summary=kw.pop("summary", "Een korte uitleg."),
        cost_type=kw.pop("cost_type", "free"),
        organisation=org or organisation(session),
        translations=kw.pop("translations", {}),
        **kw,
    )
    svc.set_codes("domain", list(domains))
    svc.set_codes("kind", list(kinds))
    svc.areas_served = list(serves)
    svc.locations = list(locations)
    svc.needs = list(needs)
    session.add(svc)
    session.flush()
    return svc


def weekly(weekday: int, opens: str, closes: str, kind="hours", **kw) -> ScheduleRule:
    h1, m1 = map(int, opens.split(":"))
    h2, m2 = map(int, closes.split(":"))
    return ScheduleRule(
        kind=kind,
        freq=kw.pop("freq", "weekly"),
        interval=kw.pop("interval", 1),
        weekday=weekday,
        opens_at=time(h1, m1),
        closes_at=time(h2, m2),
        **kw,
    )


def contact(label: str, audience="public", **kw) -> Contact:
    return Contact(label=label, audience=audience, translations={}, **kw)


TODAY = date(2026, 11, 24)
