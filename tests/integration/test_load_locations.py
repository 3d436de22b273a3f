"""Locations inline in the catalogue files: lon/lat (exact), or a postcode
(placed at the PC4 centroid, marked approximate); no placements file needed."""

import pytest
from sqlalchemy import select

from socialmap import geo
from socialmap.catalogue.models import Location
from socialmap.interop.catalogue_yaml import load_catalogue
from socialmap.problems import ImportFailed
from socialmap.search.places import postcode_centroids
from tests.integration.loading import catalogue, location, organisation, service, toy

APPROXIMATE = "Locatie op de kaart bij benadering (midden van het postcodegebied)"


def _load(session, tmp_path, *locations):
    path = catalogue(
        tmp_path,
        "eigen.yaml",
        [organisation("org-a", *locations)],
        [service("svc-a", "org-a", locations=[loc["key"] for loc in locations])],
    )
    return load_catalogue(session, [path])


def test_lon_lat_is_exact_and_finds_its_buurt(session, tmp_path, backend):
    toy(session)
    report = _load(session, tmp_path, location("loc-exact", lon=5.015, lat=52.005, postcode="1234ab"))
    loc = session.scalar(select(Location))
    assert (loc.approximate, loc.neighbourhood.code, loc.postcode) == (False, "BU9999A002", "1234 AB")
    point = geo.from_db(loc.geom)
    assert (round(point.x, 6), round(point.y, 6)) == (5.015, 52.005)
    assert report.approximate_locations == 0


def test_postcode_and_number_is_approximate_at_the_pc4_centroid(app, session, tmp_path, backend):
    toy(session)
    report = _load(
        session, tmp_path, location("loc-pc", street="Kanaalstraat", number="31", postcode="2801SH", city="Gouda")
    )
    loc = session.scalar(select(Location))
    lon, lat, _city = postcode_centroids()["2801"]
    point = geo.from_db(loc.geom)
    assert (round(point.x, 6), round(point.y, 6)) == (round(lon, 6), round(lat, 6))
    assert (loc.approximate, loc.postcode, loc.neighbourhood) == (True, "2801 SH", None)  # no buurt guessed
    assert report.approximate_locations == 1
    session.commit()
    page = app.test_client().get("/dienst/svc-a").get_data(as_text=True)
    assert APPROXIMATE in page and "Kanaalstraat 31" in page


def test_an_approximate_location_keeps_the_buurt_the_file_names(session, tmp_path, backend):
    toy(session)
    _load(session, tmp_path, location("loc-pc", postcode="2801", buurt="BU9999B001"))
    loc = session.scalar(select(Location))
    assert loc.approximate and loc.neighbourhood.code == "BU9999B001" and loc.postcode == "2801"


def test_an_exact_location_has_no_approximate_line(app, session, tmp_path):
    toy(session)
    _load(session, tmp_path, location("loc-exact", lon=5.005, lat=52.005))
    session.commit()
    assert APPROXIMATE not in app.test_client().get("/dienst/svc-a").get_data(as_text=True)


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"lon": 5.005}, "lat: lon en lat horen bij elkaar: lat ontbreekt"),
        (
            {"lon": 52.005, "lat": 5.005},
            "lon: lon 52.005, lat 5.005 ligt niet in Nederland; zijn lon en lat verwisseld?",
        ),
        ({"lon": "vijf", "lat": 52.0}, "lon: verwacht een getal (graden), niet 'vijf'"),
        ({"postcode": "28O1 AB"}, "postcode: geen postcode (1234 AB of 1234): '28O1 AB'"),
        ({"postcode": "0000 AA"}, "postcode: postcode '0000 AA' staat niet in de postcodelijst"),
        ({}, "locatie loc-x: geen plek: geef lon en lat, of een postcode"),
        (
            {"lon": 5.025, "lat": 52.005, "buurt": "BU9999A001"},
            "buurt: het punt (lon 5.025, lat 52.005) ligt in BU9999B001, niet in BU9999A001",
        ),
    ],
)
def test_bad_places_are_refused_with_the_value(session, tmp_path, fields, expected):
    toy(session)
    with pytest.raises(ImportFailed) as caught:
        _load(session, tmp_path, location("loc-x", **fields))
    assert any(expected in str(p) for p in caught.value.problems), [str(p) for p in caught.value.problems]
    assert session.scalar(select(Location)) is None


def test_the_demo_placements_file_still_places_locations(session, tmp_path):
    toy(session)
    placements = tmp_path / "placements.csv"
    placements.write_text("location,lon,lat,postcode\nloc-p,5.025,52.005,1000\n")
    path = catalogue(
        tmp_path,
        "eigen.yaml",
        [organisation("org-a", location("loc-p", buurt="BU9999B001"))],
        [service("svc-a", "org-a", locations=["loc-p"])],
    )
    load_catalogue(session, [path], placements)
    loc = session.scalar(select(Location))
    assert (loc.approximate, loc.neighbourhood.code, loc.postcode) == (False, "BU9999B001", "1000")
