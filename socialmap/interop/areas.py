"""Import CBS-style neighbourhood (buurt) GeoJSON for any municipality, or
municipalities on their own (for a municipality without buurt geometry), and
the optional level between municipality and wijk (:func:`import_boroughs`:
Amsterdam's stadsdelen).

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
from functools import lru_cache
from pathlib import Path

import yaml
from shapely import make_valid
from shapely.ops import unary_union
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap import geo
from socialmap.catalogue.models import AreaUnit
from socialmap.config import DATA_DIR
from socialmap.problems import Problems, _, did_you_mean, shown

BUURT_CODE = re.compile(r"^BU(\d{4})([0-9A-Z]{2})([0-9A-Z]{2})$")
MUNICIPALITY_CODE = re.compile(r"^GM\d{4}$")
MUNICIPALITIES = DATA_DIR / "areas" / "gemeenten_2023.geojson"  # all 343 (2023), simplified, WGS84


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
    except (FileNotFoundError, IsADirectoryError):
        problems.add(str(path), "", _("bestand niet gevonden"))
        return []
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.add(str(path), "", _("geen geldige JSON: %(error)s", error=str(exc)))
        return []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        problems.add(str(path), "type", _("verwacht een GeoJSON FeatureCollection, niet %(value)s", value=shown(found)))
        return []
    crs = ((doc.get("crs") or {}).get("properties") or {}).get("name", "")
    if crs and not any(s in crs for s in ("CRS84", "4326")):
        problems.add(str(path), "crs", _("coördinaten moeten WGS84 lon/lat zijn; het bestand zegt %(crs)s", crs=crs))
    return doc.get("features") or []


def import_neighbourhoods(
    session: Session,
    path: Path,
    mapping: FieldMapping = FieldMapping(),
    municipality_names: dict[str, str] | None = None,
) -> ImportReport:
    """Validate every feature, then write buurten, derived wijken and municipalities."""
    problems = Problems()
    features = read_geojson(path, problems)
    problems.raise_if_any()
    if not features:
        problems.add(str(path), "features", _("het bestand bevat geen features"))
        problems.raise_if_any()

    buurten: dict[str, tuple[str, object, str | None]] = {}
    first: dict[str, int] = {}
    for index, feature in enumerate(features):
        props = (feature.get("properties") if isinstance(feature, dict) else None) or {}
        where = f"{Path(path).name}: feature {index}"
        code, name = props.get(mapping.code), props.get(mapping.name)
        if not isinstance(code, str) or not BUURT_CODE.match(code):
            problems.add(
                where,
                mapping.code,
                _field_hint(_("geen CBS-buurtcode (BU + 8 tekens): %(value)s", value=shown(code)), mapping.code, props),
            )
            continue
        where = f"{Path(path).name}: {code}"
        if code in buurten or code in first:
            problems.add(
                where, mapping.code, _("komt twee keer voor; de eerste keer in feature %(first)d", first=first[code])
            )
        first.setdefault(code, index)
        if not isinstance(name, str) or not name.strip():
            problems.add(where, mapping.name, _field_hint(_("naam ontbreekt"), mapping.name, props))
        shape = _checked_shape(problems, where, feature)
        if shape is None:
            continue
        district_name = props.get(mapping.district_name) if mapping.district_name else None
        buurten[code] = ((name or "").strip(), shape, district_name)
    problems.raise_if_any()

    by_district: dict[str, list[str]] = defaultdict(list)
    for code in sorted(buurten):
        by_district["WK" + code[2:8]].append(code)
    by_municipality: dict[str, list[str]] = defaultdict(list)
    for wk in by_district:
        by_municipality["GM" + wk[2:6]].append(wk)

    existing = {
        a.code: a
        for a in session.scalars(select(AreaUnit).where(AreaUnit.code.in_([*buurten, *by_district, *by_municipality])))
    }

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
        municipality = upsert(
            gm,
            "municipality",
            names.get(gm) or (known.name if known else gm),
            _union(shapes),
            known.parent if known else None,
        )
        for wk in districts:
            members = by_district[wk]
            # A wijk put under a borough (import_boroughs) stays there.
            above = (
                existing[wk].parent
                if wk in existing and existing[wk].parent is not None and existing[wk].parent.level == "borough"
                else municipality
            )
            district = upsert(
                wk, "district", _district_name(wk, members, buurten), _union([buurten[bu][1] for bu in members]), above
            )
            for bu in members:
                upsert(bu, "neighbourhood", buurten[bu][0], buurten[bu][1], district)
    session.flush()
    return ImportReport(len(buurten), len(by_district), len(by_municipality))


def _checked_shape(problems, where: str, feature: dict):
    """The feature's polygon, or None; a problem is noted for an unusable one, or
    for coordinates that are not WGS84 lon/lat."""
    try:
        shape = _shape(feature)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        problems.add(where, "geometry", _("geen bruikbaar vlak: %(error)s", error=str(exc)))
        return None
    if not _within_lonlat(shape):
        problems.add(where, "geometry", _("coördinaten zijn geen WGS84 lon/lat"))
    return shape


def _shape(feature: dict):
    """The feature's geometry as a valid MultiPolygon."""
    shape = geo.geojson_to_shape(feature.get("geometry") or {})
    if not shape.is_valid:
        shape = make_valid(shape)
    return geo.as_multipolygon(_polygonal(shape))


