"""Spatial questions, answered by the database on SpatiaLite and PostGIS alike."""

import pytest
from sqlalchemy import text

from socialmap import geo
from socialmap.catalogue import queries
from tests import factories as f


@pytest.fixture
def toy(session, backend):
    return f.toy_region(session)


def test_point_in_neighbourhood(session, toy):
    assert queries.neighbourhood_at(session, 5.005, 52.005).code == "BU9999A001"
    assert queries.neighbourhood_at(session, 5.015, 52.005).code == "BU9999A002"
    assert queries.neighbourhood_at(session, 5.025, 52.005).code == "BU9999B001"
    assert queries.neighbourhood_at(session, 4.5, 52.005) is None


def test_serves_follows_the_area_hierarchy(session, toy):
    team_a = f.service(session, serves=[toy["WK9999A0"]], name="Buurtteam A")
    city = f.service(session, serves=[toy["GM9999"]], name="Schuldhulp gemeente")
    helpline = f.service(session, serves=[toy["NL"]], name="Hulplijn")
    f.service(session, serves=[toy["WK9999B0"]], name="Buurtteam B")
    served = {s.name for s in queries.services_serving(session, toy["BU9999A002"])}
    assert served == {team_a.name, city.name, helpline.name}


def test_ended_services_do_not_serve(session, toy):
    f.service(session, serves=[toy["GM9999"]], status="ended")
    assert queries.services_serving(session, toy["BU9999A001"]) == []


def test_located_in_differs_from_serves(session, toy):
    loc = f.location(session, 5.025, 52.005, toy["BU9999B001"])
    svc = f.service(session, serves=[toy["WK9999A0"]], locations=[loc])
    assert queries.services_located_in(session, toy["BU9999B001"]) == [svc]
    assert queries.services_located_in(session, toy["WK9999B0"]) == [svc]  # wijk includes its buurten
    assert svc not in queries.services_serving(session, toy["BU9999B001"])


def test_within_distance_nearest_first_in_metres(session, toy):
    near = f.location(session, 5.001, 52.001)
    far = f.location(session, 5.029, 52.009)
    hits = queries.locations_within(session, 5.0, 52.0, 3000)
    assert [loc for loc, _ in hits] == [near, far]
    for loc, dist in hits:
        pt = geo.from_db(loc.geom)
        assert dist == pytest.approx(geo.haversine_m(5.0, 52.0, pt.x, pt.y), rel=0.01)
    assert [loc for loc, _ in queries.locations_within(session, 5.0, 52.0, 500)] == [near]


def test_intersecting_areas(session, toy):
    found = queries.areas_intersecting(session, "neighbourhood", "POINT(5.015 52.005)")
    assert [a.code for a in found] == ["BU9999A002"]
    line = "LINESTRING(5.005 52.005, 5.025 52.005)"
    assert [a.code for a in queries.areas_intersecting(session, "neighbourhood", line)] == [
        "BU9999A001",
        "BU9999A002",
        "BU9999B001",
    ]


def test_point_lookup_uses_the_spatial_index(session, toy, backend):
    """The query plan shows the index, so lookups stay fast on many polygons."""
    if backend == "spatialite":
        compiled = str(_lookup_sql(session))
        assert "SpatialIndex" in compiled
        plan = session.execute(text("EXPLAIN QUERY PLAN " + compiled)).fetchall()
        # The R*Tree behind the SpatialIndex virtual table is scanned, not the area table.
        assert any("VIRTUAL TABLE" in str(row) for row in plan), plan
        assert any("INTEGER PRIMARY KEY" in str(row) for row in plan), plan
    else:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = (
            session.execute(
                text(
                    "EXPLAIN SELECT id FROM area_unit WHERE ST_Contains(geom, "
                    "ST_GeomFromText('POINT(5.005 52.005)', 4326))"
                )
            )
            .scalars()
            .all()
        )
        assert any("idx_area_unit_geom" in line for line in plan), plan


def _lookup_sql(session):
    from sqlalchemy import func, select

    from socialmap.catalogue.models import AreaUnit

    pt = geo.sql_point(5.005, 52.005)
    return (
        select(AreaUnit.id)
        .where(
            geo.index_filter("area_unit", "geom", AreaUnit.id, pt, "sqlite", AreaUnit.geom),
            func.ST_Contains(AreaUnit.geom, pt),
        )
        .compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    )
