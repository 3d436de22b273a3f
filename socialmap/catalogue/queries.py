"""Reads of the catalogue. Spatial questions are answered by the database,
through its spatial index (see :mod:`socialmap.geo`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shapely import wkt as shapely_wkt
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session, selectinload

from socialmap import geo
from socialmap.catalogue.areas import area_tree
from socialmap.catalogue.models import (
    AreaUnit,
    Location,
    NeedTerm,
    Organisation,
    Service,
    ServiceFacet,
    service_area,
    service_location,
)
from socialmap.revision import kept


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def area_by_code(session: Session, code: str) -> AreaUnit | None:
    return session.scalar(select(AreaUnit).where(AreaUnit.code == code))


def neighbourhood_ref_at(session: Session, lon: float, lat: float) -> tuple[int, str] | None:
    """(id, code) of the buurt that contains the point: one indexed query, no ORM objects."""
    pt = geo.sql_point(lon, lat)
    row = session.execute(
        select(AreaUnit.id, AreaUnit.code)
        # `level || ''` keeps SQLite from scanning the level index instead of
        # starting from the spatial index's few candidates.
        .where(
            AreaUnit.level.concat("") == "neighbourhood",
            geo.index_filter("area_unit", "geom", AreaUnit.id, pt, dialect(session), AreaUnit.geom),
            func.ST_Contains(AreaUnit.geom, pt),
        )
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def neighbourhood_at(session: Session, lon: float, lat: float) -> AreaUnit | None:
    """The buurt that contains the point, or None outside the mapped region."""
    ref = neighbourhood_ref_at(session, lon, lat)
    return session.get(AreaUnit, ref[0]) if ref else None


def ancestor_ids(area: AreaUnit) -> list[int]:
    """The area's id and the ids of every area above it (the process's area tree)."""
    session = object_session(area)
    if session is None:  # a detached area: walk its loaded parents
        return [area.id] + [a.id for a in area.ancestors()]
    return area_tree(session).ancestor_ids(area.id)


# What a list of services on a page shows (name, organisation, codes, where,
# for whom, contacts): loaded with a few ``IN`` queries, not one per service.
LISTING = (
    selectinload(Service.organisation),
    selectinload(Service.facets),
    selectinload(Service.locations),
    selectinload(Service.areas_served),
    selectinload(Service.contacts),
)


def services_serving(
    session: Session, area: AreaUnit, active_only: bool = True, options: Sequence = ()
) -> list[Service]:
    """Services whose service area includes ``area``: it, or a wijk, municipality,
    region or country that contains it (an indexed join, no geometry needed).
    ``options`` are loader options, e.g. :data:`LISTING`."""
    serving = select(service_area.c.service_id).where(service_area.c.area_id.in_(ancestor_ids(area)))
    query = select(Service).where(Service.id.in_(serving)).order_by(Service.name).options(*options)
    if active_only:
        query = query.where(Service.status != "ended")
    return list(session.scalars(query))


def nearest_locations(session: Session, area: AreaUnit, service_ids: Iterable[int]) -> dict[int, tuple[int, float]]:
    """For each service, its location nearest to the middle of ``area``:
    ``{service id: (location id, metres)}``; services without a location are absent.

    The middle is ``ST_PointOnSurface`` of the area's polygon (always inside it;
    the same point a search for the area by name starts from), and the distance
    is the database's metres on the sphere (one query per 500 services)."""
    ids = list(service_ids)
    if not ids:
        return {}
    middle = select(func.ST_PointOnSurface(AreaUnit.geom)).where(AreaUnit.id == area.id).scalar_subquery()
    distance = geo.distance_m(Location.geom, middle, dialect(session))
    nearest: dict[int, tuple[int, float]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(service_location.c.service_id, Location.id, distance)
            .join(Location, Location.id == service_location.c.location_id)
            .where(service_location.c.service_id.in_(ids[start : start + 500]))
        )
        for service_id, location_id, metres in rows:
            if metres is not None and (service_id not in nearest or metres < nearest[service_id][1]):
                nearest[service_id] = (location_id, float(metres))
    return nearest