def _field_hint(message: str, field_: str, props: dict) -> str:
    """When the feature lacks the configured field, name the near one it has."""
    if field_ in props or not props:
        return message
    return did_you_mean(
        message
        + " "
        + _(
            "(het veld %(field)s ontbreekt; dit feature heeft: %(fields)s)",
            field=shown(field_),
            fields=", ".join(map(str, props)),
        ),
        field_,
        [str(k) for k in props],
    )


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


def ensure_region(
    session: Session,
    code: str,
    name: str,
    municipality_codes: list[str],
    country_code: str = "NL",
    country_name: str = "Nederland",
) -> AreaUnit:
    """A region (e.g. RG-AMA) above its municipalities, under the country."""
    country = session.scalar(select(AreaUnit).where(AreaUnit.code == country_code)) or AreaUnit(
        code=country_code, level="country", name=country_name
    )
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


def municipality_names(path: Path = MUNICIPALITIES) -> dict[str, str]:
    """code -> name of every municipality in the CBS municipalities file (read once)."""
    return dict(_municipality_names(str(path)))


@lru_cache(maxsize=4)
def _municipality_names(path: str) -> tuple[tuple[str, str], ...]:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple((f["properties"]["gemeentecode"], f["properties"]["gemeentenaam"]) for f in doc["features"])


@dataclass(frozen=True)
class MunicipalityReport:
    imported: tuple[str, ...]  # codes written with their polygon
    kept: tuple[str, ...]  # codes that already had wijken: name updated, derived polygon kept


