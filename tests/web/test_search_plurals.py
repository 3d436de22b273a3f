"""Counted words agree with their number: "1 week", "2 weken"; "1 resultaat";
"nog 1 andere plek"."""

import re
from html import unescape

import pytest

from socialmap.search import presenters as search_presenters


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def hit_text(client, query: str, key: str) -> str:
    html = client.get(f"/zoeken?{query}&per_page=100&lang=nl").get_data(as_text=True)
    items = re.findall(r'<li class="hit">.*?</li>\s*(?=<li class="hit">|</ol>)', html, re.S)
    return text_of(next(i for i in items if f'href="/dienst/{key}"' in i))


@pytest.mark.parametrize(
    "key, q, expected",
    [
        ("c-goede-buren-zuidoost", "goede buren", "Wachttijd ongeveer 1 week"),  # waiting 1 week
        ("c-goede-buren-noord", "goede buren", "Wachttijd ongeveer 2 weken"),  # waiting 2 weeks
    ],
)
def test_waiting_weeks(client, key, q, expected):
    text = hit_text(client, f"q={q}", key)
    assert expected in text
    assert "1 weken" not in text


@pytest.mark.parametrize(
    "key, q, expected",
    [
        ("c-amstelhuis-huren", "amstelhuis huren", "en nog 1 andere plek"),  # two locations
        ("c-debrug-behandeling-alcohol-drugs", "alcohol", "en nog 2 andere plekken"),  # three
    ],
)
def test_other_places(client, key, q, expected):
    text = hit_text(client, f"q={q}&where=1103", key)
    assert expected in text
    assert "1 andere plekken" not in text


def test_one_result(client):
    # One result by construction: the only service held in Tigrinya (a query alone may
    # rightly find more, e.g. other coffee mornings for "koffieceremonie").
    html = client.get("/zoeken?q=koffieceremonie&language=ti&lang=nl").get_data(as_text=True)
    assert '<h2 id="results-title">' in html
    title = text_of(re.search(r'<h2 id="results-title">(.*?)</h2>', html, re.S).group(1))
    assert title.strip() == "1 resultaat"
    assert "De kaart laat 1 resultaat zien." in text_of(html)
    html = client.get("/zoeken?q=nachtopvang&lang=nl").get_data(as_text=True)
    assert re.search(
        r"\b\d+ resultaten\b", text_of(re.search(r'<h2 id="results-title">(.*?)</h2>', html, re.S).group(1))
    )
    assert re.search(r"De kaart laat alle \d+ resultaten zien\.", text_of(html))


def test_served_areas_count_the_rest(demo_app):
    names = {f"WK{i}": search_presenters.AreaName(f"WK{i}", f"Wijk {i}", "district") for i in range(8)}
    with demo_app.test_request_context("/?lang=nl"):
        assert (
            search_presenters.served_text(list(names)[:6], names)
            == "Wijk 0, Wijk 1, Wijk 2, Wijk 3 en nog 2 andere gebieden"
        )
        assert search_presenters.served_text(list(names)[:5], names) == "Wijk 0, Wijk 1, Wijk 2, Wijk 3, Wijk 4"
