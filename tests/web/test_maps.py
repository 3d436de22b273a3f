"""Maps: pure builders, our own assets, scripts from our origin, a strict CSP."""

import re

import folium
import pytest
from sqlalchemy import select

from socialmap.catalogue.models import Contact, Service
from socialmap.maps import builders, rendering

TILES = builders.Tiles("/kaart/leeg/{z}/{x}/{y}.png", "&copy; test")
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[4.88, 52.36], [4.90, 52.36], [4.90, 52.38], [4.88, 52.38], [4.88, 52.36]]],
}


def local(library, filename):
    return f"/kaart/lib/{library}/{filename}"


# --- builders: data in, folium.Map out (no app, no database) --------------------------


def test_builders_are_pure_and_escape_text():
    nasty = 'A <b>"name"</b> `${alert(1)}`'
    points = [
        builders.MapPoint(4.89, 52.37, nasty, "/dienst/a", ("Straat 1, 1012 Amsterdam",)),
        builders.MapPoint(4.90, 52.38, "B"),
    ]
    m = builders.results_map(points, TILES, builders.Here(4.895, 52.372, "1012", 5000))
    assert isinstance(m, folium.Map)
    js = rendering.map_script(m, "results")
    assert "<b>" not in js and "\\u003cb\\u003e" in js  # escaped as JSON
    assert "L.markerClusterGroup" in js and "L.circle(" in js and "fitBounds" in js
    assert 'document.getElementById("map_results")' in js


def test_service_and_neighbourhood_maps_outline_areas():
    outline = builders.Outline("Buurt", SQUARE, "buurt")
    js = rendering.map_script(
        builders.neighbourhood_map(outline, [builders.MapPoint(4.89, 52.37, "x")], TILES), "buurt"
    )
    assert "L.geoJson" in js and '"interactive": false' in js
    js = rendering.map_script(builders.service_map([], [builders.Outline("Wijk", SQUARE)], TILES), "service")
    assert "dashArray" in js and "L.marker(" not in js


def test_folium_resources_point_at_our_own_files():
    m = builders.results_map([builders.MapPoint(4.89, 52.37, "x")], TILES)
    html = rendering.full_html(rendering.use_local_assets(m, local))
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/kaart/lib/") for u in urls)
    for unwanted in ("jquery", "bootstrap", "awesome", "fontawesome", "cdn", "http"):
        assert unwanted not in " ".join(urls).lower()
    # the class-level defaults are left alone
    assert folium.Map.default_js[0][1].startswith("https://")


def test_an_element_needing_an_unserved_library_is_refused():
    from folium.plugins import Fullscreen

    m = builders.results_map([], TILES)
    Fullscreen().add_to(m)
    with pytest.raises(rendering.UnservedAsset):
        rendering.use_local_assets(m, local)


def test_popups_need_no_jquery_and_no_inline_styles():
    m = builders.results_map([builders.MapPoint(4.89, 52.37, "x", "/dienst/x")], TILES)
    js = rendering.map_script(m, "results")
    assert "$(" not in js and "style=" not in js and "bindPopup(" in js


# --- served by the app -----------------------------------------------------------------


@pytest.mark.parametrize(
    "library, filename",
    [
        ("leaflet", "leaflet.js"),
        ("leaflet", "leaflet.css"),
        ("leaflet", "images/marker-icon.png"),
        ("markercluster", "leaflet.markercluster.js"),
        ("markercluster", "MarkerCluster.Default.css"),
    ],
)
def test_map_libraries_are_served_by_the_app(demo_app, client, library, filename):
    from flask import url_for

    with demo_app.test_request_context():
        path = url_for("maps.asset", library=library, filename=filename)
    assert path.startswith(f"/kaart/lib/{library}/") and path.endswith(filename) and path.count("/") >= 5
    page = client.get(path)
    assert page.status_code == 200 and len(page.data) > 100
    assert page.cache_control.max_age == 365 * 24 * 3600 and page.cache_control.immutable