def import_municipalities(
    session: Session, path: Path, codes: list[str], code_field: str = "gemeentecode", name_field: str = "gemeentenaam"
) -> MunicipalityReport:
    """Write the named municipalities from a municipalities GeoJSON (CBS fields by
    default) under the country, so a municipality without buurt geometry can be
    served and searched by postcode. A municipality that already has wijken keeps
    its polygon (the union of its buurten is finer than a simplified outline)."""
    problems = Problems()
    name = Path(path).name
    features = read_geojson(path, problems)
    problems.raise_if_any()
    wanted = list(dict.fromkeys(c.strip().upper() for c in codes if c and c.strip()))
    if not wanted:
        problems.add(name, "--codes", _("geef minstens één gemeentecode, bijvoorbeeld --codes GM0513"))
    by_code: dict[str, tuple[int, dict]] = {}
    for index, feature in enumerate(features):
        props = (feature.get("properties") if isinstance(feature, dict) else None) or {}
        code = props.get(code_field)
        if isinstance(code, str):
            by_code.setdefault(code, (index, feature))
    if features and not by_code:
        props = (features[0].get("properties") if isinstance(features[0], dict) else None) or {}
        problems.add(
            name, code_field, _field_hint(_("geen feature heeft een gemeentecode in dit veld"), code_field, props)
        )
    names_by_code = {c: (f.get("properties") or {}).get(name_field) for c, (_i, f) in by_code.items()}
    chosen: dict[str, tuple[str, object]] = {}
    for code in wanted:
        if code not in by_code:
            by_name = {str(n).lower(): c for c, n in names_by_code.items() if n}
            hint = by_name.get(code.lower())
            message = _("gemeentecode %(value)s staat niet in dit bestand", value=shown(code))
            if hint:
                message += _("; bedoelt u %(suggestion)s?", suggestion=f"{hint} ({names_by_code[hint]})")
            elif not MUNICIPALITY_CODE.match(code):
                message += " " + _("(een gemeentecode is GM met vier cijfers)")
            else:
                message = did_you_mean(message, code, by_code)
            problems.add(name, "--codes", message)
            continue
        index, feature = by_code[code]
        where = f"{name}: {code}"
        label = names_by_code.get(code)
        if not isinstance(label, str) or not label.strip():
            problems.add(
                where, name_field, _field_hint(_("naam ontbreekt"), name_field, feature.get("properties") or {})
            )
        shape = _checked_shape(problems, where, feature)
        if shape is None:
            continue
        chosen[code] = ((label or "").strip(), shape)
    problems.raise_if_any()

    existing = {a.code: a for a in session.scalars(select(AreaUnit).where(AreaUnit.code.in_([*chosen, "NL"])))}
    country = existing.get("NL") or AreaUnit(code="NL", level="country", name="Nederland")
    session.add(country)
    imported, kept = [], []
    for code, (label, shape) in chosen.items():
        area = existing.get(code) or AreaUnit(code=code)
        area.level, area.name = "municipality", label
        if area.parent is None:
            area.parent = country
        has_districts = (
            area.id is not None
            and session.scalar(select(AreaUnit.id).where(AreaUnit.parent_id == area.id).limit(1)) is not None
        )
        if has_districts:
            kept.append(code)
        else:
            area.geom = geo.to_db(shape)
            imported.append(code)
        session.add(area)
    session.flush()
    return MunicipalityReport(tuple(imported), tuple(kept))


@dataclass(frozen=True)
class BoroughReport:
    boroughs: int
    districts: int  # wijken now under a borough


BOROUGH_KEYS = ("code", "name", "wijken")


