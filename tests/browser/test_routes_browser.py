"""Referral routes in a real browser: the GP's journey from criteria to a printed
route card, the route diagram, the card's print view -- in Dutch and English, on a
desktop and a phone, with no serious or critical axe violations."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE

JOURNEY = {
    "nl": {
        "words": "geldzorgen en somber",
        "first": "Verkennend gesprek",
        "card_lang": "nl",
        "card_title": "Uw volgende stap",
    },
    "en": {
        "words": "money worries and feeling low",
        "first": "Exploratory conversation",
        "card_lang": "en",
        "card_title": "Exploratory conversation",
    },
}


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def pdf_pages(page) -> int:
    pdf = page.pdf(format="A4", print_background=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_gp_goes_from_money_worries_and_low_mood_in_1103_to_a_printed_route_card(open_page, axe, lang, tmp_path):
    want = JOURNEY[lang]
    page = open_page(f"/verwijzen?lang={lang}")
    assert axe(page) == []
    page.fill("#field-q", want["words"])
    page.fill("#field-place", "1103")
    page.fill("#field-age", "45")
    page.click("form.finder-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/verwijzen" in page.url and "1103" not in page.url and "needs" not in page.url
    first = page.locator("#optie-1")
    assert want["first"] in first.locator("h3").inner_text()
    assert (
        "Verkennend gesprek Zuidoost" in first.inner_text() or "Exploratory conversation Zuidoost" in first.inner_text()
    )
    assert "Kelbergen" in first.locator(".follows").inner_text()  # the financial café nearby
    assert first.locator(".way-back li").count() >= 1
    assert axe(page) == []
    page.screenshot(path=str(tmp_path / f"results-{lang}.png"), full_page=True)

    first.locator("select[name=card_lang]").select_option(want["card_lang"])
    first.locator("form.card-form button").click()
    page.wait_for_load_state("networkidle")
    card = page.locator("article.route-card")
    assert card.get_attribute("lang") == want["card_lang"]
    text = card.inner_text()
    assert want["card_title"] in text
    assert "Anton de Komplein 35" in text and "Kelbergen 190" in text, text  # the service, then the financial café
    assert card.locator(".card-back li").count() >= 1  # the way back
    assert card.locator("svg.card-map").count() == 1 and card.locator("svg.segno").count() == 1
    assert axe(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".card-toolbar").is_visible()
    page.screenshot(path=str(tmp_path / f"card-print-{lang}.png"), full_page=True)
    assert pdf_pages(page) == 1  # one A4 page
    assert page.problems == []


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_route_page_draws_the_diagram(open_page, axe, lang, width, tmp_path):
    page = open_page(f"/verwijsroutes/verkennend-gesprek?buurt=1103&lang={lang}", width=width)
    diagram = page.locator("svg.route-diagram")
    assert diagram.is_visible()
    box = diagram.bounding_box()
    assert box["width"] > 600 and box["height"] > 300  # drawn at full size, scrolled on a phone
    assert page.locator("svg.route-diagram g.step").count() == page.locator("ol.step-list > li").count() == 8
    assert page.locator("#stap-financieel-cafe").is_visible()
    assert no_overflow(page)  # only the diagram's own region scrolls
    page.locator(".diagram-scroll").focus()  # keyboard users can scroll it
    assert axe(page) == []
    page.screenshot(path=str(tmp_path / f"route-{lang}-{width}.png"), full_page=True)
    page.emulate_media(media="print")
    assert page.locator("svg.route-diagram").is_visible() and not page.locator(".place-form").is_visible()
    assert page.problems == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_route_card_print_view_on_a_phone_and_on_paper(open_page, axe, lang, tmp_path):
    page = open_page(
        f"/verwijsroutes/crisis/kaart?step=crisisdienst&buurt=BU0363AE02&card_lang={lang}&lang={lang}", width=PHONE
    )
    assert no_overflow(page)
    assert axe(page) == []
    assert "112" in page.locator(".card-crisis").inner_text()
    page.emulate_media(media="print")
    page.screenshot(path=str(tmp_path / f"crisis-card-{lang}.png"), full_page=True)
    assert pdf_pages(page) == 1


def test_finder_on_a_phone_shows_errors_at_the_fields(open_page, axe):
    page = open_page("/verwijzen?lang=nl", width=PHONE)
    assert no_overflow(page)
    page.fill("#field-place", "9711")
    page.click("form.finder-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#err-place").is_visible() and page.locator("#err-needs").is_visible()
    assert axe(page) == []
    assert no_overflow(page)
