"""The neighbourhood page's content on a toy region, on SpatiaLite and PostGIS:
distances from the database, the wijk's own team, the wijk's help before the
city's, nearest first, nothing only for professionals."""

import pytest

from socialmap.catalogue import queries
from socialmap.catalogue.neighbourhood import overview
from tests import factories as f


@pytest.fixture
def toy(session, backend):
    return f.toy_region(session)


def _debt(session, toy, name, serves, at=None, **kw):
    spots = [f.location(session, *at)] if at else []
    return f.service(
        session, serves=[toy[serves]], name=name, domains=("debt_money",), kinds=("debt_relief",), locations=spots, **kw
    )


def test_the_wijks_help_first_nearest_first_phone_last(session, toy):
    # Buurt A1 is the square 5.00-5.01 E, 52.00-52.01 N; its middle is about (5.005, 52.005).
    _debt(session, toy, "Stad dichtbij", "GM9999", (5.0052, 52.0052))
    _debt(session, toy, "Wijk ver", "WK9999A0", (5.019, 52.009))
    _debt(session, toy, "Wijk dichtbij", "WK9999A0", (5.007, 52.006))
    _debt(session, toy, "Wijk telefoon", "WK9999A0")
    _debt(session, toy, "Andere wijk", "WK9999B0", (5.005, 52.005))
    pro = _debt(session, toy, "Consultatie voor huisartsen", "WK9999A0", (5.005, 52.005))
    pro.set_codes("group", ["professionals"])
    session.flush()

    found = overview(session, toy["BU9999A001"], per_domain=3)
    assert found.teams == [] and found.total == 4
    (debt,) = found.groups
    assert [e.service.name for e in debt.shown] == ["Wijk dichtbij", "Wijk ver", "Wijk telefoon"]
    assert [e.service.name for e in debt.rest] == ["Stad dichtbij"]
    near, far, phone = debt.shown
    assert 150 < near.distance_m < 200 and 1000 < far.distance_m < 1100 and phone.distance_m is None
    assert near.location.street == "Teststraat" and phone.location is None
    assert all(e.is_local for e in debt.shown) and not debt.rest[0].is_local


def test_the_team_of_the_wijk_comes_first_and_once(session, toy):
    team = f.service(
        session,
        serves=[toy["WK9999A0"]],
        name="Buurtteam A",
        domains=("social", "debt_money"),
        kinds=("neighbourhood_team",),
        locations=[f.location(session, 5.015, 52.005)],
    )
    f.service(session, serves=[toy["WK9999B0"]], name="Buurtteam B", kinds=("neighbourhood_team",))
    walk_in = f.service(session, serves=[toy["GM9999"]], name="Inloop", domains=("social",))

    found = overview(session, toy["BU9999A002"])
    assert [e.service for e in found.teams] == [team]
    assert [e.service for g in found.groups for e in g.shown + g.rest] == [walk_in]
    assert found.teams[0].distance_m < 100  # its office is in the middle of buurt A2


def test_nearest_locations_of_a_service_with_several(session, toy):
    svc = _debt(session, toy, "Twee adressen", "GM9999", (5.025, 52.005))
    svc.locations.append(f.location(session, 5.0055, 52.005))
    session.flush()
    ((location_id, metres),) = queries.nearest_locations(session, toy["BU9999A001"], [svc.id]).values()
    assert location_id == svc.locations[1].id and metres < 100
    assert queries.nearest_locations(session, toy["BU9999A001"], []) == {}


def test_a_buurt_without_a_known_team_says_so(app, session):
    toy = f.toy_region(session)
    _debt(session, toy, "Schuldhulp Toydorp", "GM9999", (5.005, 52.005))
    session.commit()
    html = app.test_client().get("/buurt/BU9999A001?lang=nl").get_data(as_text=True)
    assert "Voor deze buurt kennen we geen buurtteam." in html
    assert 'href="/zoeken?q=buurtteam&amp;where=BU9999A001"' in html
    assert "Schuldhulp Toydorp" in html and "1 dienst is er voor wie in deze buurt woont." in html
