"""The search results page, the home page's search and the neighbourhood page,
as HTML without JavaScript."""

import re
from html import unescape

import pytest


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def hits(html: str) -> list[str]:
    return re.findall(r'<li class="hit">.*?</li>\s*(?=<li class="hit">|</ol>)', html, re.S)


def test_home_has_one_search_form_and_need_tiles_that_search(client):
    html = client.get("/?lang=nl").get_data(as_text=True)
    assert html.count('role="search"') == 1
    assert 'name="q"' in html and 'name="where"' in html
    assert "Wat is er aan de hand?" in html and "Waar woont u?" in html
    assert 'href="/zoeken?need=fin"' in html  # a need tile searches that need
    assert html.index("need-tiles") < html.index("counts-title")  # counts lower on the page


def test_results_say_why_and_how_far(client):
    page = client.get("/zoeken?q=rouw&where=1012&lang=nl")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    items = hits(html)
    assert 0 < len(items) <= 20
    first = text_of(items[0])
    assert "Waarom deze?" in first and "Rouw en verlies" in first
    assert any("Afstand:" in text_of(i) and " km" in text_of(i) for i in items)
    assert "Wij zochten op:" in html and "resultaten" in html
    assert 'href="/dienst/' in items[0]


def test_a_team_for_another_district_says_so(client):
    html = client.get("/zoeken?q=buurtteam&where=1012&lang=nl&per_page=50").get_data(as_text=True)
    by_key = {re.search(r'href="/dienst/([^"]+)"', i).group(1): text_of(i) for i in hits(html)}
    assert "Niet voor uw buurt" in by_key["s-bt-pijp-rivierenbuurt"]
    assert "wonen in:" in by_key["s-bt-pijp-rivierenbuurt"]
    assert "Niet voor uw buurt" not in by_key["s-bt-centrum-west"]


def test_list_is_complete_without_javascript_and_paged(client):
    html = client.get("/zoeken?lang=nl").get_data(as_text=True)
    total = int(re.search(r"(\d+) resultaten", html).group(1))
    assert len(hits(html)) == 20
    assert 'rel="next"' in html and 'aria-current="page"' in html
    last = -(-total // 20)
    html = client.get(f"/zoeken?page={last}&lang=nl").get_data(as_text=True)
    assert len(hits(html)) == total - 20 * (last - 1)
    assert 'rel="prev"' in html and 'rel="next"' not in html


def test_filters_work_as_links_and_keep_the_search(client):
    html = client.get("/zoeken?q=geld&where=1103&cost=free&domain=debt_money&lang=nl").get_data(as_text=True)
    assert "Gekozen filters" in html
    # the link that removes "free" keeps the words, the place and the domain filter
    remove_free = re.search(r'<a href="([^"]+)">Gratis <span aria-hidden', html).group(1)
    assert "cost=" not in remove_free and "q=geld" in remove_free and "where=1103" in remove_free
    assert "domain=debt_money" in unescape(remove_free)
    for item in hits(html):
        assert "Gratis" in text_of(item)
    assert 'name="cost" value="free" checked' in html


def test_open_now_and_today_filters_are_accepted(client):
    for value in ("now", "today"):
        page = client.get(f"/zoeken?open={value}&lang=nl")
        assert page.status_code == 200


@pytest.mark.parametrize(
    "query, param",
    [
        ("radius=3", "radius"),
        ("age=abc", "age"),
        ("domain=nope", "domain"),
        ("open=sometimes", "open"),
        ("where=Nergenshuizen", "where"),
        ("lat=52.3", "lon"),
        ("need=xx.yy", "need"),
        ("format=fax", "format"),
        ("language=xx", "language"),
        ("access=closed", "access"),
        ("cost=cheap", "cost"),
        ("page=0", "page"),
    ],
)
def test_a_wrong_parameter_shows_the_form_again_with_the_message(client, query, param):
    page = client.get(f"/zoeken?{query}&q=rouw&lang=nl")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "Er klopt iets niet" in html and 'role="search"' in html
    assert 'value="rouw"' in html  # what the person typed is kept
    if param in ("radius", "age", "where", "need", "language"):
        assert f'id="{param}-error"' in html and 'aria-invalid="true"' in html


def test_missing_index_is_a_plain_message(client, demo_apps, tmp_path, monkeypatch):
    monkeypatch.setitem(demo_apps("spatialite").config, "SEARCH_INDEX_DIR", str(tmp_path / "none"))
    page = client.get("/zoeken?q=rouw&lang=nl")
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "Zoeken lukt nu even niet" in html and "Traceback" not in html


def test_english_interface_marks_dutch_content(client):
    html = client.get("/zoeken?q=debt&where=1012&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    items = hits(html)
    assert items
    # content without an English translation is marked as Dutch
    for item in items:
        name_tag = re.search(r'<h3 class="hit-title"><a [^>]*>', item).group(0)
        if 'lang="nl"' in name_tag:
            break
    else:
        assert all('lang="nl"' not in i for i in items)


def test_language_switch_keeps_repeated_filters(client):
    html = client.get("/zoeken?domain=care&domain=social&lang=nl").get_data(as_text=True)
    link = unescape(re.search(r'<a href="([^"]+)" lang="en"', html).group(1))
    assert "domain=care" in link and "domain=social" in link and "lang=en" in link


def test_results_page_has_a_skippable_map_from_our_origin(client):
    html = client.get("/zoeken?q=rouw&where=1012&lang=nl").get_data(as_text=True)
    assert 'id="map_results"' in html and "data-map hidden" in html
    assert 'href="#results-list"' in html  # skip the map
    assert re.search(r'<script defer src="/kaart/zoeken\.js\?[^"]*q=rouw', html)
    assert "<script>" not in html and " style=" not in html
    assert "cdn" not in html.lower()


def test_neighbourhood_page_by_domain(client):
    page = client.get("/buurt/BU0363AE02?lang=nl")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Oude Kerk e.o." in html
    assert 'id="domain-care"' in html and 'id="map_buurt"' in html
    assert "Voor deze buurt of wijk" in html
    assert 'src="/kaart/buurt/BU0363AE02.js' in html
    # the team of this wijk is listed; a team of another wijk is not
    assert "/dienst/s-bt-centrum-west" in html or "/dienst/s-bt-centrum-oost" in html
    assert "/dienst/s-bt-pijp-rivierenbuurt" not in html


@pytest.mark.parametrize("code", ["BU9999XX99", "WK0363AE", "GM0363", "x"])
def test_neighbourhood_page_only_for_buurten(client, code):
    assert client.get(f"/buurt/{code}").status_code == 404


def test_search_page_links_the_buurt(client):
    html = client.get("/zoeken?where=1012&lang=nl").get_data(as_text=True)
    assert 'href="/buurt/BU0363AE02"' in html


def test_open_now_reads_the_schedules_once(client, demo_apps):
    """With "open now" the search loads the services' schedules to filter them;
    the page's open/closed labels use those, not a second query."""
    from sqlalchemy import event

    from socialmap.extensions import db

    app = demo_apps("spatialite")
    reads = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM schedule_rule" in statement:
            reads.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = client.get("/zoeken?q=inloop&open=today")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert page.status_code == 200
    assert len(reads) == 1, reads
