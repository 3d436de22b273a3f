"""The one place for geometry: conversion, SRIDs, spatial-index use, distance.

Everything is stored in WGS84 (EPSG:4326, lon/lat). Distances are metres on
the sphere. SpatiaLite and PostGIS differ in two ways that matter here, both
hidden behind these functions:

* PostGIS uses its GiST index by itself inside ``ST_Intersects``/``ST_Contains``;
  SpatiaLite only through an explicit ``SpatialIndex`` sub-query.
* The metre-distance function has another name.
"""

from __future__ import annotations

import math
from typing import Any

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import column, func, select, table
from sqlalchemy.sql.elements import ColumnElement

SRID = 4326
EARTH_RADIUS_M = 6_371_008.8


def to_db(geom: BaseGeometry) -> Any:
    """A Shapely geometry as a value for a Geometry column (SRID 4326)."""
    return from_shape(geom, srid=SRID)


def from_db(value: Any) -> BaseGeometry | None:
    return None if value is None else to_shape(value)


def point(lon: float, lat: float) -> Point:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"coordinates out of range: lon={lon}, lat={lat}")
    return Point(lon, lat)


def as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Polygons become one-part MultiPolygons, so one column type holds all areas."""
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    raise ValueError(f"expected a (multi)polygon, got {geom.geom_type}")


def geojson_to_shape(geometry: dict) -> BaseGeometry:
    return shape(geometry)


def shape_to_geojson(geom: BaseGeometry) -> dict:
    return mapping(geom)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (for values already in Python)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bbox_around(lon: float, lat: float, metres: float) -> tuple[float, float, float, float]:
    """A lon/lat box that contains every point within ``metres`` of (lon, lat)."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


# --- SQL expressions -----------------------------------------------------------


def sql_point(lon: float, lat: float) -> ColumnElement:
    return func.ST_GeomFromText(f"POINT({float(lon)!r} {float(lat)!r})", SRID)


def sql_box(minx: float, miny: float, maxx: float, maxy: float, dialect: str) -> ColumnElement:
    if dialect == "sqlite":
        return func.BuildMbr(minx, miny, maxx, maxy, SRID)
    return func.ST_MakeEnvelope(minx, miny, maxx, maxy, SRID)


def index_filter(
    table_name: str, column_name: str, pk: Any, frame: ColumnElement, dialect: str, geom: Any
) -> ColumnElement:
    """A condition keeping rows whose geometry's bounding box meets ``frame``,
    answered from the spatial index (``pk`` must be the table's integer key)."""
    if dialect == "sqlite":
        si = table(
            "SpatialIndex", column("rowid"), column("f_table_name"), column("f_geometry_column"), column("search_frame")
        )
        return pk.in_(
            select(si.c.rowid).where(
                si.c.f_table_name == table_name,
                si.c.f_geometry_column == column_name,
                si.c.search_frame == frame,
            )
        )
    return geom.op("&&")(frame)


def distance_m(a: ColumnElement, b: ColumnElement, dialect: str) -> ColumnElement:
    """Metres between two 4326 geometries, on the sphere."""
    if dialect == "sqlite":
        return func.ST_Distance(a, b, 0)  # 0 = sphere, 1 = ellipsoid; both in metres
    return func.ST_DistanceSphere(a, b)
