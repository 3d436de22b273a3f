"""The coordinator's journey in a real browser against the real server (``make
run``): sign in with the demo accounts that `demo setup` printed, correct a
service's opening hours, and meet a second editor who saved the same field
meanwhile -- the conflict is shown side by side, nothing typed is lost, and
both changes end up in the history. On a desktop and a phone, with no serious
or critical axe violations."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from socialmap.config import PROJECT_ROOT
from tests.browser.conftest import DESKTOP, PHONE

SERVICE = "c-vechtzicht-weesp-basis-ggz"  # used by no other browser test
OTHER_SERVICE = "c-dijkzicht-sggz-weesp"  # neither
ORGANISATION = "c-ggz-dijkzicht"  # its organisation


def demo_password(live_server, username: str) -> str:
    found = re.search(rf"^\s*{re.escape(username)}\s+\S+(?: \S+)?\s+(\S+)\s*$", live_server.log(), re.M)
    assert found, f"`demo setup` printed no password for {username}"
    return found.group(1)


def sign_in(open_page, live_server, username: str, width: int = DESKTOP):
    page = open_page("/beheer/inloggen", width=width)
    page.fill("#field-username", username)
    page.fill("#field-password", demo_password(live_server, username))
    with page.expect_navigation():
        page.keyboard.press("Enter")  # a keyboard user signs in the same way
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/beheer/"), page.url
    return page


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_two_coordinators_change_the_same_opening_hours(open_page, live_server, axe, tmp_path):
    first = sign_in(open_page, live_server, "demo-coordinator")
    second = sign_in(open_page, live_server, "demo-beheerder", width=PHONE)
    for page in (first, second):
        page.goto(live_server.url(f"/beheer/diensten/{SERVICE}"), wait_until="networkidle")
    assert axe(first) == [] and no_overflow(second)
    first.screenshot(path=str(tmp_path / "form-desktop.png"), full_page=True)

    first.select_option("#field-hours-0-day", "mo")
    first.fill("#field-hours-0-opens", "08:30")
    first.fill("#field-note", "nieuwe openingstijd, gebeld")
    with first.expect_navigation():
        first.click("form.edit-form button.button-primary")
    first.wait_for_load_state("networkidle")
    assert "Opgeslagen" in first.locator(".flash").inner_text()

    second.fill("#field-hours-0-opens", "10:00")  # the same row, differently, on the old version
    with second.expect_navigation():
        second.click("form.edit-form button.button-primary")
    second.wait_for_load_state("networkidle")
    conflict = second.locator("#conflicts")
    assert "Iemand anders heeft deze dienst intussen gewijzigd" in conflict.inner_text()
    assert "08:30" in conflict.inner_text() and "10:00" in conflict.inner_text()  # both, side by side
    assert second.input_value("#field-hours-0-opens") == "10:00"  # nothing typed is lost
    assert axe(second) == [] and no_overflow(second)
    second.screenshot(path=str(tmp_path / "conflict-phone.png"), full_page=True)

    with second.expect_navigation():
        second.click("form.edit-form button.button-primary")  # keeps 10:00, now on the current version
    second.wait_for_load_state("networkidle")
    assert "Opgeslagen" in second.locator(".flash").inner_text()

    first.goto(live_server.url(f"/beheer/diensten/{SERVICE}/geschiedenis"), wait_until="networkidle")
    history = first.locator("table.history").inner_text()
    assert "account:demo-coordinator" in history and "account:demo-beheerder" in history
    assert "nieuwe openingstijd, gebeld" in history
    assert axe(first) == []
    public = open_page(f"/dienst/{SERVICE}").locator("main").inner_text()
    assert "10:00" in public and "08:30" not in public  # the demo had 09:00-17:00 only; the second save won
    expected = "the server responded with a status of 409"  # the conflict page itself
    assert first.problems == [] and [p for p in second.problems if expected not in p] == []


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_sign_in_page_and_the_list_are_usable(open_page, live_server, axe, width):
    page = open_page("/beheer/inloggen", width=width)
    assert axe(page) == [] and no_overflow(page)
    page = sign_in(open_page, live_server, "demo-coordinator", width)
    assert page.locator("table.maintenance-list a").count() > 50
    assert axe(page) == [] and no_overflow(page)
    professional = sign_in(open_page, live_server, "demo-professional", width)
    assert "Met uw account ziet u de gegevens voor professionals" in professional.locator("main").inner_text()


def flask_cli(live_server, *args: str) -> str:
    """A command run on the real server's own instance (its database), as an admin runs it."""
    env = {**os.environ, "SOCIALMAP_INSTANCE_DIR": str(live_server.instance)}
    for name in ("SOCIALMAP_DATABASE_URL", "SOCIALMAP_SEARCH_INDEX_DIR"):
        env.pop(name, None)
    done = subprocess.run(
        [str(PROJECT_ROOT / ".venv/bin/flask"), "--app", "socialmap", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_an_invited_organisation_editors_change_waits_for_the_coordinator(open_page, live_server, axe):
    made = flask_cli(
        live_server,
        "accounts",
        "create",
        "redacteur-vechtzicht",
        "--name",
        "Redacteur Vechtzicht",
        "--base-url",
        live_server.base,
    )
    flask_cli(live_server, "accounts", "grant", "redacteur-vechtzicht", "org_editor", "--organisation", ORGANISATION)
    link = re.search(r"(http\S+/beheer/uitnodiging\?t=\S+)", made).group(1)
    editor = open_page(link.removeprefix(live_server.base))
    assert axe(editor) == []
    editor.fill("#field-password", "een lange zin als wachtwoord")
    editor.fill("#field-repeated", "een lange zin als wachtwoord")
    with editor.expect_navigation():
        editor.click("form.stacked-form button")
    assert editor.url.endswith("/beheer/")
    editor.goto(live_server.url(f"/beheer/diensten/{OTHER_SERVICE}"), wait_until="networkidle")
    editor.fill(
        "#field-summary", "Behandeling bij ernstige psychische problemen. In de schoolvakanties alleen op dinsdag."
    )
    with editor.expect_navigation():
        editor.click("form.edit-form button.button-primary")
    assert "voorstel" in editor.locator(".flash").inner_text()
    public = open_page(f"/dienst/{OTHER_SERVICE}").locator("main").inner_text()
    assert "alleen op dinsdag" not in public  # waits for review

    coordinator = sign_in(open_page, live_server, "demo-coordinator")
    coordinator.goto(live_server.url("/beheer/voorstellen"), wait_until="networkidle")
    # the editor's proposal (other journeys leave theirs too), its text editable before it is taken
    proposal = coordinator.locator("section.proposal").filter(
        has=coordinator.locator("input[value*='In de schoolvakanties alleen op dinsdag.']")
    )
    assert proposal.count() == 1
    assert axe(coordinator) == []
    with coordinator.expect_navigation():
        proposal.locator("button[value=accept]").click()
    assert "Overgenomen" in coordinator.locator(".flash").inner_text()
    public = open_page(f"/dienst/{OTHER_SERVICE}").locator("main").inner_text()
    assert "alleen op dinsdag" in public


def test_a_route_rule_problem_appears_at_its_field(open_page, live_server, axe):
    page = sign_in(open_page, live_server, "demo-coordinator")
    page.goto(live_server.url("/beheer/verwijsroutes/doco"), wait_until="networkidle")
    kinds = page.locator("input[name$='-service_kinds']").first
    field_id = kinds.get_attribute("id")
    kinds.fill("doco_overleg")  # no such kind
    with page.expect_navigation():
        page.click("form.edit-form button.button-primary")
    error = page.locator(f"#err-{field_id.removeprefix('field-')}")
    assert "onbekende code 'doco_overleg'" in error.inner_text()
    assert page.locator(f"#{field_id}").get_attribute("aria-invalid") == "true"
    assert page.locator(f"#{field_id}").input_value() == "doco_overleg"  # kept
    page.locator(".error-summary a").first.click()  # the summary leads to the field
    assert page.evaluate("document.activeElement.id") == field_id or page.url.endswith(f"#{field_id}")
    assert axe(page) == []


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_a_point_is_picked_on_the_map(open_page, live_server, axe, width):
    page = sign_in(open_page, live_server, "demo-coordinator", width)
    page.goto(live_server.url("/beheer/locaties/nieuw"), wait_until="networkidle")
    assert page.input_value("#field-lat-input") == ""
    page.locator(".pick-canvas").click(position={"x": 80, "y": 80})
    lat, lon = float(page.input_value("#field-lat-input")), float(page.input_value("#field-lon"))
    assert 52.2 < lat < 52.5 and 4.7 < lon < 5.1  # in the coordinator's region
    assert axe(page) == [] and no_overflow(page) and page.problems == []


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_a_wijk_is_picked_on_the_map_and_the_list_follows(open_page, live_server, axe, width):
    page = sign_in(open_page, live_server, "demo-coordinator", width)
    page.goto(live_server.url(f"/beheer/diensten/{OTHER_SERVICE}"), wait_until="networkidle")
    shapes = page.locator("[data-pick-areas] path.leaflet-interactive")
    assert shapes.count() > 10  # the wijken of the coordinator's region
    ticked = "document.querySelectorAll('input[name=serves]:checked').length"
    before = page.evaluate(ticked)
    shapes.nth(3).click(force=True)
    after = page.evaluate(ticked)
    assert abs(after - before) == 1  # one box ticked or unticked; nothing saved until the form is
    assert axe(page) == [] and no_overflow(page) and page.problems == []
