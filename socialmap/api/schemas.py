"""The JSON shapes of the public API (version 1).

A search answers as JSON (``results``) or as GeoJSON (a FeatureCollection:
one Feature per service; a Point, a MultiPoint for several locations, or no
geometry for a service without an address, such as a helpline). Both carry
the same properties per service. Professional-only contact details are not
part of any shape here.
"""

from __future__ import annotations

from flask import url_for

from socialmap.catalogue import vocabulary as voc
from socialmap.search import presenters as search_presenters


def place_json(place) -> dict | None:
    if place is None:
        return None
    return {
        "kind": place.kind,
        "label": place.label,
        "lon": round(place.lon, 6),
        "lat": round(place.lat, 6),
        "neighbourhood": (
            {"code": place.neighbourhood_code, "name": place.neighbourhood_name} if place.neighbourhood_code else None
        ),
        "area_code": place.area_code,
        "municipality_code": place.municipality_code,
    }


def filters_json(f) -> dict:
    return {
        "domain": list(f.domains),
        "need": list(f.needs),
        "access": "open" if f.open_access else None,
        "cost": "free" if f.free else None,
        "language": list(f.languages),
        "format": list(f.formats),
        "age": f.age,
        "open": "now" if f.open_now else "today" if f.open_today else None,
    }


def _location(loc) -> dict:
    lon, lat, address, key = loc
    return {"key": key, "address": address, "lon": lon, "lat": lat}


def hit_json(hit, area_names: dict) -> dict:
    return {
        "key": hit.key,
        "name": hit.name,
        "name_lang": hit.name_lang,
        "summary": hit.summary,
        "summary_lang": hit.summary_lang,
        "organisation": hit.organisation,
        "url": url_for("catalogue.service", key=hit.key, _external=True),
        "domains": hit.domains,
        "kinds": hit.kinds,
        "access": hit.access,
        "no_referral_needed": search_presenters.open_access(hit),
        "cost": hit.cost,
        "status": hit.status,
        "freshness": hit.freshness,
        "waiting_weeks": hit.waiting_weeks,
        "professionals_only": hit.professionals_only,
        "distance_m": None if hit.distance_m is None else round(hit.distance_m),
        "serves_here": hit.serves_here,
        "serves": [
            {"code": c, "name": area_names[c].name, "level": area_names[c].level}
            if c in area_names
            else {"code": c, "name": None, "level": None}
            for c in hit.serves
        ],
        "why": {
            "needs": hit.matched_needs,
            "kinds": hit.matched_kinds,
            "words": hit.matched_words,
            "related_words": hit.related_words,
        },
        "nearest": _location(hit.nearest) if hit.nearest else None,
        "locations": [_location(loc) for loc in hit.locations],
    }


def search_json(response, parsed, area_names: dict, links: dict) -> dict:
    request = parsed.request
    interpretation = response.interpretation
    return {
        "query": {
            "q": request.text,
            "where": parsed.where_text,
            "place": place_json(response.place),
            "radius_km": response.radius_m // 1000,
            "filters": filters_json(request.filters),
            "locale": request.locale,
        },
        "understood": {
            "needs": interpretation.need_codes if interpretation else [],
            "kinds": interpretation.kind_codes if interpretation else [],
        },
        "total": response.total,
        "page": response.page,
        "pages": response.pages,
        "per_page": response.per_page,
        "domain_counts": {
            code: response.domain_counts[code] for code in voc.DOMAINS if response.domain_counts.get(code)
        },
        "links": links,
        "results": [hit_json(h, area_names) for h in response.hits],
    }


def _geometry(hit) -> dict | None:
    points = [[loc[0], loc[1]] for loc in hit.locations]
    if not points:
        return None
    if len(points) == 1:
        return {"type": "Point", "coordinates": points[0]}
    return {"type": "MultiPoint", "coordinates": points}


def search_geojson(response, parsed, area_names: dict, links: dict) -> dict:
    body = search_json(response, parsed, area_names, links)
    results = body.pop("results")
    features = [
        {"type": "Feature", "id": h["key"], "geometry": _geometry(hit), "properties": h}
        for h, hit in zip(results, response.hits)
    ]
    return {"type": "FeatureCollection", "features": features, **body}


def area_json(area, parent_names: list[str]) -> dict:
    return {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        "level_label": str(voc.AREA_LEVEL_LABELS.get(area.level, area.level)),
        "within": parent_names,
    }
