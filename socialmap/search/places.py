"""Where is the person? A 4-digit postcode, a buurt/wijk/municipality name, or a point.

Postcodes resolve to their centroid (data/postcodes/pc4_centroids.csv), and
every point to the buurt that contains it, so ranking can ask "does this
service serve the person's buurt?".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from socialmap import geo
from socialmap.catalogue import queries
from socialmap.catalogue.areas import area_tree
from socialmap.catalogue.models import AreaUnit
from socialmap.config import DATA_DIR
from socialmap.geo import from_db

POSTCODE = re.compile(r"^\s*(\d{4})\s*([a-zA-Z]{2})?\s*$")
NL_BOUNDS = (3.2, 50.7, 7.3, 53.7)  # lon/lat box: rows outside are known errors


@dataclass(frozen=True)
class Place:
    """A resolved place: a point, the buurt there (if mapped) and its ancestors' codes."""

    kind: str  # postcode | area | point
    label: str
    lon: float
    lat: float
    neighbourhood_code: str | None = None
    neighbourhood_name: str | None = None
    area_code: str | None = None  # the area searched by name (buurt, wijk or municipality)
    municipality_code: str | None = None
    serving_codes: tuple[str, ...] = field(default_factory=tuple)  # codes whose services serve this place
    inner_codes: frozenset[str] = frozenset()  # an area named: the codes of the areas inside it

    @property
    def serving_set(self) -> frozenset[str]:
        return frozenset(self.serving_codes)


@lru_cache(maxsize=1)
def postcode_centroids() -> dict[str, tuple[float, float, str]]:
    """pc4 -> (lon, lat, place name)."""
    found = {}
    with open(DATA_DIR / "postcodes" / "pc4_centroids.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lon, lat = float(row["lon"]), float(row["lat"])
            if NL_BOUNDS[0] <= lon <= NL_BOUNDS[2] and NL_BOUNDS[1] <= lat <= NL_BOUNDS[3]:
                found[row["pc4"]] = (lon, lat, row["city"])
    return found


def _serving(session: Session, area: AreaUnit | None) -> tuple[str | None, tuple[str, ...]]:
    """(the municipality's code, the codes of the area and every area above it)."""
    if area is None:
        return None, ()
    tree = area_tree(session)
    return tree.municipality_of(area.id), tuple(tree.ancestor_codes(area.id))


def place_at(session: Session, lon: float, lat: float, kind: str = "point", label: str = "") -> Place:
    """The place at a point: its buurt and the chain of areas above it (from memory).

    In a municipality loaded without buurten (``areas import-municipalities``)
    the chain starts at the municipality: what serves it, its region or the
    country serves the place, and there is no buurt to name."""
    ref = queries.neighbourhood_ref_at(session, lon, lat)
    if ref is None:
        municipality = municipality_ref_at(session, lon, lat)
        if municipality is None:
            # Outside the mapped region: only what serves the whole country serves it.
            return Place(kind, label or f"{lat:.4f}, {lon:.4f}", lon, lat, serving_codes=("NL",))
        tree = area_tree(session)
        return Place(
            kind,
            label or tree.name[municipality[0]],
            lon,
            lat,
            None,
            None,
            None,
            municipality[1],
            tuple(tree.ancestor_codes(municipality[0])),
        )
    tree = area_tree(session)
    codes = tuple(tree.ancestor_codes(ref[0]))
    municipality = tree.municipality_of(ref[0])
    return Place(kind, label or tree.name[ref[0]], lon, lat, ref[1], tree.name[ref[0]], ref[1], municipality, codes)


def municipality_ref_at(session: Session, lon: float, lat: float) -> tuple[int, str] | None:
    """(id, code) of the municipality containing the point, asked only when no
    buurt contains it (a municipality without buurten; one indexed query)."""
    pt = geo.sql_point(lon, lat)
    row = session.execute(
        select(AreaUnit.id, AreaUnit.code)
        .where(
            AreaUnit.level.concat("") == "municipality",
            geo.index_filter("area_unit", "geom", AreaUnit.id, pt, queries.dialect(session), AreaUnit.geom),
            func.ST_Contains(AreaUnit.geom, pt),
        )
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def resolve(session: Session, text: str) -> Place | None:
    """A postcode or an area name; None when nothing matches."""
    text = (text or "").strip()
    m = POSTCODE.match(text)
    if m:
        hit = postcode_centroids().get(m.group(1))
        if hit is None:
            return None
        lon, lat, city = hit
        return place_at(session, lon, lat, "postcode", f"{m.group(1)} {city}")
    area = find_area(session, text)
    if area is None:
        return None
    shape = from_db(area.geom)
    point = shape.representative_point() if shape is not None else None
    if area.level == "neighbourhood":
        municipality, codes = _serving(session, area)
        return Place("area", area.name, point.x, point.y, area.code, area.name, area.code, municipality, codes)
    municipality, codes = _serving(session, area)
    # A wijk, stadsdeel or municipality: serving codes are the area and its
    # ancestors; the ranking treats services serving any area inside it as local too.
    return Place(
        "area",
        area.name,
        point.x if point else 0.0,
        point.y if point else 0.0,
        None,
        None,
        area.code,
        municipality,
        codes,
        area_tree(session).codes_under(area.id),
    )


# The levels a place can be named at, the smallest first.
LEVEL_ORDER = {"neighbourhood": 0, "district": 1, "borough": 2, "municipality": 3}


def find_area(session: Session, name: str) -> AreaUnit | None:
    """An area by code or exact name (case-insensitive); buurt before wijk before
    stadsdeel before municipality."""
    name = name.strip()
    if not name:
        return None
    found = session.scalars(
        select(AreaUnit).where(
            or_(AreaUnit.code == name.upper(), func.lower(AreaUnit.name) == name.lower()),
            AreaUnit.level.in_(tuple(LEVEL_ORDER)),
        )
    ).all()
    order = LEVEL_ORDER
    return min(found, key=lambda a: order[a.level]) if found else None


def suggest(session: Session, prefix: str, limit: int = 8) -> list[AreaUnit]:
    """Areas whose name starts with (then contains) ``prefix``, for type-ahead."""
    prefix = (prefix or "").strip().lower()
    if len(prefix) < 2:
        return []
    levels = tuple(LEVEL_ORDER)
    starts = session.scalars(
        select(AreaUnit)
        .where(func.lower(AreaUnit.name).like(f"{_escape(prefix)}%", escape="\\"), AreaUnit.level.in_(levels))
        .order_by(AreaUnit.name)
        .limit(limit)
    ).all()
    if len(starts) >= limit:
        return list(starts)
    contains = session.scalars(
        select(AreaUnit)
        .where(
            func.lower(AreaUnit.name).like(f"%{_escape(prefix)}%", escape="\\"),
            AreaUnit.level.in_(levels),
            AreaUnit.id.notin_([a.id for a in starts] or [-1]),
        )
        .order_by(AreaUnit.name)
        .limit(limit - len(starts))
    ).all()
    return list(starts) + list(contains)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
