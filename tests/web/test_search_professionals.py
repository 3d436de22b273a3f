"""Services for professionals only (the GPs' ggz consultation lines, the DOCO)
stay out of public search: the page, its map and the API. Professionals see
them, marked as such."""

import re

import pytest
from sqlalchemy import select

from socialmap.catalogue.audience import professionals_only
from socialmap.catalogue.models import Service, ServiceFacet
from socialmap.routes import access

# In the demo region: target groups only ``professionals``, access ``professional_referral``.
DEMO_PROFESSIONAL_ONLY = {
    "c-amstelstroom-consultatie",
    "c-dijkzicht-consultatie",
    "c-kompas-consultatie",
    "c-debrug-consultatie",
    "s-doco-amsterdam",
    "s-consultatie-sociaal-domein",
}
QUERIES = ["consultatie", "casusoverleg", "huisarts", "schulden", "verslaving", "somber", ""]


@pytest.mark.parametrize(
    "groups, expected",
    [
        (["professionals"], True),
        (["professionals", "adults"], False),  # e.g. a recovery college for clients and professionals
        (["adults"], False),
        ([], False),  # no target groups named: for everyone
    ],
)
def test_the_rule(groups, expected):
    assert professionals_only(groups) is expected


def test_the_demo_region_has_the_services_the_rule_names(demo_session):
    groups: dict[str, set[str]] = {}
    for key, code in demo_session.execute(
        select(Service.key, ServiceFacet.code).join(ServiceFacet).where(ServiceFacet.facet == "group")
    ):
        groups.setdefault(key, set()).add(code)
    assert {key for key, codes in groups.items() if professionals_only(codes)} == DEMO_PROFESSIONAL_ONLY


@pytest.fixture
def professional(monkeypatch):
    monkeypatch.setattr(access, "viewer_is_professional", lambda: True)


def api_keys(client, query: str) -> set[str]:
    keys, page = set(), 1
    while True:
        body = client.get(f"/api/v1/search?{query}&per_page=100&page={page}").get_json()
        keys |= {r["key"] for r in body["results"]}
        if page >= body["pages"]:
            return keys
        page += 1


def page_keys(client, query: str) -> set[str]:
    html = client.get(f"/zoeken?{query}&per_page=100&lang=nl").get_data(as_text=True)
    return set(re.findall(r'<h3 class="hit-title"><a href="/dienst/([^"?]+)', html))


@pytest.mark.parametrize("q", QUERIES)
def test_public_search_leaves_them_out(client, q):
    for where in ("", "&where=1103"):
        query = f"q={q}{where}"
        assert not api_keys(client, query) & DEMO_PROFESSIONAL_ONLY, query
        assert not page_keys(client, query) & DEMO_PROFESSIONAL_ONLY, query


def test_public_results_map_leaves_them_out(client):
    js = client.get("/kaart/zoeken.js?q=casusoverleg&lang=nl").get_data(as_text=True)
    for key in DEMO_PROFESSIONAL_ONLY:
        assert f"/dienst/{key}" not in js


def test_counts_leave_them_out(client, monkeypatch):
    public = client.get("/api/v1/search?per_page=1").get_json()
    monkeypatch.setattr(access, "viewer_is_professional", lambda: True)
    everything = client.get("/api/v1/search?per_page=1").get_json()
    assert everything["total"] - public["total"] == len(DEMO_PROFESSIONAL_ONLY)
    # the DOCO is in five domains, the GP consultation lines in care
    assert everything["domain_counts"]["care"] - public["domain_counts"]["care"] == 5


def test_professionals_find_them_marked(client, professional):
    assert DEMO_PROFESSIONAL_ONLY <= api_keys(client, "q=")
    body = client.get("/api/v1/search?q=casusoverleg").get_json()
    doco = next(r for r in body["results"] if r["key"] == "s-doco-amsterdam")
    assert doco["professionals_only"] is True
    # Marked exactly when only for professionals (other consultation lines may be found too).
    assert all(r["professionals_only"] == (r["key"] in DEMO_PROFESSIONAL_ONLY) for r in body["results"])
    html = client.get("/zoeken?q=casusoverleg&lang=nl").get_data(as_text=True)
    items = re.findall(r'<li class="hit">.*?</li>\s*(?=<li class="hit">|</ol>)', html, re.S)
    doco_item = next(i for i in items if 'href="/dienst/s-doco-amsterdam"' in i)
    assert "Alleen voor professionals" in doco_item
    for item in items:
        key = re.search(r'href="/dienst/([^"]+)"', item).group(1)
        assert ("Alleen voor professionals" in item) == (key in DEMO_PROFESSIONAL_ONLY), key
    js = client.get("/kaart/zoeken.js?q=casusoverleg&lang=nl").get_data(as_text=True)
    assert "/dienst/s-doco-amsterdam" in js  # the map shows what the list shows


def test_public_hits_carry_no_professional_mark(client):
    html = client.get("/zoeken?q=rouw&lang=nl").get_data(as_text=True)
    assert "Alleen voor professionals" not in html
