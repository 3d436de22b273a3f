"""The public search in a real browser: the journey with the keyboard alone,
on desktop and phone widths, without JavaScript, place suggestions, "use my
location", the map, printing, and accessibility (axe-core) in both languages."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "results": "/zoeken?q=rouw&where=1012",
    "service": "/dienst/s-rk-rouwgroep-oost",
    "neighbourhood": "/buurt/BU0363AE02",
}


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_search_journey_with_the_keyboard(open_page, width):
    page = open_page("/?lang=nl", width=width)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")  # to the content
    page.keyboard.press("Tab")
    assert focused_id(page) == "field-q"
    page.keyboard.type("schulden")
    page.keyboard.press("Tab")
    assert focused_id(page) == "field-where"
    page.keyboard.type("1103")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/zoeken?" in page.url and "q=schulden" in page.url and "where=1103" in page.url

    hits = page.locator("li.hit")
    assert hits.count() > 0
    assert "Waarom deze?" in hits.first.inner_text()
    assert any(
        "Afstand:" in hits.nth(i).inner_text() and " km" in hits.nth(i).inner_text() for i in range(hits.count())
    )
    assert page.locator("#map_results.leaflet-container").is_visible()

    link = hits.first.locator(".hit-title a")
    name = link.inner_text()
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/dienst/" in page.url
    assert page.locator("h1").inner_text() == name
    assert page.locator(".service-grid").is_visible()

    service_url = page.url.split("?")[0]
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    assert page.url.split("?")[0] == service_url
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator(".lang-current").inner_text() == "English"
    assert page.problems == []
    # no sideways scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_results_without_javascript(open_page):
    page = open_page("/zoeken?lang=nl", javascript=False)
    total = int(re.search(r"(\d+) resultaten", page.locator("#results-title").inner_text()).group(1))
    assert page.locator("li.hit").count() == min(20, total)
    assert not page.locator("[data-map]").is_visible()  # no empty map box
    assert not page.locator("[data-locate]").is_visible()  # needs JavaScript: not offered
    with page.expect_navigation():
        page.locator("a[rel=next]").click()
    assert "page=2" in page.url and page.locator("li.hit").count() > 0

    page.locator("details.filters summary").click()
    page.locator("input[name=cost][value=free]").check()
    page.locator("input[name=access][value=open]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Toon resultaten").click()
    assert "cost=free" in page.url and "access=open" in page.url and "page=" not in page.url
    hits = page.locator("li.hit")
    assert hits.count() > 0
    for i in range(hits.count()):
        text = hits.nth(i).inner_text()
        assert "Gratis" in text and "Geen verwijzing nodig" in text
    # a filter is removed with a link
    with page.expect_navigation():
        page.locator(".active-filters a", has_text="Gratis").click()
    assert "cost=free" not in page.url and "access=open" in page.url


def test_wrong_input_without_javascript_shows_the_message_at_the_field(open_page):
    page = open_page("/zoeken?q=rouw&where=Nergenshuizen&lang=nl", javascript=False)
    assert page.locator(".error-summary").is_visible()
    assert "Nergenshuizen" in page.locator("#where-error").inner_text()
    assert page.get_attribute("#field-where", "aria-invalid") == "true"
    with page.expect_navigation():  # correct it and search again
        page.fill("#field-where", "1012")
        page.get_by_role("button", name="Zoeken", exact=True).click()
    assert page.locator("li.hit").count() > 0


def test_place_suggestions_for_a_buurt_name(open_page):
    page = open_page("/?lang=nl")
    page.fill("#field-q", "eenzaam")
    page.locator("#field-where").click()
    page.keyboard.type("Oude K", delay=30)
    option = page.locator("#field-where-suggestions [role=option]", has_text="Oude Kerk e.o.")
    option.wait_for()
    assert page.get_attribute("#field-where", "aria-expanded") == "true"
    assert "Buurt" in option.inner_text()  # what kind of place, and where
    # choose with the keyboard: arrows move, Enter chooses (and does not submit yet)
    page.keyboard.press("ArrowDown")
    active = page.get_attribute("#field-where", "aria-activedescendant")
    chosen = page.locator(f"#{active}").get_attribute("data-value")
    page.keyboard.press("Enter")
    assert page.input_value("#field-where") == chosen and "/zoeken" not in page.url
    assert page.get_attribute("#field-where", "aria-expanded") == "false"
    # or with the mouse
    page.fill("#field-where", "")
    page.keyboard.type("Oude K", delay=30)
    option.wait_for()
    option.click()
    assert page.input_value("#field-where") == "Oude Kerk e.o."
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "where=Oude+Kerk+e.o." in page.url
    assert "Oude Kerk e.o." in page.locator(".results-context").inner_text()
    assert page.problems == []


def test_use_my_location(open_page):
    page = open_page("/?lang=nl", geolocation={"latitude": 52.37312, "longitude": 4.89481}, permissions=["geolocation"])
    page.fill("#field-q", "rouw")
    page.get_by_role("button", name="Gebruik mijn locatie").click()
    page.locator(".locate-status", has_text="We zoeken rond uw locatie").wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="Zoeken", exact=True).click()
    assert "lat=52.373" in page.url and "lon=4.895" in page.url  # rounded to about 100 m
    assert page.locator("li.hit").count() > 0
    assert "Afstand:" in page.locator("li.hit").first.inner_text()


def test_map_shows_the_results_and_can_be_skipped(open_page):
    page = open_page("/zoeken?q=rouw&where=1012&lang=nl")
    page.locator("#map_results .leaflet-marker-icon").first.wait_for()
    assert page.locator("#map_results .leaflet-marker-icon").count() > 0
    page.locator(".skip-map").focus()
    assert page.locator(".skip-map").is_visible()
    page.keyboard.press("Enter")
    assert focused_id(page) == "results-list"
    assert page.problems == []  # no CSP violations, no failed requests


@pytest.mark.parametrize("name", ["service", "neighbourhood"])
def test_other_maps_draw(open_page, name):
    page = open_page(PAGES[name] + "?lang=nl")
    block = page.locator("[data-map]")
    assert block.is_visible()
    page.locator(".leaflet-container .leaflet-interactive, .leaflet-container .leaflet-marker-icon").first.wait_for()
    assert page.locator(".leaflet-overlay-pane path").count() > 0  # the outline
    assert page.problems == []


def test_results_print_as_a_list(open_page):
    page = open_page("/zoeken?q=rouw&where=1012&lang=nl")
    page.emulate_media(media="print")
    assert not page.locator(".map-block").is_visible()
    assert not page.locator("details.filters").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert page.locator("li.hit").first.is_visible()


def test_service_print_view(open_page):
    page = open_page("/dienst/s-rk-rouwgroep-oost/afdrukken?lang=nl")
    assert page.get_by_role("button", name="Afdrukken").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".print-tools").is_visible()
    assert page.locator(".print-online img").is_visible()
    assert page.problems == []


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_accessibility(open_page, axe, name, lang):
    page = open_page(f"{PAGES[name]}{'&' if '?' in PAGES[name] else '?'}lang={lang}")
    assert page.get_attribute("html", "lang") == lang
    violations = axe(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    assert page.problems == []


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_width(open_page, axe, name):
    page = open_page(PAGES[name] + ("&" if "?" in PAGES[name] else "?") + "lang=nl", width=PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    assert axe(page) == []
