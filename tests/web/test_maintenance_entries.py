"""Organisations and locations: retired and restored (never deleted), merged
when saved on an older version, reverted one change at a time, and a
location change by an organisation's editor waiting for review."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from socialmap.audit import AuditEntry
from socialmap.catalogue.models import Location, Organisation, Service
from socialmap.catalogue.operations import update_service
from socialmap.extensions import db
from socialmap.transaction import unit_of_work
from tests.forms import form_of, make_account, sign_in, token_of

PASSWORD = "een lange zin als wachtwoord"
SERVICE = "s-vg-zuidoost"
LOCATION = "s-nz-weesperstraat"  # of the service's organisation


@pytest.fixture
def app(editable_demo):
    make_account(editable_demo, "coord", "coordinator", "RG-AMA")
    make_account(editable_demo, "coord2", "coordinator", "RG-AMA")
    return editable_demo


def signed_in(app, username: str):
    client = app.test_client()
    assert sign_in(client, username, PASSWORD).status_code == 302
    return client


def organisation_key(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Service).where(Service.key == SERVICE)).organisation.key


def test_an_organisation_with_running_services_is_not_retired_and_nothing_changes(app):
    client, key = signed_in(app, "coord"), organisation_key(app)
    page = client.get(f"/beheer/organisaties/{key}").get_data(as_text=True)
    answer = client.post(
        f"/beheer/organisaties/{key}/status",
        data={"csrf_token": token_of(page), "status": "retired"},
        follow_redirects=True,
    )
    assert "lopende diensten" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Organisation.status).where(Organisation.key == key)) == "active"


def test_an_organisation_is_retired_once_its_services_ended_and_restored_again(app):
    client, key = signed_in(app, "coord"), organisation_key(app)
    with app.app_context(), unit_of_work():
        organisation = db.session.scalar(select(Organisation).where(Organisation.key == key))
        for service in organisation.services:
            update_service(db.session, service, "test:setup", status="ended")
        ended = [s.key for s in organisation.services]
    page = client.get(f"/beheer/organisaties/{key}").get_data(as_text=True)
    client.post(
        f"/beheer/organisaties/{key}/status",
        data={"csrf_token": token_of(page), "status": "retired", "note": "gefuseerd"},
    )
    page = client.get(f"/beheer/organisaties/{key}").get_data(as_text=True)
    assert "is opgeheven" in page and "Terugzetten" in page
    with app.app_context():
        assert db.session.scalar(select(Organisation.status).where(Organisation.key == key)) == "retired"
        # nothing was deleted, and a service of a retired organisation cannot run again
        assert db.session.scalar(select(Service).where(Service.key == ended[0])) is not None
    form = form_of(client.get(f"/beheer/diensten/{ended[0]}").get_data(as_text=True))
    form["status"] = ["active"]
    refused = client.post(f"/beheer/diensten/{ended[0]}", data=form)
    assert refused.status_code == 400 and "organisatie is opgeheven" in refused.get_data(as_text=True)
    new_service = client.get("/beheer/diensten/nieuw").get_data(as_text=True)
    assert f'value="{key}"' not in new_service  # not offered for a new service
    history = client.get(f"/beheer/organisaties/{key}/geschiedenis").get_data(as_text=True)
    assert "gefuseerd" in history
    client.post(f"/beheer/organisaties/{key}/status", data={"csrf_token": token_of(page), "status": "active"})
    with app.app_context():
        assert db.session.scalar(select(Organisation.status).where(Organisation.key == key)) == "active"
        statuses = db.session.scalars(
            select(AuditEntry.after)
            .where(AuditEntry.entity == "organisation", AuditEntry.field == "status")
            .order_by(AuditEntry.id)
        ).all()
        assert statuses == ["retired", "active"]


def test_a_location_in_use_is_not_retired_and_a_retired_one_is_not_offered(app):
    client = signed_in(app, "coord")
    page = client.get(f"/beheer/locaties/{LOCATION}").get_data(as_text=True)
    with app.app_context():
        users = [
            s.key
            for s in db.session.scalar(select(Location).where(Location.key == LOCATION)).services
            if s.status != "ended"
        ]
    refused = client.post(
        f"/beheer/locaties/{LOCATION}/status",
        data={"csrf_token": token_of(page), "status": "retired"},
        follow_redirects=True,
    )
    if users:
        assert "lopende diensten" in refused.get_data(as_text=True)
        for key in users:  # the coordinator takes the location off its services first
            form = form_of(client.get(f"/beheer/diensten/{key}").get_data(as_text=True))
            form["locations"] = [v for v in form.get("locations", []) if v != LOCATION]
            assert client.post(f"/beheer/diensten/{key}", data=form).status_code == 302
        client.post(f"/beheer/locaties/{LOCATION}/status", data={"csrf_token": token_of(page), "status": "retired"})
    with app.app_context():
        assert db.session.scalar(select(Location.status).where(Location.key == LOCATION)) == "retired"
    form_page = client.get(f"/beheer/diensten/{SERVICE}").get_data(as_text=True)
    assert f'value="{LOCATION}"' not in form_page
    form = form_of(form_page)
    form["locations"] = [LOCATION]  # sent anyway
    assert client.post(f"/beheer/diensten/{SERVICE}", data=form).status_code == 400


def test_organisation_edits_on_an_older_version_merge_or_show_the_conflict(app):
    anna, bob, key = signed_in(app, "coord"), signed_in(app, "coord2"), organisation_key(app)
    anna_form = form_of(anna.get(f"/beheer/organisaties/{key}").get_data(as_text=True))
    bob_form = form_of(bob.get(f"/beheer/organisaties/{key}").get_data(as_text=True))
    anna_form["phone"] = ["020 111 2222"]
    assert anna.post(f"/beheer/organisaties/{key}", data=anna_form).status_code == 302
    bob_form["website"] = ["https://bob.example"]  # another field: merged
    assert bob.post(f"/beheer/organisaties/{key}", data=bob_form).status_code == 302
    with app.app_context():
        organisation = db.session.scalar(select(Organisation).where(Organisation.key == key))
        assert (organisation.phone, organisation.website) == ("020 111 2222", "https://bob.example")
    bob_old = form_of(bob.get(f"/beheer/organisaties/{key}").get_data(as_text=True))
    anna_form = form_of(anna.get(f"/beheer/organisaties/{key}").get_data(as_text=True))
    anna_form["phone"] = ["020 333 4444"]
    assert anna.post(f"/beheer/organisaties/{key}", data=anna_form).status_code == 302
    bob_old["phone"] = ["020 999 0000"]  # the same field: both shown, Bob's input kept
    conflict = bob.post(f"/beheer/organisaties/{key}", data=bob_old)
    html = conflict.get_data(as_text=True)
    assert conflict.status_code == 409 and "020 333 4444" in html and 'value="020 999 0000"' in html
    assert bob.post(f"/beheer/organisaties/{key}", data=form_of(html)).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Organisation.phone).where(Organisation.key == key)) == "020 999 0000"


def test_location_edits_on_an_older_version_merge(app):
    anna, bob = signed_in(app, "coord"), signed_in(app, "coord2")
    anna_form = form_of(anna.get(f"/beheer/locaties/{LOCATION}").get_data(as_text=True))
    bob_form = form_of(bob.get(f"/beheer/locaties/{LOCATION}").get_data(as_text=True))
    anna_form["name"] = ["Wijkhuis"]
    assert anna.post(f"/beheer/locaties/{LOCATION}", data=anna_form).status_code == 302
    bob_form["house_number"] = ["7a"]
    assert bob.post(f"/beheer/locaties/{LOCATION}", data=bob_form).status_code == 302
    with app.app_context():
        location = db.session.scalar(select(Location).where(Location.key == LOCATION))
        assert (location.name, location.house_number) == ("Wijkhuis", "7a")


def test_an_organisations_change_is_reverted_from_its_history(app):
    client, key = signed_in(app, "coord"), organisation_key(app)
    with app.app_context():
        before = db.session.scalar(select(Organisation.phone).where(Organisation.key == key))
    form = form_of(client.get(f"/beheer/organisaties/{key}").get_data(as_text=True))
    form["phone"] = ["020 123 4567"]
    client.post(f"/beheer/organisaties/{key}", data=form)
    page = client.get(f"/beheer/organisaties/{key}/geschiedenis").get_data(as_text=True)
    entry = int(re.search(r"/beheer/wijzigingen/(\d+)/terugdraaien", page).group(1))
    client.post(f"/beheer/wijzigingen/{entry}/terugdraaien", data={"csrf_token": token_of(page)})
    with app.app_context():
        assert db.session.scalar(select(Organisation.phone).where(Organisation.key == key)) == before
        assert (
            db.session.scalar(select(AuditEntry.note).order_by(AuditEntry.id.desc()))
            == f"terugdraaien van wijziging {entry}"
        )


def test_an_organisation_editors_location_change_waits_for_review(app):
    make_account(app, "redacteur", "org_editor", organisation=organisation_key(app))
    editor, coordinator = signed_in(app, "redacteur"), signed_in(app, "coord")
    with app.app_context():
        before = db.session.scalar(select(Location.house_number).where(Location.key == LOCATION))
    form = form_of(editor.get(f"/beheer/locaties/{LOCATION}").get_data(as_text=True))
    form["house_number"] = ["99"]
    answer = editor.post(f"/beheer/locaties/{LOCATION}", data=form, follow_redirects=True)
    assert "voorstel" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Location.house_number).where(Location.key == LOCATION)) == before
    page = coordinator.get("/beheer/voorstellen").get_data(as_text=True)
    assert "Locatie" in page and "99" in page
    proposal = int(re.search(r"/beheer/voorstellen/(\d+)", page).group(1))
    coordinator.post(
        f"/beheer/voorstellen/{proposal}",
        data={"csrf_token": token_of(page), "action": "accept", "accept": ["house_number"]},
    )
    with app.app_context():
        assert db.session.scalar(select(Location.house_number).where(Location.key == LOCATION)) == "99"
        row = db.session.scalar(
            select(AuditEntry).where(AuditEntry.field == "house_number").order_by(AuditEntry.id.desc())
        )
        assert row.actor == "account:coord" and "voorstel" in row.note
