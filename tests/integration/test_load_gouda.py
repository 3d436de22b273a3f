"""A real catalogue written by others: Gouda's social map (735 organisations,
text only) with GM0513 from the municipalities file, into a fresh database,
through the product's own commands; a search near postcode 2801 finds Gouda."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from socialmap.catalogue.models import AreaUnit, Location, Organisation, Service
from socialmap.config import PROJECT_ROOT
from tests.integration.loading import cli

SHARED = PROJECT_ROOT.parent / "shared" / "data"
GOUDA = SHARED / "real-catalogues" / "gouda-wijzer" / "organisaties.csv"
MUNICIPALITIES = SHARED / "nl-boundaries" / "gemeenten_2023_simplified_wgs84.geojson"

pytestmark = pytest.mark.skipif(
    not (GOUDA.exists() and MUNICIPALITIES.exists()),
    reason="../shared/data/real-catalogues/gouda-wijzer/organisaties.csv is missing",
)


def _rows() -> int:
    import csv

    with Path(GOUDA).open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def test_gouda_loads_and_is_found_by_postcode(app, session, backend):
    from socialmap.search import places
    from socialmap.search.engine import SearchRequest, search
    from socialmap.search.indexer import current_index, reindex

    first = cli(app, "catalogue", "import-csv", GOUDA, "--serves", "GM0513", "--dry-run")
    assert first.exit_code == 1 and "Er zijn nog geen gebieden geladen" in first.output  # areas first

    areas = cli(app, "areas", "import-municipalities", MUNICIPALITIES, "--codes", "GM0513")
    assert areas.exit_code == 0, areas.output
    result = cli(app, "catalogue", "import-csv", GOUDA, "--serves", "GM0513")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output

    def n(model, *where):
        return session.scalar(select(func.count()).select_from(model).where(*where))

    rows = _rows()
    assert rows == 735
    # One row repeats another's name with another text and no address: kept apart by a digest.
    assert n(Organisation) == n(Service) == rows
    assert n(Location) == n(Location, Location.approximate.is_(True)) == 604  # every address parses and is placed
    assert n(Service, Service.is_demo.is_(True)) == 0
    gouda = session.scalar(select(AreaUnit).where(AreaUnit.code == "GM0513"))
    assert (gouda.name, gouda.level, gouda.parent.code) == ("Gouda", "municipality", "NL")

    reindex(session, current_index())
    place = places.resolve(session, "2801")
    assert (place.municipality_code, place.neighbourhood_code) == ("GM0513", None)
    found = search(session, current_index(), SearchRequest(text="mantelzorg", place=place, per_page=10))
    assert found.total > 0
    assert all("GM0513" in hit.serves for hit in found.hits)
    assert any("antelzorg" in hit.name for hit in found.hits[:5]), [h.name for h in found.hits]

    response = app.test_client().get("/zoeken?q=mantelzorg&where=2801")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2801 Gouda" in page and "buiten het gebied van deze kaart" not in page and "Mantelzorg" in page
    assert "Let op: dit is een demo." not in page

    # A service of an untagged catalogue shows no empty facts: what it lacks is said once, plainly.
    key = session.scalar(select(Service.key).where(Service.name == "Mantelzorgcentraal"))
    service_page = app.test_client().get(f"/dienst/{key}").get_data(as_text=True)
    for heading in ("Soort hulp", "Domein", "Helpt bij", "Vorm", "Talen", "Kosten"):
        assert f"<dt>{heading}</dt>" not in service_page, heading
    assert "Dit staat niet op de kaart. Vraag het de organisatie." in service_page


def test_route_finder_takes_a_gouda_postcode(app, session, backend):
    """Gouda has no buurt geometry here: the municipality stands in for the buurt,
    so the route finder does not call a Gouda postcode 'outside the region'."""
    assert cli(app, "catalogue", "load-needs").exit_code == 0
    assert cli(app, "areas", "import-municipalities", MUNICIPALITIES, "--codes", "GM0513").exit_code == 0
    client = app.test_client()
    response = client.post("/verwijzen", data={"q": "schulden", "postcode": "2801"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "buiten de regio" not in page
    # The page says where it looked, and that this map has no routes there yet (not "none fits").
    assert "gemeente Gouda, zonder buurtindeling" in page
    assert "Voor Gouda staan nog geen afgesproken verwijsroutes op deze kaart" in page
    assert "/zoeken?need=fin.debt&amp;where=Gouda" in page  # the need, never the typed words or postcode
    got = client.get("/api/v1/route-finder?q=schulden&postcode=2801")
    assert got.status_code == 200, got.get_json()
    assert got.get_json()["criteria"]["buurt"] == {"code": "GM0513", "name": "Gouda", "level": "municipality"}
    assert got.get_json()["routes_here"] == 0 and got.get_json()["options"] == []
    # The municipality by name too; a postcode outside every loaded area still says so.
    assert client.get("/api/v1/route-finder?q=schulden&buurt=Gouda").status_code == 200
    outside = client.get("/api/v1/route-finder?q=schulden&postcode=9711")
    assert outside.status_code == 400 and "buiten de regio" in str(outside.get_json())
