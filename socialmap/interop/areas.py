"""Import CBS-style neighbourhood (buurt) GeoJSON for any municipality.

Wijk and municipality are derived from the CBS buurt code
(``BU`` + 4-digit municipality + 2-character wijk + 2-character buurt), their
polygons as the union of their buurten. The field names are configurable.
Importing the same file twice updates in place.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from shapely import make_valid
from shapely.ops import unary_union
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap import geo
from socialmap.catalogue.models import AreaUnit
from socialmap.interop.problems import Problems

BUURT_CODE = re.compile(r"^BU(\d{4})([0-9A-Z]{2})([0-9A-Z]{2})$")


@dataclass(frozen=True)
class FieldMapping:
    code: str = "cbsCode"
    name: str = "naam"
    district_name: str | None = None  # a property holding the wijk name, if the file has one


@dataclass(frozen=True)
class ImportReport:
    neighbourhoods: int
    districts: int
    municipalities: int


def read_geojson(path: Path, problems: Problems) -> list[dict]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.add(str(path), "", "file not found")
        return []
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.add(str(path), "", f"not valid JSON: {exc}")
        return []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        problems.add(str(path), "type", "expected a GeoJSON FeatureCollection")
        return []
    crs = ((doc.get("crs") or {}).get("properties") or {}).get("name", "")
    if crs and not any(s in crs for s in ("CRS84", "4326")):
        problems.add(str(path), "crs", f"coordinates must be WGS84 lon/lat, file says {crs}")
    return doc.get("features") or []


def import_neighbourhoods(session: Session, path: Path, mapping: FieldMapping = FieldMapping(),
                          municipality_names: dict[str, str] | None = None) -> ImportReport:
    """Validate every feature, then write buurten, derived wijken and municipalities."""
    problems = Problems()
    features = read_geojson(path, problems)
    problems.raise_if_any()
    if not features:
        problems.add(str(path), "features", "the file holds no features")
        problems.raise_if_any()

    buurten: dict[str, tuple[str, object, str | None]] = {}
    for index, feature in enumerate(features):
        props = feature.get("properties") or {}
        where = f"{Path(path).name}: feature {index}"
        code, name = props.get(mapping.code), props.get(mapping.name)
        if not isinstance(code, str) or not BUURT_CODE.match(code):
            problems.add(where, mapping.code, f"not a CBS buurt code (BU + 8 characters): {code!r}")
            continue
        where = f"{Path(path).name}: {code}"
        if code in buurten:
            problems.add(where, mapping.code, "appears twice")
        if not isinstance(name, str) or not name.strip():
            problems.add(where, mapping.name, "name is missing")
        try:
            shape = geo.geojson_to_shape(feature.get("geometry") or {})
            if not shape.is_valid:
                shape = make_valid(shape)
            shape = geo.as_multipolygon(_polygonal(shape))
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            problems.add(where, "geometry", f"not a usable polygon: {exc}")
            continue
        if not _within_lonlat(shape):
            problems.add(where, "geometry", "coordinates are not WGS84 lon/lat")
        district_name = props.get(mapping.district_name) if mapping.district_name else None
        buurten[code] = ((name or "").strip(), shape, district_name)
    problems.raise_if_any()

    by_district: dict[str, list[str]] = defaultdict(list)
    for code in sorted(buurten):
        by_district["WK" + code[2:8]].append(code)
    by_municipality: dict[str, list[str]] = defaultdict(list)
    for wk in by_district:
        by_municipality["GM" + wk[2:6]].append(wk)

    existing = {a.code: a for a in session.scalars(select(AreaUnit).where(
        AreaUnit.code.in_([*buurten, *by_district, *by_municipality])))}

    def upsert(code: str, level: str, name: str, shape, parent: AreaUnit | None) -> AreaUnit:
        area = existing.get(code) or AreaUnit(code=code)
        area.level, area.name, area.parent = level, name, parent
        area.geom = geo.to_db(geo.as_multipolygon(shape))
        session.add(area)
        return area

    names = municipality_names or {}
    for gm, districts in by_municipality.items():
        shapes = [buurten[bu][1] for wk in districts for bu in by_district[wk]]
        known = existing.get(gm)
        municipality = upsert(gm, "municipality", names.get(gm) or (known.name if known else gm),
                              _union(shapes), known.parent if known else None)
        for wk in districts:
            members = by_district[wk]
            district = upsert(wk, "district", _district_name(wk, members, buurten),
                              _union([buurten[bu][1] for bu in members]), municipality)
            for bu in members:
                upsert(bu, "neighbourhood", buurten[bu][0], buurten[bu][1], district)
    session.flush()
    return ImportReport(len(buurten), len(by_district), len(by_municipality))


def _polygonal(shape):
    """Keep only the polygon parts (make_valid may add lines or points)."""
    if shape.geom_type in ("Polygon", "MultiPolygon"):
        return shape
    parts = [g for g in getattr(shape, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        raise ValueError(f"{shape.geom_type} has no area")
    return unary_union(parts)


def _within_lonlat(shape) -> bool:
    minx, miny, maxx, maxy = shape.bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def _union(shapes):
    return geo.as_multipolygon(_polygonal(unary_union(shapes).buffer(0)))


def _district_name(code: str, members: list[str], buurten: dict) -> str:
    """The wijk's name: from the file if it has one, else the common part of its
    buurt names ("Planciusbuurt-Noord" + "Planciusbuurt-Zuid" -> "Planciusbuurt"),
    else its largest buurt's name with "e.o." (and surroundings)."""
    given = {buurten[bu][2] for bu in members if buurten[bu][2]}
    if len(given) == 1:
        return given.pop()
    names = [buurten[bu][0] for bu in members]
    common = _common_words(names)
    if len(names) > 1 and len(common) >= 4:
        return common
    if len(names) == 1:
        return names[0]
    largest = max(members, key=lambda bu: buurten[bu][1].area)
    name = buurten[largest][0]
    return name if name.endswith("e.o.") else f"{name} e.o."


def _common_words(names: list[str]) -> str:
    split = [re.split(r"[\s\-/]+", n) for n in names]
    common = []
    for words in zip(*split):
        if len(set(words)) != 1:
            break
        common.append(words[0])
    return " ".join(common).strip()


def ensure_region(session: Session, code: str, name: str, municipality_codes: list[str],
                  country_code: str = "NL", country_name: str = "Nederland") -> AreaUnit:
    """A region (e.g. RG-AMA) above its municipalities, under the country."""
    country = session.scalar(select(AreaUnit).where(AreaUnit.code == country_code)) or AreaUnit(
        code=country_code, level="country", name=country_name)
    region = session.scalar(select(AreaUnit).where(AreaUnit.code == code)) or AreaUnit(code=code)
    region.level, region.name, region.parent = "region", name, country
    session.add_all([country, region])
    municipalities = list(session.scalars(select(AreaUnit).where(AreaUnit.code.in_(municipality_codes))))
    for m in municipalities:
        m.parent = region
    shapes = [geo.from_db(m.geom) for m in municipalities if m.geom is not None]
    if shapes:
        region.geom = geo.to_db(_union(shapes))
    session.flush()
    return region
