"""Crisis wording, end to end: every crisis phrasing of the judgment table puts
the crisis box first on the results page, ranks the region's crisis services
first, and gives the API a crisis object; the everyday phrasings do none of it.
"""

from __future__ import annotations

import re

import pytest

from socialmap.safety.help import CRISIS_KIND, CRISIS_NEED
from tests.unit.test_crisis_detection import CRISIS, NOT_CRISIS

CRISIS_TEXTS = [text for text, kind in CRISIS]
EVERYDAY_TEXTS = [text for text, expected in NOT_CRISIS if expected is None]


@pytest.fixture(scope="module")
def crisis_keys(demo_apps):
    """Keys of the demo catalogue's crisis services (by kind or need), read from the database."""
    from sqlalchemy import select

    from socialmap.catalogue.models import Service
    from socialmap.extensions import db

    app = demo_apps("spatialite")
    with app.app_context():
        keys = {
            s.key
            for s in db.session.scalars(select(Service))
            if CRISIS_KIND in s.kinds or CRISIS_NEED in [n.code for n in s.needs]
        }
    assert keys
    return keys


@pytest.mark.parametrize("text", CRISIS_TEXTS)
def test_crisis_wording_shows_the_box_first_and_crisis_services_first(client, crisis_keys, text):
    page = client.get("/zoeken", query_string={"q": text, "where": "1103"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    box = html.find('class="crisis-box"')
    assert box != -1, text
    main = html.find('<main')
    # Nothing of the page's own content comes before the box.
    assert main < box < html.find("<h1")
    assert "tel:08000113" in html and "tel:112" in html
    api = client.get("/api/v1/search", query_string={"q": text, "where": "1103"}).get_json()
    assert api["crisis"]["kind"] in ("suicidal", "acute")
    assert [line["key"] for line in api["crisis"]["lines"]][:2] == ["113", "112"]
    first = [hit["key"] for hit in api["results"][:2]]
    assert first and all(key in crisis_keys for key in first), (text, first)


@pytest.mark.parametrize("text", EVERYDAY_TEXTS)
def test_everyday_wording_shows_no_crisis_box(client, text):
    html = client.get("/zoeken", query_string={"q": text}).get_data(as_text=True)
    assert 'class="crisis-box"' not in html, text
    assert client.get("/api/v1/search", query_string={"q": text}).get_json()["crisis"] is None


def test_bereavement_by_suicide_shows_the_lines_but_not_as_a_crisis(client):
    html = client.get("/zoeken", query_string={"q": "nabestaanden na zelfmoord"}).get_data(as_text=True)
    assert 'class="crisis-box"' in html and "tel:08000113" in html
    api = client.get("/api/v1/search", query_string={"q": "nabestaanden na zelfmoord"}).get_json()
    assert api["crisis"]["kind"] == "bereaved" and not api["crisis"]["is_crisis"]
    assert api["crisis"]["services"] == []


@pytest.mark.parametrize("path", ["/", "/zoeken", "/verwijsroutes", "/buurt/BU0363NL01", "/hulp-nu"])
def test_every_page_links_to_help_now(client, path):
    html = client.get(path).get_data(as_text=True)
    assert re.search(r'href="/hulp-nu"', html), path


def test_help_now_page_lists_lines_and_the_regions_crisis_services(client, crisis_keys):
    html = client.get("/hulp-nu").get_data(as_text=True)
    assert "tel:08000113" in html and "tel:112" in html and "113.nl" in html
    linked = set(re.findall(r'href="/dienst/([^"]+)"', html))
    assert linked and linked <= crisis_keys
    # Only for professionals (e.g. the GPs' consultation line) is not listed.
    assert "c-amstelstroom-consultatie" not in linked


def test_help_now_in_english(client):
    html = client.get("/hulp-nu?lang=en").get_data(as_text=True)
    assert "113 Suicide Prevention" in html and ">Call 0800-0113<" in html
