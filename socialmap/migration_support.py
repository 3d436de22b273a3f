"""What Alembic compares: our tables only, not SpatiaLite's or PostGIS's own."""

from geoalchemy2 import alembic_helpers

from socialmap.db import Base


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table" and reflected and name not in Base.metadata.tables:
        return False  # spatial_ref_sys, geometry_columns, SpatialIndex, idx_* ...
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)
