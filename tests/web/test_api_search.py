"""The JSON API: /api/v1/search (JSON and GeoJSON) and /api/v1/places."""

import pytest
from sqlalchemy import select

from socialmap.catalogue.models import Contact


def test_search_json(client):
    page = client.get("/api/v1/search?q=rouw&where=1012&lang=nl")
    assert page.status_code == 200 and page.mimetype == "application/json"
    body = page.get_json()
    assert body["total"] > 0 and body["page"] == 1 and body["per_page"] == 20
    assert body["query"]["place"]["neighbourhood"]["code"] == "BU0363AE02"
    assert "mental.grief" in body["understood"]["needs"]
    first = body["results"][0]
    assert first["why"]["needs"] or first["why"]["kinds"] or first["why"]["words"]
    assert first["url"].endswith(f"/dienst/{first['key']}")
    assert {
        "name",
        "name_lang",
        "summary",
        "summary_lang",
        "distance_m",
        "serves_here",
        "serves",
        "locations",
        "no_referral_needed",
        "cost",
    } <= set(first)
    assert any(r["distance_m"] is not None for r in body["results"])
    assert body["links"]["self"].startswith("http") and "/zoeken?" in body["links"]["html"]


def test_another_district_team_is_not_presented_as_serving(client):
    body = client.get("/api/v1/search?q=buurtteam&where=1012&per_page=100").get_json()
    by_key = {r["key"]: r for r in body["results"]}
    assert by_key["s-bt-pijp-rivierenbuurt"]["serves_here"] is False
    assert by_key["s-bt-centrum-west"]["serves_here"] is True


@pytest.mark.parametrize(
    "how", [{"query": "&f=geojson"}, {"query": "&format=geojson"}, {"headers": {"Accept": "application/geo+json"}}]
)
def test_search_geojson(client, how):
    page = client.get("/api/v1/search?q=rouw&where=1012" + how.get("query", ""), headers=how.get("headers"))
    assert page.status_code == 200
    assert page.mimetype == "application/geo+json"
    body = page.get_json(force=True)
    assert body["type"] == "FeatureCollection" and body["total"] > 0
    for feature in body["features"]:
        assert feature["type"] == "Feature" and feature["id"] == feature["properties"]["key"]
        geometry = feature["geometry"]
        assert geometry is None or geometry["type"] in ("Point", "MultiPoint")
        if geometry and geometry["type"] == "Point":
            lon, lat = geometry["coordinates"]
            assert 4 < lon < 6 and 52 < lat < 53
    assert "f=geojson" in body["links"]["self"]


def test_format_geojson_does_not_break_the_format_filter(client):
    body = client.get("/api/v1/search?format=group&format=geojson").get_json(force=True)
    assert body["type"] == "FeatureCollection"
    assert body["query"]["filters"]["format"] == ["group"]


def test_json_is_the_default_for_browsers(client):
    page = client.get("/api/v1/search", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.mimetype == "application/json"
    assert "Accept" in page.headers.get("Vary", "")


@pytest.mark.parametrize(
    "query, param",
    [
        ("radius=3", "radius"),
        ("radius=x", "radius"),
        ("age=-1", "age"),
        ("age=abc", "age"),
        ("domain=nope", "domain"),
        ("need=nope", "need"),
        ("language=xx", "language"),
        ("format=fax", "format"),
        ("open=maybe", "open"),
        ("access=x", "access"),
        ("cost=x", "cost"),
        ("where=Nergenshuizen", "where"),
        ("lat=52.3", "lon"),
        ("lon=4.9", "lat"),
        ("lat=nan&lon=4.9", "lat"),
        ("lat=inf&lon=4.9", "lat"),
        ("lat=91&lon=4.9", "lat"),
        ("page=0", "page"),
        ("per_page=1000", "per_page"),
        ("f=xml", "f"),
        ("q=" + "x" * 201, "q"),
        ("domains=care", "domains"),
        ("foo=bar", "foo"),
    ],
)
def test_invalid_parameters_are_a_400_naming_the_parameter(client, query, param):
    page = client.get(f"/api/v1/search?{query}")
    assert page.status_code == 400, page.get_data(as_text=True)
    body = page.get_json()
    assert body["param"] == param and body["status"] == 400
    assert body["message"].startswith(f"{param}: ")


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=%27%22%3C%3E",
        "q=*",
        "q=rouw+OR+geld",
        "where=%25",
        "where=_",
        "where=%27",
        "q=%F0%9F%98%80",
        "where=1012AB",
        "where=9999",
        "page=10000",
        "q=a&where=BU0363AE02",
        "lat=52.37&lon=4.89",
        "lat=0&lon=0",
        "where=Amsterdam&radius=25",
        "q=&where=",
        "domain=care,social",
    ],
)
def test_odd_but_valid_input_never_fails(client, query):
    page = client.get(f"/api/v1/search?{query}")
    assert page.status_code in (200, 400)
    assert page.is_json


def test_unknown_api_path_is_json_404(client):
    page = client.get("/api/v1/nothing")
    assert page.status_code == 404 and page.is_json


def test_missing_index_is_a_503_with_a_message(client, demo_apps, tmp_path, monkeypatch):
    monkeypatch.setitem(demo_apps("spatialite").config, "SEARCH_INDEX_DIR", str(tmp_path / "none"))
    page = client.get("/api/v1/search?q=rouw")
    assert page.status_code == 503 and page.get_json()["message"]


def test_no_professional_contacts_in_the_api(client, demo_session):
    secret = [c for c in demo_session.scalars(select(Contact).where(Contact.audience == "professional")) if c.phone]
    assert secret
    text = client.get("/api/v1/search?per_page=100&page=1").get_data(as_text=True)
    text += client.get("/api/v1/search?per_page=100&page=2").get_data(as_text=True)
    for contact in secret:
        assert contact.phone not in text


def test_places_type_ahead(client):
    body = client.get("/api/v1/places?q=oude").get_json()
    names = [p["name"] for p in body["places"]]
    assert "Oude Kerk e.o." in names
    place = body["places"][names.index("Oude Kerk e.o.")]
    assert place["level"] == "neighbourhood" and place["code"].startswith("BU") and "Amsterdam" in place["within"]
    assert client.get("/api/v1/places?q=1012").get_json()["places"][0]["level"] == "postcode"
    assert client.get("/api/v1/places?q=o").get_json()["places"] == []
    assert client.get("/api/v1/places").get_json()["places"] == []
    assert len(client.get("/api/v1/places?q=an&limit=3").get_json()["places"]) <= 3


@pytest.mark.parametrize(
    "query, param", [("limit=0", "limit"), ("limit=x", "limit"), ("q=" + "a" * 101, "q"), ("where=x", "where")]
)
def test_places_invalid(client, query, param):
    page = client.get(f"/api/v1/places?{query}")
    assert page.status_code == 400 and page.get_json()["param"] == param


@pytest.mark.parametrize("text", ["%", "_", "\\", "%25%25", "'", "O'"])
def test_places_odd_text(client, text):
    assert client.get("/api/v1/places", query_string={"q": text}).status_code == 200


def test_search_api_on_postgis(backend, demo_apps):
    body = demo_apps(backend).test_client().get("/api/v1/search?q=schulden&where=1103").get_json()
    assert body["total"] > 0 and body["query"]["place"]["municipality_code"] == "GM0363"
