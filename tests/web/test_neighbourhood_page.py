"""The neighbourhood page (/buurt/<code>) for a resident on a phone: the buurt's
own team first, then per type of help the nearest few services; the rest one
click away; nothing only for professionals; a bounded page from a few queries."""

import html as html_lib
import re

import pytest
from sqlalchemy import event, select

from socialmap import geo
from socialmap.catalogue import queries
from socialmap.catalogue.audience import is_professional_only, professionals_only
from socialmap.catalogue.models import Service
from socialmap.catalogue.neighbourhood import SHOWN_PER_DOMAIN, is_team, overview

BUURT = "BU0363NL01"  # Vogelbuurt-Noord, wijk IJplein e.o. (Buurtteam Oud-Noord)
CENTRE = "BU0363AE02"  # Oude Kerk e.o. (Buurtteam Centrum-West)


def _page(client, code=BUURT, lang="nl") -> str:
    page = client.get(f"/buurt/{code}?lang={lang}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _section(html: str, labelled_by: str) -> str:
    start = html.index(f'aria-labelledby="{labelled_by}"')
    return html[start : html.index("</section>", start)]


def _full(fragment: str) -> list[str]:
    """Keys of the services listed in full (name as a heading), in page order."""
    return re.findall(r'<h3 class="nearby-name"><a href="/dienst/([^"]+)"', fragment)


def _rest(fragment: str) -> list[str]:
    details = re.search(r'<details class="more-services.*?</details>', fragment, re.S)
    return re.findall(r'href="/dienst/([^"]+)"', details.group(0)) if details else []


def _public_serving(session, code: str) -> list[Service]:
    area = queries.area_by_code(session, code)
    return [s for s in queries.services_serving(session, area) if not is_professional_only(s)]


def _distance(session, code: str, svc: Service) -> float | None:
    """Independent check: metres from the buurt's inner middle point to the service's nearest location."""
    middle = geo.from_db(queries.area_by_code(session, code).geom).representative_point()
    found = [geo.haversine_m(middle.x, middle.y, p.x, p.y) for p in (geo.from_db(loc.geom) for loc in svc.locations)]
    return min(found) if found else None


def test_the_buurts_own_team_comes_first(client):
    html = _page(client)
    team = _section(html, "team-title")
    assert _full(team) == ["s-bt-oud-noord"]
    assert "020 555 1113" in team  # its phone number, on the page
    assert html.index('aria-labelledby="team-title"') < html.index('id="domain-care"')
    assert _full(html)[0] == "s-bt-oud-noord"
    assert "/dienst/s-bt-noord-west" not in html  # the team of another wijk
    # in the centre it is that wijk's team
    assert _full(_section(_page(client, CENTRE), "team-title")) == ["s-bt-centrum-west"]


def test_nearest_first_within_each_group(client, demo_session):
    html = _page(client)
    by_key = {s.key: s for s in _public_serving(demo_session, BUURT)}
    groups = re.findall(r'<h2 id="domain-([a-z_]+)">', html)
    assert groups[:2] == ["care", "social"] and len(groups) >= 6
    for code in groups:
        shown = _full(_section(html, f"domain-{code}"))
        assert 1 <= len(shown) <= SHOWN_PER_DOMAIN
        far = [_distance(demo_session, BUURT, by_key[k]) for k in shown]
        with_address = [d for d in far if d is not None]
        assert with_address == sorted(with_address), (code, shown, far)
        assert far[: len(with_address)] == with_address  # phone or online only: last
    # the distance is the database's, from the same point
    area = queries.area_by_code(demo_session, BUURT)
    nearest = queries.nearest_locations(demo_session, area, [by_key["s-bt-oud-noord"].id])
    metres = nearest[by_key["s-bt-oud-noord"].id][1]
    assert metres == pytest.approx(_distance(demo_session, BUURT, by_key["s-bt-oud-noord"]), rel=0.01)


def test_groups_prefer_what_is_meant_for_this_buurt_or_wijk(demo_session):
    area = queries.area_by_code(demo_session, BUURT)
    found = overview(demo_session, area)
    care = next(g for g in found.groups if g.code == "care")
    assert all(e.is_local for e in care.shown)  # the wijk has more than three of its own
    earlier = set()
    for group in found.groups:
        if any(not e.is_local for e in group.shown):  # wider help only when the wijk's own ran out
            assert not [
                e for e in group.rest if e.is_local and e.service.status == "active" and e.service.id not in earlier
            ], group.code
        earlier |= {e.service.id for e in group.shown}


def test_professional_only_services_are_left_out(client, demo_session):
    svc = demo_session.scalar(select(Service).where(Service.key == "c-amstelstroom-consultatie"))
    assert is_professional_only(svc)
    assert svc in queries.services_serving(demo_session, queries.area_by_code(demo_session, BUURT))
    html = _page(client)
    assert "/dienst/c-amstelstroom-consultatie" not in html and svc.name not in html
    js = client.get(f"/kaart/buurt/{BUURT}.js").get_data(as_text=True)
    assert "/dienst/c-amstelstroom-consultatie" not in js
    assert "/dienst/s-bt-oud-noord" in js


@pytest.mark.parametrize(
    "groups, expected",
    [(["professionals"], True), (["professionals", "adults"], False), ([], False), (["adults"], False)],
)
def test_the_professional_only_rule(groups, expected):
    assert professionals_only(groups) is expected


def test_each_group_is_complete_on_the_page_and_nothing_repeats_in_full(client, demo_session):
    html = _page(client)
    services = _public_serving(demo_session, BUURT)
    full = _full(html)
    assert len(full) == len(set(full))  # listed in full once
    for code in re.findall(r'<h2 id="domain-([a-z_]+)">', html):
        section = _section(html, f"domain-{code}")
        wanted = {s.key for s in services if code in s.domains and not is_team(s)}
        assert set(_full(section)) | set(_rest(section)) == wanted, code
        assert len(_full(section)) + len(_rest(section)) == len(wanted)
    lead = re.search(r'<p class="lead">\s*(\d+) diensten', html)
    assert int(lead.group(1)) == len(services)


@pytest.mark.parametrize("domain", ["debt_money", "peer_informal"])
def test_the_rest_link_leads_to_a_complete_list(client, demo_session, domain):
    section = _section(_page(client), f"domain-{domain}")
    link = html_lib.unescape(re.search(r'<p class="more-link[^"]*"><a href="([^"]+)"', section).group(1))
    assert link.startswith("/zoeken?") and f"where={BUURT}" in link and f"domain={domain}" in link
    found, pages, seen = set(), [link], set()
    while pages:  # every page of the results, by its links (as without JavaScript)
        url = pages.pop()
        seen.add(url)
        result = client.get(url)
        assert result.status_code == 200
        text = result.get_data(as_text=True)
        found |= set(re.findall(r'<li class="hit[^"]*"[^>]*>.*?href="/dienst/([^"]+)"', text, re.S))
        for more in re.findall(r'href="(/zoeken\?[^"]*page=\d+[^"]*)"', text):
            more = html_lib.unescape(more)
            if more not in seen and more not in pages:
                pages.append(more)
    wanted = {s.key for s in _public_serving(demo_session, BUURT) if domain in s.domains}
    assert wanted <= found, sorted(wanted - found)
    assert "c-amstelstroom-consultatie" not in found


def test_page_length_is_bounded(client):
    for code in (BUURT, CENTRE):
        html = _page(client, code)
        groups = len(re.findall(r'<h2 id="domain-', html))
        full = _full(html)
        assert len(full) <= 2 + groups * SHOWN_PER_DOMAIN <= 30
        assert html.count("<details") == len(re.findall(r'<details class="more-services', html))


def test_a_few_queries_per_page(client, demo_apps):
    from socialmap.extensions import db

    app = demo_apps("spatialite")
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    client.get(f"/buurt/{BUURT}")  # caches warm
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(f"/buurt/{BUURT}").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 20, len(statements)  # was 264 with lazy loads


def test_works_without_the_map_and_in_english(client):
    html = _page(client, lang="en")
    assert '<html lang="en">' in html
    assert "data-map hidden" in html and 'href="#search-here"' in html  # skip the map
    assert html.index('id="domain-care"') < html.index('id="map_buurt"')  # the map comes after the list
    assert re.search(r'<details class="more-services[^"]*">\s*<summary>', html)
