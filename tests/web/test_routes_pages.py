"""Referral-route pages and API: rendered, no 500s, clear 400s, professional-only
details hidden from anonymous visitors, nothing about the patient kept or put in URLs."""

import logging
import re

import pytest
from sqlalchemy import func, select

from socialmap.db import Base, public_id_for
from socialmap.routes import access

FINDER_FORM = {"needs": ["fin.worries", "mental.low_mood"], "place": "1103", "age": "45"}
PRO_PHONE = "020 555 1216"  # the referrers' line of the exploratory conversation in Zuidoost (professional)
INSTRUCTIONS = "Meld aan via de aanmeldlijn voor verwijzers"


@pytest.fixture
def as_professional(monkeypatch):
    monkeypatch.setattr(access, "viewer_is_professional", lambda: True)


def html_of(response) -> str:
    return response.get_data(as_text=True)


def test_the_header_links_to_the_route_finder(client):
    assert 'href="/verwijzen"' in html_of(client.get("/?lang=nl"))


def test_route_list(client):
    page = client.get("/verwijsroutes?lang=nl")
    assert page.status_code == 200
    html = html_of(page)
    for title in (
        "Directe verwijzing bij psychische klachten",
        "Verkennend gesprek",
        "Crisis: acuut gevaar",
        "Terug in de wijk na specialistische ggz",
    ):
        assert title in html
    assert "geen medisch advies" in html


