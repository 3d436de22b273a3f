"""A visitor reports what is wrong on a service page: no account; a robot's
hidden field and a too-quick send are turned away; crisis words bring the
crisis lines first; the coordinator takes the report over (edited) or marks
it handled, and a reporter who left an address hears the outcome, after which
the address is gone."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from socialmap.catalogue.models import Service
from socialmap.extensions import db
from socialmap.maintenance.models import ProposedChange
from tests.forms import form_of, make_account, sign_in, token_of

PASSWORD = "een lange zin als wachtwoord"
SERVICE = "s-vg-zuidoost"


@pytest.fixture
def app(editable_demo):
    editable_demo.config["REPORT_MIN_SECONDS"] = 0
    make_account(editable_demo, "coord", "coordinator", "RG-AMA")
    return editable_demo


def report_form(client) -> dict:
    page = client.get(f"/dienst/{SERVICE}/melden")
    assert page.status_code == 200
    return form_of(page.get_data(as_text=True), '<form method="post" class="stacked-form"')


def reports(app) -> list[ProposedChange]:
    with app.app_context():
        return db.session.scalars(select(ProposedChange).where(ProposedChange.source == "report")).all()


def test_the_service_page_links_to_the_report_form(app):
    page = app.test_client().get(f"/dienst/{SERVICE}").get_data(as_text=True)
    assert f'href="/dienst/{SERVICE}/melden"' in page


def test_a_report_is_stored_for_the_coordinator_and_taken_over_edited(app, mail_server):
    app.config.update(mail_server.settings())
    visitor = app.test_client()
    data = report_form(visitor)
    data.update(field=["cost_note"], value=["Gratis, ook zonder verwijzing"], contact=["melder@example.org"])
    answer = visitor.post(f"/dienst/{SERVICE}/melden", data=data, follow_redirects=True)
    assert "Dank u" in answer.get_data(as_text=True)
    [stored] = reports(app)
    assert stored.changes == {"cost_note": "Gratis, ook zonder verwijzing"} and stored.contact == "melder@example.org"
    coord = app.test_client()
    sign_in(coord, "coord", PASSWORD)
    queue = coord.get("/beheer/voorstellen").get_data(as_text=True)
    assert "een bezoeker" in queue and "Gratis, ook zonder verwijzing" in queue
    assert "melder@example.org" in queue  # coordinators see the address
    coord.post(
        f"/beheer/voorstellen/{stored.id}",
        data={
            "csrf_token": token_of(queue),
            "action": "accept",
            "accept": ["cost_note"],
            f"edit-{stored.id}-cost_note": ["Gratis. U heeft geen verwijzing nodig."],
            "note": ["nagebeld"],
        },
    )
    with app.app_context():
        assert (
            db.session.scalar(select(Service.cost_note).where(Service.key == SERVICE))
            == "Gratis. U heeft geen verwijzing nodig."
        )
    [handled] = reports(app)
    assert handled.status == "accepted" and handled.contact is None  # the address is gone
    [outcome] = mail_server.inbox.to("melder@example.org")
    assert "aangepast" in outcome.get_content()


def test_a_report_in_words_is_marked_handled_and_a_rejected_one_changes_nothing(app):
    visitor = app.test_client()
    data = report_form(visitor)
    data.update(field=["hours"], value=["Op woensdag dicht sinds september"])
    visitor.post(f"/dienst/{SERVICE}/melden", data=data)
    data = report_form(visitor)
    data.update(field=["other"], text=["De foto klopt niet"])
    visitor.post(f"/dienst/{SERVICE}/melden", data=data)
    first, second = reports(app)
    assert first.changes == {"report:hours": "Op woensdag dicht sinds september"}
    coord = app.test_client()
    sign_in(coord, "coord", PASSWORD)
    queue = coord.get("/beheer/voorstellen").get_data(as_text=True)
    assert "Melding over: openingstijden" in queue
    coord.post(
        f"/beheer/voorstellen/{first.id}",
        data={"csrf_token": token_of(queue), "action": "accept", "accept": ["report:hours"]},
    )
    coord.post(f"/beheer/voorstellen/{second.id}", data={"csrf_token": token_of(queue), "action": "reject"})
    first, second = reports(app)
    assert (first.status, second.status) == ("accepted", "rejected")


def test_robots_and_hasty_or_bad_reports_are_turned_away_with_a_reason(app):
    visitor = app.test_client()
    data = report_form(visitor)
    data.update(field=["hours"], value=["x"], website=["http://spam.example"])
    visitor.post(f"/dienst/{SERVICE}/melden", data=data)
    assert reports(app) == []  # the hidden field was filled: quietly dropped
    app.config["REPORT_MIN_SECONDS"] = 30
    data = report_form(visitor)
    data.update(field=["hours"], value=["Ook op vrijdag"])
    hasty = visitor.post(f"/dienst/{SERVICE}/melden", data=data)
    assert hasty.status_code == 400 and "erg snel" in hasty.get_data(as_text=True)
    app.config["REPORT_MIN_SECONDS"] = 0
    data = report_form(visitor)
    data.update(field=["waiting_weeks"], value=["veel"], contact=["geen adres"])
    bad = visitor.post(f"/dienst/{SERVICE}/melden", data=data)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="err-value"' in html and 'id="err-contact"' in html
    data.update(value=["x" * 1001])
    assert visitor.post(f"/dienst/{SERVICE}/melden", data=data).status_code == 400
    assert reports(app) == []
    assert app.test_client().get("/dienst/bestaat-niet/melden").status_code == 404


def test_crisis_words_bring_the_crisis_lines_first_and_nothing_is_stored_until_sent_again(app):
    visitor = app.test_client()
    data = report_form(visitor)
    data.update(field=["other"], text=["ik wil niet meer leven"])
    page = visitor.post(f"/dienst/{SERVICE}/melden", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "crisis-box" in html and "113" in html
    assert html.index("crisis-box") < html.index("<h1")
    assert reports(app) == []
    again = form_of(html, '<form method="post" class="stacked-form"')
    assert again["crisis_seen"] == ["1"] and again["text"] == ["ik wil niet meer leven"]
    time.sleep(0.01)
    visitor.post(f"/dienst/{SERVICE}/melden", data=again)
    assert len(reports(app)) == 1


def test_reports_are_rate_limited_per_address(editable_demo):
    editable_demo.config.update(REPORT_MIN_SECONDS=0)
    visitor = editable_demo.test_client()
    codes = []
    for _ in range(60):
        data = report_form(visitor)
        data.update(field=["other"], text=["Het adres is verhuisd"])
        codes.append(visitor.post(f"/dienst/{SERVICE}/melden", data=data).status_code)
    assert 429 in codes and re.match(r"^(302,?)+", ",".join(map(str, codes)))
