"""What goes on a map, from the catalogue and from search hits, in the
visitor's language: the plain data the builders take."""

from __future__ import annotations

from flask import current_app, url_for

from socialmap.catalogue.models import AreaUnit, Service
from socialmap.geo import from_db, shape_to_geojson
from socialmap.i18n import current_locale, localized
from socialmap.maps.builders import Here, MapPoint, Outline, Tiles
from socialmap.search import presenters as search_presenters

# Outlines are simplified before they are sent (metres are not needed on a
# city map): about 5 m for a buurt or wijk, 25 m for a whole municipality.
TOLERANCE = {"neighbourhood": 0.00005, "district": 0.00005, "borough": 0.00005, "municipality": 0.00025}
OUTLINED_LEVELS = tuple(TOLERANCE)  # a region or the country is said in words, not drawn


def tiles() -> Tiles:
    return Tiles(current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"])


def outline(area: AreaUnit, role: str = "served") -> Outline | None:
    shape = from_db(area.geom)
    if shape is None or shape.is_empty:
        return None
    simple = shape.simplify(TOLERANCE.get(area.level, 0.0005), preserve_topology=True)
    return Outline(area.name, _rounded(shape_to_geojson(simple)), role)


def _rounded(geometry: dict) -> dict:
    def walk(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(c[0], 6), round(c[1], 6)]
        return [walk(x) for x in c]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def hit_points(hits) -> list[MapPoint]:
    """Every location of every hit, with the distance from the person's place."""
    locale = current_locale()
    points = []
    for hit in hits:
        link = url_for("catalogue.service", key=hit.key)
        for lon, lat, address, location_key in hit.locations:
            lines = [hit.organisation, address]
            if hit.distance_m is not None and hit.nearest and hit.nearest[3] == location_key:
                lines.append(search_presenters.distance_text(hit.distance_m))
            points.append(
                MapPoint(lon, lat, hit.name, link, tuple(lines), hit.name_lang if hit.name_lang != locale else None)
            )
    return points


def service_points(services: list[Service], link: bool = True) -> list[MapPoint]:
    """The locations of services (one point per service and location)."""
    points = []
    for svc in services:
        name = localized(svc, "name")
        for loc in svc.locations:
            pt = from_db(loc.geom)
            points.append(
                MapPoint(
                    pt.x,
                    pt.y,
                    str(name),
                    url_for("catalogue.service", key=svc.key) if link else None,
                    tuple(x for x in (loc.name, loc.address) if x),
                    name.lang if name.lang != current_locale() else None,
                )
            )
    return points


def served_outlines(service: Service) -> list[Outline]:
    found = []
    for area in service.areas_served:
        if area.level in OUTLINED_LEVELS:
            shape = outline(area, "served")
            if shape is not None:
                found.append(shape)
    return found


def here(place, radius_m: int | None) -> Here | None:
    if place is None:
        return None
    return Here(place.lon, place.lat, place.label, radius_m)