def test_route_page_draws_the_route_with_a_text_alternative(client, demo_session):
    from socialmap.routes.queries import route_by_key

    route = route_by_key(demo_session, "verkennend-gesprek")
    html = html_of(client.get("/verwijsroutes/verkennend-gesprek?lang=nl"))
    svg = re.search(r'<svg class="route-diagram".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-describedby="route-verkennend-gesprek-text"' in svg
    assert svg.count('class="step ') == len(route.steps)
    assert svg.count("<path class=\"edge") >= len(route.transitions)
    text = html[html.index('id="route-verkennend-gesprek-text"') :]
    for step in route.steps:
        assert f'id="stap-{step.key}"' in text and step.title in text
    for t in route.transitions:
        assert t.label in text
    assert "Verwijsinstructies en consultatielijnen" in text  # the notice, not the instructions
    assert INSTRUCTIONS not in html


def test_route_page_shows_the_services_of_the_chosen_neighbourhood(client):
    html = html_of(client.get("/verwijsroutes/verkennend-gesprek?lang=nl&buurt=1103"))
    assert "Verkennend gesprek Zuidoost" in html and "Financieel café Kelbergen" in html
    assert "Verkennend gesprek Noord" not in html
    assert PRO_PHONE not in html


def test_route_page_errors(client):
    assert client.get("/verwijsroutes/bestaat-niet?lang=nl").status_code == 404
    page = client.get("/verwijsroutes/crisis?lang=nl&buurt=9711")
    assert page.status_code == 400
    assert "buurt: Postcode 9711 ligt buiten de regio" in html_of(page)
    assert "Traceback" not in html_of(page)


def test_finder_form_posts_its_criteria(client):
    page = client.get("/verwijzen?lang=nl")
    html = html_of(page)
    assert page.status_code == 200
    assert re.search(r'<form class="finder-form[^"]*" method="post" action="/verwijzen"', html)
    assert "Vul geen naam, geboortedatum" in html


def test_finder_results(client):
    page = client.post("/verwijzen?lang=nl", data=FINDER_FORM)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = html_of(page)
    first = html.index('id="optie-1"')
    assert "Verkennend gesprek" in html[first : first + 400]
    assert "Verkennend gesprek Zuidoost" in html and "Financieel café Kelbergen" in html
    assert "Waarom dit past" in html and "Hulpvraag: Geldzorgen" in html
    assert "De weg terug" in html and "Huisarts of POH-ggz" in html


def test_a_crisis_without_the_client_present_still_shows_the_crisis_route(client):
    """Issue 7: urgency crisis with "discuss without the client" gave "0 passende routes"."""
    page = client.post("/verwijzen?lang=nl", data={"urgency": "crisis", "flags": "client_absent", "place": "1012"})
    assert page.status_code == 200
    html = html_of(page)
    assert "0 passende routes" not in html
    first = html[html.index('id="optie-1"') :]
    assert "Crisisdienst ggz" in first[:400]
    assert "Veiligheid eerst: bij een crisis staat deze route bovenaan." in first
    assert "Bij een crisis telt niet mee: Bespreken zonder de cliënt erbij" in first
    assert "bel 112" in html


def test_counts_use_plural_forms(client):
    """Issue 7: "1 weken". The POH-ggz Aan de Schans (postcode 1017) has a waiting time of one week."""
    html = html_of(client.post("/verwijzen?lang=nl", data={"needs": "mental.stress", "place": "1017", "age": "30"}))
    assert "Ongeveer 1 week wachten" in html
    assert not re.search(r"\b1 (weken|dagen)\b", html)
    html = html_of(client.post("/verwijzen?lang=nl", data=FINDER_FORM))
    assert re.search(r"Ongeveer [2-9] weken wachten", html) and "45 jaar." in html


def test_contacts_are_a_list_of_separate_links(client):
    """Issue 7: phone and e-mail were printed side by side without a separator."""
    phone = '<li>Telefoon: <a href="tel:0205551130">020 555 1130</a></li>'
    email = '<li>E-mail: <a href="mailto:bijlmer-oost@dichtbij-zow.example">bijlmer-oost@dichtbij-zow.example</a></li>'
    card = {"step": "buurtteam", "service": "s-bt-bijlmer-oost", "buurt": "BU0363TE01", "card_lang": "nl"}
    pages = {
        "finder": client.post("/verwijzen?lang=nl", data=FINDER_FORM),
        "route": client.get("/verwijsroutes/directe-verwijzing?lang=nl&buurt=BU0363TE01"),
        "card": client.post("/verwijsroutes/directe-verwijzing/kaart?lang=nl", data=card),
    }
    for name, page in pages.items():
        html = html_of(page)
        assert page.status_code == 200, name
        assert re.search(re.escape(phone) + r"\s*" + re.escape(email), html), name
        assert not re.search(r'</a>\s*<a href="(?:tel|mailto):', html), name


def test_professional_details_are_hidden_from_anonymous_visitors(client):
    html = html_of(client.post("/verwijzen?lang=nl", data=FINDER_FORM))
    assert PRO_PHONE not in html and INSTRUCTIONS not in html
    assert "Aanmelden voor verwijzers" not in html
    assert "alleen zichtbaar na inloggen als professional" in html


def test_professional_details_are_shown_to_professionals(client, as_professional):
    html = html_of(client.post("/verwijzen?lang=nl", data=FINDER_FORM))
    assert PRO_PHONE in html and INSTRUCTIONS in html
    assert "alleen zichtbaar na inloggen als professional" not in html


def test_finder_errors_are_shown_at_the_fields(client):
    page = client.post("/verwijzen?lang=nl", data={"needs": "fin.debt", "place": "9711", "age": "oud"})
    assert page.status_code == 400
    html = html_of(page)
    assert "Er is iets niet goed ingevuld" in html
    assert 'id="err-place"' in html and 'id="err-age"' in html
    assert 'aria-invalid="true"' in html and "Traceback" not in html


def _row_counts(session) -> dict[str, int]:
    return {
        name: session.scalar(select(func.count()).select_from(table)) for name, table in Base.metadata.tables.items()
    }


def test_nothing_about_the_patient_is_kept_logged_or_put_in_urls(client, demo_session, caplog):
    before = _row_counts(demo_session)
    caplog.set_level(logging.DEBUG)
    data = dict(FINDER_FORM, q="geldzorgen en somber", flags=["client_prefers_no_ggz"])
    page = client.post("/verwijzen?lang=nl", data=data)
    assert page.status_code == 200
    assert _row_counts(demo_session) == before
    for value in ("geldzorgen", "1103", "client_prefers_no_ggz", "fin.worries"):
        assert value not in caplog.text
    assert "Set-Cookie" not in page.headers or "1103" not in page.headers["Set-Cookie"]
    html = html_of(page)
    for url in re.findall(r'(?:href|action)="([^"]*)"', html):
        assert not re.search(r"needs=|[?&]q=|age=|flags=|urgency=|geldzorgen|fin\.worries", url), url


def test_card_in_another_language_than_the_interface(client):
    data = {
        "step": "verkennend-gesprek",
        "service": "s-vg-zuidoost",
        "buurt": "BU0363TE02",
        "also": "financieel-cafe",
        "card_lang": "en",
    }
    page = client.post("/verwijsroutes/verkennend-gesprek/kaart?lang=nl", data=data)
    assert page.status_code == 200
    html = html_of(page)
    assert '<html lang="nl">' in html  # the interface stays Dutch
    card = html[html.index('<article class="route-card" lang="en"') :]
    assert "Exploratory conversation Zuidoost" in card  # content in the card's language
    assert "Anton de Komplein 35" in card and "Financial café" in card
    assert 'class="card-map"' in card and 'aria-label="' in card
    assert re.search(r'<svg role="img" aria-label="[^"]+" width="\d+" height="\d+" class="segno"', card)
    assert "112" in card
    assert PRO_PHONE not in card


def _card_form_of_option(html: str, n: int) -> dict:
    """The hidden fields and first choices of option ``n``'s card form, as a browser sends them."""
    option = html[html.index(f'id="optie-{n}"') :]
    form = re.search(r'<form class="card-form[^"]*" method="post" action="([^"]+)">(.*?)</form>', option, re.S)
    fields: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(2)):
        fields.setdefault(name, []).append(value)
    for name, value in re.findall(r'<select id="[^"]+" name="(\w+)"><option value="([^"]*)"', form.group(2)):
        fields[name] = [value]
    return {"action": form.group(1), "data": fields}