@pytest.mark.parametrize(
    "path",
    ["/kaart/lib/nothing/0/x.js", "/kaart/lib/leaflet/0/../../../__init__.py", "/kaart/lib/leaflet/0/missing.js"],
)
def test_unknown_library_files_are_404(client, path):
    assert client.get(path).status_code == 404


def test_blank_tile(client):
    page = client.get("/kaart/leeg/12/2103/1346.png")
    assert page.status_code == 200 and page.mimetype == "image/png" and page.data[:4] == b"\x89PNG"


def test_results_script(client, demo_apps):
    page = client.get("/kaart/zoeken.js?q=rouw&where=1012&lang=nl")
    assert page.status_code == 200 and page.mimetype == "text/javascript"
    js = page.get_data(as_text=True)
    assert "map_results" in js and "L.marker(" in js and "/dienst/" in js
    assert demo_apps("spatialite").config["TILE_URL"] in js  # the configured tile server


def test_results_script_with_bad_parameters_is_400(client):
    assert client.get("/kaart/zoeken.js?radius=3").status_code == 400


def test_service_script_outlines_the_served_area(client, demo_session):
    svc = demo_session.scalar(select(Service).where(Service.key == "s-bt-pijp-rivierenbuurt"))
    js = client.get(f"/kaart/dienst/{svc.key}.js").get_data(as_text=True)
    assert "L.geoJson" in js and "L.marker(" in js
    assert client.get("/kaart/dienst/bestaat-niet.js").status_code == 404


def test_neighbourhood_script(client):
    js = client.get("/kaart/buurt/BU0363AE02.js").get_data(as_text=True)
    assert "Oude Kerk" in js and "L.markerClusterGroup" in js
    assert client.get("/kaart/buurt/WK0363AE.js").status_code == 404


def test_tile_server_is_a_setting(client, demo_apps, monkeypatch):
    monkeypatch.setitem(demo_apps("spatialite").config, "TILE_URL", "https://tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.setitem(demo_apps("spatialite").config, "TILE_ATTRIBUTION", "Example tiles")
    page = client.get("/kaart/buurt/BU0363AE02.js")
    js = page.get_data(as_text=True)
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in js and "Example tiles" in js
    csp = client.get("/buurt/BU0363AE02").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.org" in csp


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/zoeken?q=rouw&where=1012",
        "/dienst/s-rk-rouwgroep-oost",
        "/dienst/s-rk-rouwgroep-oost/afdrukken",
        "/buurt/BU0363AE02",
    ],
)
def test_pages_keep_a_strict_csp_and_no_inline_code(client, path):
    page = client.get(path)
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe" not in csp
    html = page.get_data(as_text=True)
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    for src in re.findall(r'<script[^>]*src="([^"]+)"', html):
        assert src.startswith("/")


def test_service_page_map_and_print_view(client, demo_session):
    svc = demo_session.scalars(select(Service).join(Contact).where(Contact.audience == "professional")).first()
    html = client.get(f"/dienst/{svc.key}?lang=nl").get_data(as_text=True)
    assert f'href="/dienst/{svc.key}/afdrukken"' in html
    if svc.locations:
        assert 'id="map_service"' in html and f'src="/kaart/dienst/{svc.key}.js' in html
    printed = client.get(f"/dienst/{svc.key}/afdrukken?lang=nl")
    assert printed.status_code == 200
    text = printed.get_data(as_text=True)
    assert svc.name in text and "data:image/svg+xml" in text and "map_service" not in text
    for contact in svc.professional_contacts:  # never shown to the public, on paper neither
        if contact.phone:
            assert contact.phone not in text
        assert contact.label not in text
    assert client.get("/dienst/bestaat-niet/afdrukken").status_code == 404


def test_a_service_page_with_one_address_loads_no_cluster_plugin(client):
    html = client.get("/dienst/c-amstelstroom-crisisdienst").get_data(as_text=True)
    assert "leaflet.js" in html and "markercluster" not in html.lower()


def test_the_results_page_loads_the_cluster_plugin(client):
    html = client.get("/zoeken?q=rouw&where=1103").get_data(as_text=True)
    assert "leaflet.markercluster.js" in html
