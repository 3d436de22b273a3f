"""Keeping the map current in a real browser against the real server (``make
run``), with its mail going to a real local SMTP server: the coordinator
starts an update round; the organisation follows the link from the e-mail
(no account), confirms one section and proposes a change to another; the
coordinator takes one field and leaves the other; the public page then shows
the new value, checked today. A visitor reports a mistake on a phone. No
serious or critical axe violations on the way."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_maintenance_browser import no_overflow, sign_in

ORGANISATION = "c-bggz-gaasperstroom"  # used by no other browser test
ADDRESS = "info@gaasperstroom.example"
SERVICE = "c-gaasperstroom-basis-ggz"


def test_a_provider_updates_its_entry_from_the_mailed_link(open_page, live_server, mail_server, axe, tmp_path):
    coordinator = sign_in(open_page, live_server, "demo-coordinator")
    coordinator.goto(live_server.url("/beheer/rondes"), wait_until="networkidle")
    assert axe(coordinator) == []
    coordinator.fill("#field-title", "Najaarsronde")
    coordinator.select_option("#field-which", "organisation")
    coordinator.fill("#field-value", ORGANISATION)
    with coordinator.expect_navigation():
        coordinator.click("form.edit-form button.button-primary")
    assert "1 organisatie krijgt" in coordinator.locator(".flash").first.inner_text()

    mail = mail_server.inbox.to(ADDRESS)
    assert mail, "the server sent no mail to the test SMTP server"
    link = re.search(r"https?://\S+/bijwerken\?t=[\w-]+", mail[-1].get_content()).group(0)
    assert link.startswith(live_server.url("/"))  # links point at the site as people reach it

    provider = open_page("/", width=PHONE)  # a new browser, no account
    provider.goto(link, wait_until="networkidle")
    assert axe(provider) == [] and no_overflow(provider)
    entry = provider.locator(f"#s-{SERVICE}")
    entry.locator("input[name=section][value=hours]").check()
    with provider.expect_navigation():
        entry.get_by_role("button", name=re.compile("Dit klopt nog")).click()
    assert "nog klopt" in provider.locator(".flash").first.inner_text()
    entry = provider.locator(f"#s-{SERVICE}")
    entry.locator("summary").click()
    entry.locator("input[name=cost_note]").fill("Vergoed uit de basisverzekering; eigen risico geldt.")
    entry.locator("input[name=waiting_weeks]").fill("9")
    provider.screenshot(path=str(tmp_path / "provider-phone.png"), full_page=True)
    with provider.expect_navigation():
        entry.get_by_role("button", name=re.compile("Wijziging doorgeven")).click()
    assert "doorgegeven" in provider.locator(".flash").first.inner_text()

    coordinator.goto(live_server.url("/beheer/voorstellen"), wait_until="networkidle")
    assert axe(coordinator) == []
    proposal = coordinator.locator("section.proposal", has_text="eigen risico")
    proposal.locator("input[name=accept][value=waiting_weeks]").uncheck()  # not this one
    proposal.locator("input[name=accept][value=waiting_updated]").uncheck()
    with coordinator.expect_navigation():
        proposal.get_by_role("button", name=re.compile("Aangevinkte velden overnemen")).click()

    public = open_page(f"/dienst/{SERVICE}")
    how = public.locator("section[aria-labelledby=how]").inner_text()
    assert "eigen risico" in how and "Gecontroleerd op" in how
    assert "9 weken" not in how  # the waiting time was left
    coordinator.goto(live_server.url(f"/beheer/diensten/{SERVICE}/geschiedenis"), wait_until="networkidle")
    history = coordinator.locator("table.history").inner_text()
    assert "demo-coordinator" in history and "updateronde" in history


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_a_visitor_reports_a_mistake_without_an_account(open_page, live_server, axe, width):
    page = open_page(f"/dienst/{SERVICE}", width=width)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Klopt er iets niet")).click()
    assert axe(page) == [] and no_overflow(page)
    page.select_option("#field-field", "hours")
    page.fill("#field-value", "Op vrijdag dicht")
    page.wait_for_timeout(3200)  # a person takes a moment; a robot does not (REPORT_MIN_SECONDS)
    with page.expect_navigation():
        page.get_by_role("button", name="Versturen").click()
    assert "Dank u" in page.locator(".flash").first.inner_text()
    assert page.url.endswith(f"/dienst/{SERVICE}")


STALE_SERVICE = "c-lichtpunt-noord-basis-ggz"  # used by no other browser test


def test_an_unchecked_entry_walks_the_stages_and_one_check_in_the_browser_brings_it_back(open_page, live_server, axe):
    """The clock is simulated for this one entry on the real server's database
    (`flask freshness update --today ... --service ...`, as a daily timer runs it)."""
    from datetime import date, timedelta

    from tests.browser.test_maintenance_browser import flask_cli

    far = (date.today() + timedelta(days=3 * 365)).isoformat()
    walked = flask_cli(live_server, "freshness", "update", "--today", far, "--service", STALE_SERVICE)
    assert "demoted" in walked
    public = open_page(f"/dienst/{STALE_SERVICE}")
    assert "Mogelijk verouderd" in public.locator("main").inner_text()
    results = open_page("/zoeken?q=lichtpunt&per_page=100")  # it comes after every checked hit
    hit = results.locator("li", has=results.locator(f"a[href='/dienst/{STALE_SERVICE}']")).first
    assert "Lang niet gecontroleerd" in hit.inner_text()

    coordinator = sign_in(open_page, live_server, "demo-coordinator", PHONE)
    coordinator.goto(live_server.url("/beheer/actualiteit?category=possibly_outdated"), wait_until="networkidle")
    assert STALE_SERVICE in coordinator.locator("table.freshness-table").first.inner_html()
    assert axe(coordinator) == [] and no_overflow(coordinator)
    coordinator.goto(live_server.url("/beheer/uitgaand"), wait_until="networkidle")
    assert axe(coordinator) == [] and no_overflow(coordinator)
    coordinator.goto(live_server.url(f"/beheer/diensten/{STALE_SERVICE}#verify"), wait_until="networkidle")
    assert "lang niet gecontroleerd" in coordinator.locator("#verify").inner_text()
    coordinator.select_option("#verify-how", "phone")
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Vastleggen als gecontroleerd").click()
    assert "gecontroleerd" in coordinator.locator(".flash").first.inner_text()
    assert axe(coordinator) == [] and no_overflow(coordinator)
    public = open_page(f"/dienst/{STALE_SERVICE}")
    text = public.locator("main").inner_text()
    assert "Mogelijk verouderd" not in text, text[max(0, text.find("Mogelijk verouderd") - 300) :][:600]
    assert "telefonisch nagevraagd" in text