def services_located_in(session: Session, area: AreaUnit) -> list[Service]:
    """Services with a location inside ``area`` (a buurt, wijk or municipality)."""
    ids = [area.id]
    frontier = [area]
    while frontier:  # the buurten under a wijk or municipality (at most 3 levels)
        children = [c for a in frontier for c in a.children]
        ids += [c.id for c in children]
        frontier = children
    located = select(service_location.c.service_id).join(Location).where(Location.neighbourhood_id.in_(ids))
    query = select(Service).where(Service.id.in_(located)).order_by(Service.name)
    return list(session.scalars(query))


def locations_within(session: Session, lon: float, lat: float, metres: float) -> list[tuple[Location, float]]:
    """Locations within ``metres`` of a point, nearest first, with their distance."""
    d = dialect(session)
    pt = geo.sql_point(lon, lat)
    frame = geo.sql_box(*geo.bbox_around(lon, lat, metres), d)
    distance = geo.distance_m(Location.geom, pt, d).label("distance")
    rows = session.execute(
        select(Location, distance)
        .where(geo.index_filter("location", "geom", Location.id, frame, d, Location.geom))
        .order_by(distance)
    ).all()
    return [(loc, dist) for loc, dist in rows if dist <= metres]


def areas_intersecting(session: Session, level: str, wkt: str) -> list[AreaUnit]:
    """Area units of ``level`` whose polygon meets the given WKT geometry."""
    d = dialect(session)
    shape = func.ST_GeomFromText(wkt, geo.SRID)

    frame = geo.sql_box(*shapely_wkt.loads(wkt).bounds, d)
    return list(
        session.scalars(
            select(AreaUnit)
            .where(
                AreaUnit.level == level,
                geo.index_filter("area_unit", "geom", AreaUnit.id, frame, d, AreaUnit.geom),
                func.ST_Intersects(AreaUnit.geom, shape),
            )
            .order_by(AreaUnit.code)
        )
    )


def service_detail(session: Session, key: str) -> Service | None:
    return session.scalar(
        select(Service)
        .where(Service.key == key)
        .options(
            selectinload(Service.organisation),
            selectinload(Service.facets),
            selectinload(Service.needs),
            selectinload(Service.locations).selectinload(Location.neighbourhood),
            selectinload(Service.areas_served),
            selectinload(Service.contacts),
            selectinload(Service.schedule_rules),
            selectinload(Service.schedule_exceptions),
        )
    )


@dataclass(frozen=True)
class RegionCounts:
    services: int
    organisations: int
    neighbourhoods: int
    districts: int
    per_domain: dict[str, int]


def region_counts(session: Session) -> RegionCounts:
    """Counts for the home page: active services per domain and the region's size."""
    live = Service.status != "ended"
    per_domain = Counter(
        dict(
            session.execute(
                select(ServiceFacet.code, func.count())
                .join(Service)
                .where(ServiceFacet.facet == "domain", live)
                .group_by(ServiceFacet.code)
            ).all()
        )
    )
    level_count = dict(session.execute(select(AreaUnit.level, func.count()).group_by(AreaUnit.level)).all())
    return RegionCounts(
        services=session.scalar(select(func.count()).select_from(Service).where(live)) or 0,
        organisations=session.scalar(select(func.count()).select_from(Organisation)) or 0,
        neighbourhoods=level_count.get("neighbourhood", 0),
        districts=level_count.get("district", 0),
        per_domain=dict(per_domain),
    )


def need_tree(session: Session) -> list[NeedTerm]:
    """Top-level needs with their children loaded, in taxonomy order."""
    return list(
        session.scalars(
            select(NeedTerm)
            .where(NeedTerm.parent_id.is_(None))
            .options(selectinload(NeedTerm.children))
            .order_by(NeedTerm.position)
        )
    )


def need_labels(session: Session, locale: str) -> dict[str, str]:
    """Need labels in ``locale`` (Dutch fallback), kept until the taxonomy's
    stamp changes (:mod:`socialmap.revision`)."""

    def build() -> dict[str, str]:
        rows = session.execute(select(NeedTerm.code, NeedTerm.label, NeedTerm.translations)).all()
        return {code: ((tr or {}).get(locale) or {}).get("label") or label for code, label, tr in rows}

    return kept(session, "needs", build, "labels", locale)