def _distance_in_finder(html: str, n: int, service_name: str) -> str:
    option = html[html.index(f'id="optie-{n}"') : html.index(f'id="optie-{n + 1}"')]
    line = option[option.index(service_name) :]
    return re.search(r"afstand ([\d,.]+ k?m)", line).group(1)


@pytest.mark.parametrize("place", ["1103", "BU0363TE02", "G-buurt-West"])
def test_card_and_finder_show_the_same_distance(client, place):
    """Issue 7: 1,3 km in the finder (from the postcode's centre), 740 m on the
    card (from the buurt's centre). Both now measure from the same origin."""
    html = html_of(client.post("/verwijzen?lang=nl", data=dict(FINDER_FORM, place=place)))
    form = _card_form_of_option(html, 1)
    assert form["data"]["service"] == ["s-vg-zuidoost"]
    finder_distance = _distance_in_finder(html, 1, "Verkennend gesprek Zuidoost")
    card = html_of(client.post(form["action"] + "?lang=nl", data=form["data"]))
    card = card[card.index('<article class="route-card"') :]
    assert re.search(rf"Ongeveer {re.escape(finder_distance)} vanaf het midden van", card), (finder_distance, place)
    if place == "1103":
        assert form["data"]["postcode"] == ["1103"] and "buurt" not in form["data"]
        assert "vanaf het midden van postcode 1103" in card and "Afstanden vanaf het midden van postcode 1103" in html
    else:
        assert form["data"]["buurt"] == ["BU0363TE02"]
        assert "vanaf het midden van uw buurt" in card


def test_finder_and_card_measure_with_one_function(demo_session):
    """The same origin and Locality give the same metres (what the card view does)."""
    from flask import current_app
    from werkzeug.datastructures import MultiDict

    from socialmap.routes import criteria as criteria_module
    from socialmap.routes import finder

    with current_app.test_request_context("/?lang=nl"):
        parsed = criteria_module.parse(
            demo_session,
            MultiDict([("needs", "fin.worries"), ("needs", "mental.low_mood"), ("postcode", "1103"), ("age", "45")]),
        )
    best = finder.find(demo_session, parsed.criteria, parsed.origin).options[0]
    name, value = parsed.origin.param
    again, _label, _problem = criteria_module.resolve_place(demo_session, value)
    assert (name, again) == ("postcode", parsed.origin)
    on_card = finder.local_services(best.next_step, finder.locality(demo_session, again), 45)
    assert [(s.service.key, s.distance_m) for s in on_card] == [(s.service.key, s.distance_m) for s in best.services]


