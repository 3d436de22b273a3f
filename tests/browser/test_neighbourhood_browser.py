"""The neighbourhood page in a browser: on a phone, with the keyboard, without
JavaScript, on paper; no serious accessibility problems."""

import pytest

from tests.browser.conftest import PHONE

BUURT = "/buurt/BU0363NL01?lang=nl"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_team_first_and_bounded_on_a_phone(open_page, javascript):
    page = open_page(BUURT, width=PHONE, javascript=javascript)
    headings = page.locator("main h2").all_inner_texts()
    assert headings[0] == "Uw buurtteam" and headings[1] == "Per soort hulp" and headings[2] == "Zorg"
    assert page.locator(".area-team .nearby-name a").inner_text() == "Buurtteam Oud-Noord"
    assert page.locator("[data-map]").is_visible() is javascript
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 11000, height  # was 17,800 px with every service listed in full
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE  # nothing sticks out sideways
    assert page.problems == []


def test_the_rest_of_a_group_opens_with_the_keyboard(open_page):
    page = open_page(BUURT, javascript=False)
    summary = page.locator("#domain-debt_money ~ details summary")
    more = page.locator("#domain-debt_money ~ details li").first
    assert not more.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert more.is_visible()


def test_no_serious_accessibility_problems(open_page, axe):
    page = open_page(BUURT, width=PHONE)
    assert axe(page) == []


def test_prints_the_team_and_the_nearest_help(open_page):
    page = open_page(BUURT)
    page.emulate_media(media="print")
    assert page.locator(".area-team").is_visible()
    assert page.locator(".print-only").first.is_visible()  # the page's address on paper
    for hidden in (".map-block", "#search-here", "details.more-services", ".domain-index"):
        assert not page.locator(hidden).first.is_visible(), hidden
