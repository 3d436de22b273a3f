"""The route finder reads crisis wording as urgency crisis: every crisis phrasing
of the judgment table yields the crisis route first (whatever urgency was
chosen), says so, and the API carries the crisis lines even when other criteria
are wrong."""

from __future__ import annotations

import pytest

from tests.unit.test_crisis_detection import CRISIS, NOT_CRISIS

CRISIS_ROUTE = "crisis"


@pytest.mark.parametrize("text", [text for text, _kind in CRISIS])
def test_crisis_wording_gives_the_crisis_route_first(client, text):
    for urgency in (None, "routine"):
        body = {"q": text, "postcode": "1103", **({"urgency": urgency} if urgency else {})}
        answer = client.post("/api/v1/route-finder", json=body)
        assert answer.status_code == 200, (text, answer.get_json())
        data = answer.get_json()
        assert data["criteria"]["urgency"] == "crisis"
        assert data["criteria"]["crisis_words"]
        assert data["criteria"]["urgency_chosen"] == urgency
        assert data["options"][0]["route"]["key"] == CRISIS_ROUTE, text
        assert data["crisis"]["kind"] in ("suicidal", "acute")


@pytest.mark.parametrize("text", [text for text, expected in NOT_CRISIS if expected is None][:12])
def test_everyday_wording_leaves_the_urgency_alone(client, text):
    answer = client.post("/api/v1/route-finder", json={"q": text, "postcode": "1103", "urgency": "routine"})
    data = answer.get_json()
    assert data.get("crisis") is None
    if answer.status_code == 200:
        assert data["criteria"]["urgency"] == "routine" and not data["criteria"]["crisis_words"]


def test_the_lines_come_even_when_the_place_is_missing(client):
    answer = client.post("/api/v1/route-finder", json={"q": "ik wil dood"})
    assert answer.status_code == 400
    data = answer.get_json()
    assert "place" in data["errors"]
    assert [line["key"] for line in data["crisis"]["lines"]][:2] == ["113", "112"]


def test_the_finder_page_says_why_the_urgency_is_crisis(client):
    page = client.post("/verwijzen", data={"q": "wil niet meer leven", "postcode": "1103", "urgency": "routine"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.find('class="crisis-box"') < html.find("<h1")
    assert 'class="crisis-urgency"' in html and "wil niet meer leven" in html