@pytest.mark.parametrize("card_lang", ["nl", "en"])
def test_card_shows_the_routes_own_dates_and_separately_the_print_date(client, demo_session, card_lang):
    """Issue 7: the card said "Afgesproken op <today>". The agreement's dates come
    from the route; the day of printing is labelled as such."""
    from datetime import date

    from babel.dates import format_date

    from socialmap.routes.queries import route_by_key

    route = route_by_key(demo_session, "crisis")
    page = client.get(f"/verwijsroutes/crisis/kaart?step=crisisdienst&buurt=BU0363AE02&card_lang={card_lang}&lang=nl")
    card = html_of(page)[html_of(page).index('<article class="route-card"') :]

    def day(d):
        return format_date(d, "long", locale=card_lang)

    dates = dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd>([^<]+)", card))
    printed = "Printed on" if "Printed on" in dates else "Afgedrukt op"  # English once the new string is merged
    valid, review = ("Geldig vanaf", "Herzien vóór") if card_lang == "nl" else ("Valid from", "Review before")
    assert dates[valid].strip() == day(route.valid_from)
    assert dates[review].strip() == day(route.review_date)
    assert dates[printed].strip() == day(date.today())
    assert ("te laat" in card or "overdue" in card) == route.review_overdue(date.today())
    assert "Afgesproken op" not in card and "Agreed on" not in card


def test_card_is_also_reachable_from_the_public_route_page(client):
    page = client.get("/verwijsroutes/crisis/kaart?step=crisisdienst&buurt=BU0363AE02&card_lang=nl&lang=nl")
    assert page.status_code == 200
    assert "Uw volgende stap: Crisisdienst ggz" in html_of(page)


def test_a_card_without_a_step_leads_to_the_route(client):
    """E.g. the language switch on a card made by POST: no criteria to show, so the route page."""
    page = client.get("/verwijsroutes/crisis/kaart?lang=en")
    assert page.status_code == 302 and page.headers["Location"].endswith("/verwijsroutes/crisis")


def test_the_card_respects_the_age_from_the_finder(client):
    """The finder's card form carries the age (in the POST body); the card then
    offers no service outside its age range."""
    html = html_of(client.post("/verwijzen?lang=nl", data=FINDER_FORM))
    assert '<input type="hidden" name="age" value="45">' in html
    url = "/verwijsroutes/jeugd-psychische-klachten/kaart?lang=nl"
    data = {"step": "jongerenwerk", "service": "s-jv-jongerencoach", "buurt": "BU0363TE02", "card_lang": "nl"}
    assert client.post(url, data=dict(data, age="16")).status_code == 200
    page = client.post(url, data=dict(data, age="45"))
    assert page.status_code == 400 and "niet voor deze leeftijd" in html_of(page)
    page = client.post(url, data=dict(data, age="oud"))
    assert page.status_code == 400 and "age:" in html_of(page)


@pytest.mark.parametrize(
    "query, message",
    [
        ("step=nope&buurt=BU0363AE02", "step:"),
        ("step=crisisdienst&buurt=BU0363AE02&card_lang=fr", "card_lang:"),
        ("step=crisisdienst", "buurt:"),
        ("step=crisisdienst&buurt=BU0363AE02&service=s-vg-oost", "service:"),
    ],
)
def test_card_errors_are_400s_that_say_why(client, query, message):
    page = client.get(f"/verwijsroutes/crisis/kaart?lang=nl&{query}")
    assert page.status_code == 400
    assert message in html_of(page)


# --- API -------------------------------------------------------------------------