def import_boroughs(session: Session, path: Path) -> BoroughReport:
    """Write the boroughs (stadsdelen, gebieden) of one municipality from a YAML
    file and put its wijken under them: municipality > borough > wijk > buurt.

    Each borough names its wijken by code or by the start of their codes
    ("WK0363F": every wijk whose code begins so). Every wijk of the
    municipality must fall in exactly one borough, so the level is complete or
    absent; a file naming an unknown wijk, or leaving wijken out, fails whole.
    Loading again updates names and members; nothing is deleted."""
    problems = Problems()
    name = Path(path).name
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, IsADirectoryError):
        problems.add(str(path), "", _("bestand niet gevonden"))
        problems.raise_if_any()
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.add(name, "", _("geen geldige YAML: %(error)s", error=str(exc)))
        problems.raise_if_any()
    if not isinstance(doc, dict) or not isinstance(doc.get("boroughs"), list) or not doc["boroughs"]:
        problems.add(name, "boroughs", _("verwacht 'municipality: GM…' en een lijst 'boroughs'"))
        problems.raise_if_any()
    gm = str(doc.get("municipality") or "").strip().upper()
    municipality = session.scalar(select(AreaUnit).where(AreaUnit.code == gm, AreaUnit.level == "municipality"))
    if municipality is None:
        problems.add(
            name,
            "municipality",
            _(
                "gemeente %(value)s is niet geladen; laad eerst de buurten: "
                "flask --app socialmap areas import BUURTEN.geojson",
                value=shown(gm),
            ),
        )
        problems.raise_if_any()
    wijken = {
        a.code: a
        for a in session.scalars(
            select(AreaUnit).where(AreaUnit.level == "district", AreaUnit.code.startswith("WK" + gm[2:]))
        )
    }
    if not wijken:
        problems.add(name, "municipality", _("gemeente %(value)s heeft geen wijken op deze kaart", value=shown(gm)))
        problems.raise_if_any()
    taken: dict[str, str] = {}
    plans: list[tuple[str, str, list[AreaUnit]]] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(doc["boroughs"]):
        where = f"{name}: boroughs[{index}]"
        if not isinstance(entry, dict):
            problems.add(where, "", _("verwacht code, name en wijken"))
            continue
        for key in entry:
            if key not in BOROUGH_KEYS:
                problems.add(
                    where,
                    str(key),
                    did_you_mean(_("onbekend veld %(value)s", value=shown(key)), str(key), BOROUGH_KEYS),
                )
        code, label = str(entry.get("code") or "").strip(), str(entry.get("name") or "").strip()
        if not code or not label:
            problems.add(where, "code" if not code else "name", _("ontbreekt"))
            continue
        where = f"{name}: {code}"
        if code in seen:
            problems.add(
                where, "code", _("komt twee keer voor; de eerste keer in boroughs[%(first)d]", first=seen[code])
            )
            continue
        seen[code] = index
        clash = session.scalar(select(AreaUnit.level).where(AreaUnit.code == code))
        if clash is not None and clash != "borough":
            problems.add(
                where, "code", _("%(value)s is al de code van een gebied van een ander niveau", value=shown(code))
            )
        patterns = entry.get("wijken")
        patterns = [patterns] if isinstance(patterns, str) else patterns
        if not isinstance(patterns, list) or not patterns:
            problems.add(where, "wijken", _("geef wijkcodes, of het begin ervan (bijvoorbeeld WK0363F)"))
            continue
        members: list[AreaUnit] = []
        for pattern in map(str, patterns):
            matched = [w for c, w in sorted(wijken.items()) if c.startswith(pattern.strip().upper())]
            if not matched:
                problems.add(
                    where,
                    "wijken",
                    did_you_mean(
                        _(
                            "geen wijk van %(municipality)s heeft een code die begint met %(value)s",
                            municipality=gm,
                            value=shown(pattern),
                        ),
                        pattern,
                        wijken,
                    ),
                )
            for w in matched:
                if w.code in taken and taken[w.code] != code:
                    problems.add(
                        where, "wijken", _("wijk %(wijk)s hoort al bij %(other)s", wijk=w.code, other=taken[w.code])
                    )
                taken.setdefault(w.code, code)
                members.append(w)
        plans.append((code, label, members))
    missing = sorted(set(wijken) - set(taken))
    if missing and not problems:
        problems.add(
            name, "boroughs", _("deze wijken horen bij geen enkel gebied: %(codes)s", codes=", ".join(missing))
        )
    problems.raise_if_any()

    existing = {
        a.code: a for a in session.scalars(select(AreaUnit).where(AreaUnit.code.in_([code for code, _l, _m in plans])))
    }
    for code, label, members in plans:
        borough = existing.get(code) or AreaUnit(code=code)
        borough.level, borough.name, borough.parent = "borough", label, municipality
        borough.geom = geo.to_db(_union([geo.from_db(w.geom) for w in members]))
        session.add(borough)
        for w in members:
            w.parent = borough
    session.flush()
    return BoroughReport(len(plans), len(taken))