def test_api_routes(client):
    data = client.get("/api/v1/routes").get_json()
    keys = {r["key"] for r in data["routes"]}
    assert {"directe-verwijzing", "verkennend-gesprek", "doco", "consultatie-vooraf", "crisis"} <= keys
    crisis = next(r for r in data["routes"] if r["key"] == "crisis")
    assert crisis["scope"]["code"] == "RG-AMA" and crisis["owner"]["name"] and crisis["status"] == "published"


def test_api_route_detail_hides_instructions_from_anonymous(client):
    data = client.get("/api/v1/routes/verkennend-gesprek?buurt=1103").get_json()
    assert [s["key"] for s in data["steps"]][:2] == ["huisarts", "verkennend-gesprek"]
    assert all("instructions" not in t["takes"] for t in data["transitions"])
    vg = next(s for s in data["steps"] if s["key"] == "verkennend-gesprek")
    assert vg["services"][0]["key"] == "s-vg-zuidoost"
    assert vg["services"][0]["id"] == str(public_id_for("service", "s-vg-zuidoost"))  # stable public id
    assert all(
        c["audience"] == "public" for s in data["steps"] for svc in s.get("services", []) for c in svc["contacts"]
    )
    assert client.get("/api/v1/routes/nope").status_code == 404


def test_api_route_detail_for_professionals(client, as_professional):
    data = client.get("/api/v1/routes/verkennend-gesprek").get_json()
    assert any(t["takes"].get("instructions") for t in data["transitions"])


def test_api_route_finder_get_and_post(client):
    got = client.get("/api/v1/route-finder?needs=fin.worries,mental.low_mood&postcode=1103&age=45").get_json()
    posted = client.post(
        "/api/v1/route-finder", json={"needs": ["fin.worries", "mental.low_mood"], "postcode": "1103", "age": 45}
    ).get_json()
    assert got == posted
    best = got["options"][0]
    assert best["route"]["key"] == "verkennend-gesprek" and best["next_step"]["key"] == "verkennend-gesprek"
    assert best["next_step"]["services"][0]["key"] == "s-vg-zuidoost"
    assert any(f["recommended"] and f["step"]["key"] == "financieel-cafe" for f in best["follow_ups"])
    assert {r["step"]["key"] for r in best["return_path"]} == {"huisarts"}
    assert {w["code"] for w in best["why"] if w["kind"] == "need"} == {"fin.worries", "mental.low_mood"}
    assert got["criteria"]["buurt"]["code"] == "BU0363TE02"


def test_api_route_finder_in_a_crisis_without_the_client(client):
    data = client.post(
        "/api/v1/route-finder", json={"urgency": "crisis", "flags": ["client_absent"], "postcode": "1012"}
    ).get_json()
    best = data["options"][0]
    assert (best["route"]["key"], best["next_step"]["key"]) == ("crisis", "crisisdienst")
    assert next(w["kind"] for w in best["why"]) == "crisis_first"
    assert {"kind": "set_aside", "code": "client_absent"} in [{k: w[k] for k in ("kind", "code")} for w in best["why"]]


@pytest.mark.parametrize(
    "request_args, param",
    [
        ({"query_string": "needs=fin.nope&postcode=1103"}, "needs"),
        ({"query_string": "needs=fin.debt&postcode=1103&age=-3"}, "age"),
        ({"query_string": "needs=fin.debt&postcode=1103&urgency=now"}, "urgency"),
        ({"query_string": "needs=fin.debt"}, "place"),
        ({"query_string": "needs=fin.debt&postcode=1103&name=Jansen"}, "name"),
        ({"method": "POST", "json": ["fin.debt"]}, "body"),
        ({"method": "POST", "data": "needs=fin.debt", "content_type": "text/plain"}, "body"),
        ({"method": "POST", "json": {"needs": "fin.debt", "postcode": "1103", "age": True}}, "age"),
    ],
)
def test_api_route_finder_400s_name_the_parameter(client, request_args, param):
    method = request_args.pop("method", "GET")
    response = client.open("/api/v1/route-finder", method=method, **request_args)
    assert response.status_code == 400
    body = response.get_json()
    assert param in body["errors"] and body["message"].startswith(f"{param}:") or f"{param}:" in body["message"]
    assert body["status"] == 400
