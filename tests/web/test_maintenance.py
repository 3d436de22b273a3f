"""The coordinator side on a copy of the demo region: signing in (CSRF, lockout,
rate limits, sign out everywhere), editing a service through the form (audit,
search index, merge of a stale edit, conflicts), history and revert, scopes."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from socialmap import geo
from socialmap.audit import AuditEntry
from socialmap.catalogue.models import AreaUnit, Location, Organisation, Service
from socialmap.extensions import db
from socialmap.maintenance import accounts, auth
from socialmap.maintenance.models import Account
from socialmap.transaction import unit_of_work
from tests import forms
from tests.forms import form_of, token_of

PASSWORD = "een lange zin als wachtwoord"
SERVICE = "s-vg-zuidoost"  # the exploratory conversation in Zuidoost (has a professional line)
PRO_PHONE = "020 555 1216"


def make_account(
    app, username: str, role: str | None = None, area: str | None = None, organisation: str | None = None
) -> None:
    with app.app_context(), unit_of_work():
        account = accounts.create_account(db.session, username, username.title())
        accounts.set_password(db.session, account, PASSWORD)
        if role:
            accounts.grant(db.session, account, role, area, organisation, by="test")


def other_region(app) -> None:
    with app.app_context(), unit_of_work():
        db.session.add(AreaUnit(code="RG-ZZZ", name="Elders", level="region"))


def sign_in(client, username: str, password: str = PASSWORD):
    return forms.sign_in(client, username, password)


def edit(client, key: str, **changes):
    page = client.get(f"/beheer/diensten/{key}")
    assert page.status_code == 200, page.status_code
    data = form_of(page.get_data(as_text=True))
    for name, value in changes.items():
        data[name.replace("__", "-")] = value if isinstance(value, list) else [value]
    return data


@pytest.fixture
def app(editable_demo):
    make_account(editable_demo, "coord", "coordinator", "RG-AMA")
    return editable_demo


def test_signing_in_needs_the_right_password_and_a_csrf_token(app):
    client = app.test_client()
    assert client.get("/beheer/").status_code == 302  # to the sign-in page
    wrong = sign_in(client, "coord", "not the password")
    assert wrong.status_code == 401 and "klopt niet" in wrong.get_data(as_text=True)
    unknown = sign_in(client, "nobody", "not the password")
    assert unknown.status_code == 401 and unknown.get_data(as_text=True).count("klopt niet") == 1
    no_token = client.post("/beheer/inloggen", data={"username": "coord", "password": PASSWORD})
    assert no_token.status_code == 400
    assert sign_in(client, "coord").status_code == 302
    assert client.get("/beheer/").status_code == 200


def test_an_account_locks_after_repeated_failures_until_an_admin_unlocks_it(app):
    client = app.test_client()
    for _ in range(3):  # LOGIN_MAX_FAILURES in the test app
        sign_in(client, "coord", "wrong")
    assert sign_in(client, "coord").status_code == 401  # even the right password now
    with app.app_context(), unit_of_work():
        auth.unlock(accounts.account_named(db.session, "coord"))
    assert sign_in(client, "coord").status_code == 302


def test_signing_in_is_rate_limited_per_account_name(app):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    client = app.test_client()
    codes = [sign_in(client, "someone", "wrong").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_signing_out_everywhere_ends_every_session(app):
    one, two = app.test_client(), app.test_client()
    sign_in(one, "coord")
    sign_in(two, "coord")
    page = one.get("/beheer/").get_data(as_text=True)
    assert one.post("/beheer/overal-uitloggen", data={"csrf_token": token_of(page)}).status_code == 302
    assert two.get("/beheer/").status_code == 302  # the other device is signed out too


def test_a_coordinator_edits_contacts_hours_waiting_and_area_and_everything_is_audited(app):
    client = app.test_client()
    sign_in(client, "coord")
    data = edit(
        client,
        SERVICE,
        contact__0__phone="020 555 9999",
        hours__0__day="mo",
        hours__0__opens="09:00",
        hours__0__closes="12:30",
        waiting_weeks="3",
        waiting_updated="2026-12-01",
        note="gebeld met de balie",
    )
    saved = client.post(f"/beheer/diensten/{SERVICE}", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        assert svc.waiting_weeks == 3 and svc.contacts[0].phone == "020 555 9999"
        assert any(r.kind == "hours" and r.weekday == 0 for r in svc.schedule_rules)
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.actor == "account:coord")).all()
        fields = {(r.entity, r.field) for r in rows}
        assert ("service", "waiting_weeks") in fields and ("contact", "phone") in fields
        assert {r.note for r in rows} == {"gebeld met de balie"}
        assert all(r.parent_id == svc.id for r in rows if r.entity != "service")
    public = client.get(f"/dienst/{SERVICE}").get_data(as_text=True)
    assert "020 555 9999" in public
    history = client.get(f"/beheer/diensten/{SERVICE}/geschiedenis").get_data(as_text=True)
    assert "020 555 9999" in history and "account:coord" in history and "gebeld met de balie" in history


def test_a_saved_name_is_found_by_search_within_two_seconds(app):
    client = app.test_client()
    sign_in(client, "coord")
    assert (
        client.post(f"/beheer/diensten/{SERVICE}", data=edit(client, SERVICE, name="Praatpunt Zonnebloem")).status_code
        == 302
    )
    deadline = time.monotonic() + 2
    while True:
        found = client.get("/api/v1/search?q=zonnebloem").get_json()
        if any(r["key"] == SERVICE for r in found["results"]) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert any(r["key"] == SERVICE for r in found["results"])


def test_bad_input_is_named_at_its_field_and_nothing_is_saved(app):
    client = app.test_client()
    sign_in(client, "coord")
    data = edit(client, SERVICE, name="", waiting_weeks="veel", contact__0__email="geen-adres")
    answer = client.post(f"/beheer/diensten/{SERVICE}", data=data)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="err-name"' in html and 'id="err-waiting_weeks"' in html and 'id="err-contact-0-email"' in html
    assert 'value="veel"' in html  # the editor's input is kept
    with app.app_context():
        assert db.session.scalar(select(Service.name).where(Service.key == SERVICE)) != ""
        assert not db.session.scalars(select(AuditEntry).where(AuditEntry.actor == "account:coord")).all()


def test_an_edit_on_an_older_version_merges_other_fields_and_shows_a_conflict_on_the_same_field(app):
    make_account(app, "coord2", "coordinator", "RG-AMA")
    anna, bob = app.test_client(), app.test_client()
    sign_in(anna, "coord")
    sign_in(bob, "coord2")
    anna_form, bob_form = edit(anna, SERVICE), edit(bob, SERVICE)
    anna_form["name"] = ["Verkennend gesprek (Anna)"]
    assert anna.post(f"/beheer/diensten/{SERVICE}", data=anna_form).status_code == 302
    bob_form["status_note"] = ["Tijdelijk op een andere plek."]  # another field: merged
    assert bob.post(f"/beheer/diensten/{SERVICE}", data=bob_form).status_code == 302
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        assert (svc.name, svc.status_note) == ("Verkennend gesprek (Anna)", "Tijdelijk op een andere plek.")
    bob_old = edit(bob, SERVICE)
    anna_form = edit(anna, SERVICE, name="Verkennend gesprek Zuidoost")
    assert anna.post(f"/beheer/diensten/{SERVICE}", data=anna_form).status_code == 302
    bob_old["name"] = ["Gesprek met Bob"]  # the same field, differently: a conflict
    conflict = bob.post(f"/beheer/diensten/{SERVICE}", data=bob_old)
    html = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "Gesprek met Bob" in html and "Verkennend gesprek Zuidoost" in html  # both, side by side
    assert 'value="Gesprek met Bob"' in html  # Bob's input stays in the form
    with app.app_context():
        assert db.session.scalar(select(Service.name).where(Service.key == SERVICE)) == "Verkennend gesprek Zuidoost"
    resent = form_of(html)  # Bob keeps his choice and saves again: now on the current version
    assert bob.post(f"/beheer/diensten/{SERVICE}", data=resent).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Service.name).where(Service.key == SERVICE)) == "Gesprek met Bob"


def test_a_change_is_reverted_unless_a_later_change_touched_the_field(app):
    client = app.test_client()
    sign_in(client, "coord")
    with app.app_context():
        before = db.session.scalar(select(Service.name).where(Service.key == SERVICE))
    client.post(f"/beheer/diensten/{SERVICE}", data=edit(client, SERVICE, name="Eerste naam"))
    client.post(f"/beheer/diensten/{SERVICE}", data=edit(client, SERVICE, name="Tweede naam"))
    with app.app_context():
        first, second = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "service", AuditEntry.field == "name").order_by(AuditEntry.id)
        ).all()[-2:]
    page = client.get(f"/beheer/diensten/{SERVICE}/geschiedenis").get_data(as_text=True)
    refused = client.post(
        f"/beheer/wijzigingen/{first.id}/terugdraaien", data={"csrf_token": token_of(page)}, follow_redirects=True
    )
    assert "daarna nog eens gewijzigd" in refused.get_data(as_text=True)
    client.post(f"/beheer/wijzigingen/{second.id}/terugdraaien", data={"csrf_token": token_of(page)})
    client.post(f"/beheer/wijzigingen/{first.id}/terugdraaien", data={"csrf_token": token_of(page)})
    with app.app_context():
        assert db.session.scalar(select(Service.name).where(Service.key == SERVICE)) == before
        reverts = db.session.scalars(select(AuditEntry).where(AuditEntry.note.like("terugdraaien%"))).all()
        assert len(reverts) == 2 and all(r.actor == "account:coord" for r in reverts)


def test_a_coordinator_of_another_region_gets_403(app):
    other_region(app)
    make_account(app, "elders", "coordinator", "RG-ZZZ")
    client = app.test_client()
    sign_in(client, "elders")
    assert client.get(f"/beheer/diensten/{SERVICE}").status_code == 403
    assert client.get(f"/beheer/diensten/{SERVICE}/geschiedenis").status_code == 403
    assert SERVICE not in client.get("/beheer/").get_data(as_text=True)


def test_an_organisation_editor_edits_only_its_own_organisations_services(app):
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        own = svc.organisation.key
        other = db.session.scalar(select(Organisation.key).where(Organisation.id != svc.organisation_id))
    make_account(app, "redacteur", "org_editor", organisation=own)
    make_account(app, "andere", "org_editor", organisation=other)
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, "redacteur")
    sign_in(theirs, "andere")
    assert mine.get(f"/beheer/diensten/{SERVICE}").status_code == 200
    assert theirs.get(f"/beheer/diensten/{SERVICE}").status_code == 403


def test_a_professional_sees_the_professional_line_that_the_public_never_sees(app):
    make_account(app, "huisarts", "professional")
    public = app.test_client().get(f"/dienst/{SERVICE}").get_data(as_text=True)
    assert PRO_PHONE not in public
    client = app.test_client()
    sign_in(client, "huisarts")
    assert PRO_PHONE in client.get(f"/dienst/{SERVICE}").get_data(as_text=True)
    assert client.get(f"/beheer/diensten/{SERVICE}").status_code == 403  # sees, edits nothing


def test_an_invitation_link_sets_the_password_once(app):
    with app.app_context(), unit_of_work():
        account = accounts.create_account(db.session, "nieuw", "Nieuwe Collega")
        token = accounts.invite(db.session, account)
    client = app.test_client()
    page = client.get(f"/beheer/uitnodiging?t={token}")
    assert page.status_code == 200
    short = client.post(
        "/beheer/uitnodiging",
        data={"t": token, "password": "kort", "repeated": "kort", "csrf_token": token_of(page.get_data(as_text=True))},
    )
    assert short.status_code == 400 and "minstens 12 tekens" in short.get_data(as_text=True)
    done = client.post(
        "/beheer/uitnodiging",
        data={
            "t": token,
            "password": PASSWORD,
            "repeated": PASSWORD,
            "csrf_token": token_of(page.get_data(as_text=True)),
        },
    )
    assert done.status_code == 302
    assert app.test_client().get(f"/beheer/uitnodiging?t={token}").status_code == 404  # used up
    assert sign_in(app.test_client(), "nieuw").status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Account.password_hash).where(Account.username == "nieuw"))
        assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_accounts_from_the_command_line(app):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["accounts", "create", "piet", "--name", "Piet Jansen"])
    assert made.exit_code == 0 and "/beheer/uitnodiging?t=" in made.output
    assert runner.invoke(args=["accounts", "create", "piet", "--name", "Piet"]).exit_code == 1  # exists
    granted = runner.invoke(args=["accounts", "grant", "piet", "coordinator", "--area", "GM0363"])
    assert granted.exit_code == 0 and "coordinator GM0363" in granted.output
    wrong = runner.invoke(args=["accounts", "grant", "piet", "coordinater", "--area", "GM0363"])
    assert wrong.exit_code == 1 and "bedoelt u 'coordinator'" in wrong.output and "Traceback" not in wrong.output
    no_area = runner.invoke(args=["accounts", "grant", "piet", "coordinator"])
    assert no_area.exit_code == 1 and "--area" in no_area.output
    listed = runner.invoke(args=["accounts", "list"])
    assert "piet" in listed.output and "coordinator GM0363" in listed.output and "invited" in listed.output
    assert runner.invoke(args=["accounts", "revoke", "piet", "coordinator"]).exit_code == 0
    assert runner.invoke(args=["accounts", "unlock", "piet"]).exit_code == 0
    assert runner.invoke(args=["accounts", "unlock", "nobody"]).exit_code == 1


def test_a_location_moves_to_its_postcode_centre_and_its_buurt_follows(app):
    client = app.test_client()
    sign_in(client, "coord")
    key = "s-nz-weesperstraat"
    page = client.get(f"/beheer/locaties/{key}")
    assert page.status_code == 200
    data = form_of(page.get_data(as_text=True))
    data.update(
        street=["Kinkerstraat"], house_number=["10"], postcode=["1053"], postcode_centre=["on"], note=["verhuisd"]
    )
    assert client.post(f"/beheer/locaties/{key}", data=data).status_code == 302
    with app.app_context():
        location = db.session.scalar(select(Location).where(Location.key == key))
        assert (location.street, location.postcode, location.approximate) == ("Kinkerstraat", "1053", True)
        assert location.neighbourhood.code.startswith("BU0363E")  # Oud-West, no longer Centrum
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.actor == "account:coord")).all()
        assert {r.field for r in rows} >= {"street", "postcode", "geom", "neighbourhood_id"}
    history = client.get(f"/beheer/locaties/{key}/geschiedenis").get_data(as_text=True)
    assert "Kinkerstraat" in history and "verhuisd" in history


def test_a_point_outside_the_map_is_refused_at_its_field(app):
    client = app.test_client()
    sign_in(client, "coord")
    key = "s-nz-weesperstraat"
    data = form_of(client.get(f"/beheer/locaties/{key}").get_data(as_text=True))
    data.update(lat=["51.9244"], lon=["4.4777"])  # Rotterdam: no buurt of this map
    answer = client.post(f"/beheer/locaties/{key}", data=data)
    assert answer.status_code == 400 and 'id="err-lat"' in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Location.street).where(Location.key == key)) != ""
        assert not db.session.scalars(select(AuditEntry).where(AuditEntry.actor == "account:coord")).all()


def editor_of_the_service(app, username="redacteur"):
    with app.app_context():
        own = db.session.scalar(select(Service).where(Service.key == SERVICE)).organisation.key
    make_account(app, username, "org_editor", organisation=own)
    return own


def test_an_organisation_editors_change_waits_for_a_coordinator_who_takes_it_field_by_field(app):
    editor_of_the_service(app)
    editor, coordinator = app.test_client(), app.test_client()
    sign_in(editor, "redacteur")
    sign_in(coordinator, "coord")
    with app.app_context():
        before = db.session.scalar(select(Service).where(Service.key == SERVICE))
        name, note = before.name, before.status_note
    data = edit(
        editor, SERVICE, name="Nieuwe naam van de redacteur", status_note="Ook op dinsdag.", note="nieuwe folder"
    )
    answer = editor.post(f"/beheer/diensten/{SERVICE}", data=data, follow_redirects=True)
    assert "voorstel" in answer.get_data(as_text=True)
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        assert (svc.name, svc.status_note) == (name, note)  # nothing applied yet
    assert editor.get("/beheer/voorstellen").status_code == 403  # an editor reviews nothing
    page = coordinator.get("/beheer/voorstellen").get_data(as_text=True)
    assert "Nieuwe naam van de redacteur" in page and "nieuwe folder" in page
    proposal = int(re.search(r"/beheer/voorstellen/(\d+)", page).group(1))
    coordinator.post(
        f"/beheer/voorstellen/{proposal}",
        data={"csrf_token": token_of(page), "action": "accept", "accept": ["status_note"]},
    )
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        assert (svc.name, svc.status_note) == (name, "Ook op dinsdag.")  # only the field taken
        row = db.session.scalar(
            select(AuditEntry).where(AuditEntry.field == "status_note").order_by(AuditEntry.id.desc())
        )
        assert row.actor == "account:coord" and f"voorstel {proposal} van account:redacteur" in row.note
    assert "Er wachten geen voorstellen" in coordinator.get("/beheer/voorstellen").get_data(as_text=True)


def test_a_proposed_field_that_changed_meanwhile_is_not_taken_blindly(app):
    editor_of_the_service(app)
    editor, coordinator = app.test_client(), app.test_client()
    sign_in(editor, "redacteur")
    sign_in(coordinator, "coord")
    editor.post(f"/beheer/diensten/{SERVICE}", data=edit(editor, SERVICE, name="Naam volgens de redacteur"))
    coordinator.post(f"/beheer/diensten/{SERVICE}", data=edit(coordinator, SERVICE, name="Naam volgens de coördinator"))
    page = coordinator.get("/beheer/voorstellen").get_data(as_text=True)
    assert "intussen gewijzigd" in page
    proposal = int(re.search(r"/beheer/voorstellen/(\d+)", page).group(1))
    answer = coordinator.post(
        f"/beheer/voorstellen/{proposal}",
        data={"csrf_token": token_of(page), "action": "accept", "accept": ["name"]},
        follow_redirects=True,
    )
    assert "al gewijzigd" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Service.name).where(Service.key == SERVICE)) == "Naam volgens de coördinator"


def test_a_trusted_organisations_editor_changes_at_once(app):
    own = editor_of_the_service(app)
    assert app.test_cli_runner().invoke(args=["accounts", "trust", own]).exit_code == 0
    editor = app.test_client()
    sign_in(editor, "redacteur")
    editor.post(f"/beheer/diensten/{SERVICE}", data=edit(editor, SERVICE, name="Direct aangepast"))
    with app.app_context():
        assert db.session.scalar(select(Service.name).where(Service.key == SERVICE)) == "Direct aangepast"


def test_an_admin_makes_an_account_on_the_page_and_the_link_signs_the_person_in(app):
    make_account(app, "beheer", "admin")
    admin = app.test_client()
    sign_in(admin, "beheer")
    page = admin.get("/beheer/accounts").get_data(as_text=True)
    wrong = admin.post(
        "/beheer/accounts",
        data={"csrf_token": token_of(page), "action": "create", "username": "Anna de Vries", "name": "Anna"},
    )
    assert wrong.status_code == 400 and 'id="err-username"' in wrong.get_data(as_text=True)
    made = admin.post(
        "/beheer/accounts",
        data={
            "csrf_token": token_of(page),
            "action": "create",
            "username": "anna",
            "name": "Anna de Vries",
            "role": "coordinator",
            "area": "GM0363",
        },
    )
    html = made.get_data(as_text=True)
    link = re.search(r'<code class="link-to-copy">([^<]+)</code>', html).group(1)
    token = link.split("t=")[1]
    newcomer = app.test_client()
    form = newcomer.get(f"/beheer/uitnodiging?t={token}").get_data(as_text=True)
    assert (
        newcomer.post(
            "/beheer/uitnodiging",
            data={"t": token, "password": PASSWORD, "repeated": PASSWORD, "csrf_token": token_of(form)},
        ).status_code
        == 302
    )
    assert newcomer.get(f"/beheer/diensten/{SERVICE}").status_code == 200  # a coordinator of Amsterdam
    with app.app_context():
        grant_id = accounts.account_named(db.session, "anna").grants[0].id
    admin.post(
        "/beheer/accounts",
        data={"csrf_token": token_of(page), "action": "revoke", "username": "anna", "grant": str(grant_id)},
    )
    assert newcomer.get(f"/beheer/diensten/{SERVICE}").status_code == 403


def test_a_service_is_set_back_to_how_it_was_before_a_moment(app):
    client = app.test_client()
    sign_in(client, "coord")
    with app.app_context():
        before = db.session.scalar(select(Service).where(Service.key == SERVICE))
        name, status = before.name, before.status
    client.post(f"/beheer/diensten/{SERVICE}", data=edit(client, SERVICE, name="Eerste naam"))
    client.post(
        f"/beheer/diensten/{SERVICE}", data=edit(client, SERVICE, name="Tweede naam", status="temporarily_closed")
    )
    with app.app_context():
        first = db.session.scalar(
            select(AuditEntry)
            .where(AuditEntry.entity == "service", AuditEntry.field == "name")
            .order_by(AuditEntry.id.desc())
            .offset(1)
        )
    page = client.get(f"/beheer/diensten/{SERVICE}/geschiedenis").get_data(as_text=True)
    assert f"/terugzetten/{first.id}" in page
    client.post(f"/beheer/diensten/{SERVICE}/terugzetten/{first.id}", data={"csrf_token": token_of(page)})
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        assert (svc.name, svc.status) == (name, status)
        notes = {r.note for r in db.session.scalars(select(AuditEntry).where(AuditEntry.note.like("teruggezet%")))}
        assert len(notes) == 1 and f"wijziging {first.id}" in notes.pop()


def test_a_new_service_that_looks_like_an_existing_one_is_warned_about_first(app):
    client = app.test_client()
    sign_in(client, "coord")
    page = client.get("/beheer/diensten/nieuw").get_data(as_text=True)
    with app.app_context():
        existing = db.session.scalar(select(Service).where(Service.key == SERVICE))
        organisation, name = existing.organisation.key, existing.name
    data = {
        "csrf_token": token_of(page),
        "organisation": organisation,
        "name": name.replace("Zuidoost", "Zuid-Oost"),
        "summary": "Een gesprek.",
        "domains": ["social"],
        "serves": ["SD0363T"],
    }
    warned = client.post("/beheer/diensten/nieuw", data=data)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 200 and "Staat deze dienst er al?" in html and f"/beheer/diensten/{SERVICE}" in html
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Service).where(Service.name == data["name"])) == 0
        )  # nothing made yet
    made = client.post("/beheer/diensten/nieuw", data={**data, "not_a_duplicate": "on"})
    assert made.status_code == 302 and "/beheer/diensten/" in made.headers["Location"]
    with app.app_context():
        new = db.session.scalar(select(Service).where(Service.name == data["name"]))
        assert new.key != SERVICE and [a.code for a in new.areas_served] == ["SD0363T"]
        assert (
            db.session.scalar(
                select(AuditEntry).where(AuditEntry.entity == "service", AuditEntry.entity_id == new.id)
            ).actor
            == "account:coord"
        )


def test_a_new_service_outside_the_coordinators_area_is_refused(app):
    client = app.test_client()
    sign_in(client, "coord")
    page = client.get("/beheer/diensten/nieuw").get_data(as_text=True)
    answer = client.post(
        "/beheer/diensten/nieuw",
        data={
            "csrf_token": token_of(page),
            "organisation": "s-netwerkzorg-ama",
            "name": "Iets heel anders",
            "summary": "Uitleg.",
            "domains": ["social"],
            "serves": ["GM0513"],
        },
    )
    assert answer.status_code == 400 and 'id="err-serves"' in answer.get_data(as_text=True)


def test_a_coordinator_corrects_an_organisations_details(app):
    client = app.test_client()
    sign_in(client, "coord")
    with app.app_context():
        key = db.session.scalar(select(Service).where(Service.key == SERVICE)).organisation.key
    page = client.get(f"/beheer/organisaties/{key}").get_data(as_text=True)
    data = form_of(page)
    data.update(website=["geen-adres"], kvk_number=["123"])
    wrong = client.post(f"/beheer/organisaties/{key}", data=data)
    assert wrong.status_code == 400 and 'id="err-website"' in wrong.get_data(as_text=True)
    data.update(website=["https://netwerkzorg.example"], kvk_number=["12345678"], note=["nieuwe site"])
    assert client.post(f"/beheer/organisaties/{key}", data=data).status_code == 302
    history = client.get(f"/beheer/organisaties/{key}/geschiedenis").get_data(as_text=True)
    assert "https://netwerkzorg.example" in history and "nieuwe site" in history


def test_meetings_and_exceptions_are_edited_in_the_form(app):
    client = app.test_client()
    sign_in(client, "coord")
    page = client.get(f"/beheer/diensten/{SERVICE}").get_data(as_text=True)
    data = form_of(page)
    assert (
        client.post(f"/beheer/diensten/{SERVICE}", data=data, follow_redirects=True)
        .get_data(as_text=True)
        .count("Er was niets gewijzigd")
        == 1
    )  # the form sends back what it showed
    rows = sum(1 for name in data if name.startswith("meeting-") and name.endswith("-day"))
    new = rows - 1  # the empty row the form offers
    data.update(
        {
            f"meeting-{new}-day": ["we"],
            f"meeting-{new}-every": ["month"],
            f"meeting-{new}-nth": ["-1"],
            f"meeting-{new}-opens": ["19:00"],
            f"meeting-{new}-closes": ["21:00"],
        }
    )
    exceptions = sum(1 for name in data if name.startswith("exception-") and name.endswith("-start")) - 1
    data.update(
        {
            f"exception-{exceptions}-start": ["2026-12-24"],
            f"exception-{exceptions}-end": ["2026-12-26"],
            f"exception-{exceptions}-closed": ["on"],
            f"exception-{exceptions}-note": ["Kerst"],
        }
    )
    assert client.post(f"/beheer/diensten/{SERVICE}", data=data).status_code == 302
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        assert any(
            r.kind == "meeting" and r.freq == "monthly" and r.nth == -1 and r.weekday == 2 for r in svc.schedule_rules
        )
        assert any(e.note == "Kerst" and e.closed for e in svc.schedule_exceptions)
    data[f"meeting-{new}-closes"] = ["18:00"]  # before it begins
    answer = client.post(
        f"/beheer/diensten/{SERVICE}", data=edit(client, SERVICE, **{f"meeting__{new}__closes": "18:00"})
    )
    assert answer.status_code == 400 and f'id="err-meeting-{new}-closes"' in answer.get_data(as_text=True)


def test_a_new_organisation_and_location_are_checked_for_duplicates_first(app):
    client = app.test_client()
    sign_in(client, "coord")
    with app.app_context():
        existing = db.session.scalar(select(Location).where(Location.key == "s-nz-weesperstraat"))
        point = geo.from_db(existing.geom)
        organisation = existing.organisation
        phone = organisation.phone or "020 555 0000"
        if not organisation.phone:
            organisation.phone = phone
            db.session.commit()
    page = client.get("/beheer/organisaties/nieuw").get_data(as_text=True)
    data = {"csrf_token": token_of(page), "name": "Heel andere naam", "phone": phone.replace(" ", "-")}
    warned = client.post("/beheer/organisaties/nieuw", data=data).get_data(as_text=True)
    assert "Staat deze organisatie er al?" in warned and organisation.name in warned
    made = client.post("/beheer/organisaties/nieuw", data={**data, "not_a_duplicate": "on"})
    assert made.status_code == 302 and "/beheer/locaties/nieuw?organisation=" in made.headers["Location"]
    new_key = made.headers["Location"].split("organisation=")[1]
    near = {
        "csrf_token": token_of(page),
        "organisation": new_key,
        "street": "Weesperstraat",
        "house_number": "9",
        "postcode": "1018",
        "city": "Amsterdam",
        "lon": f"{point.x + 0.0002:.6f}",
        "lat": f"{point.y:.6f}",
    }
    warned = client.post("/beheer/locaties/nieuw", data=near).get_data(as_text=True)
    assert "Staat deze locatie er al?" in warned and existing.address in warned
    made = client.post("/beheer/locaties/nieuw", data={**near, "not_a_duplicate": "on"})
    assert made.status_code == 302
    with app.app_context():
        location = db.session.scalar(
            select(Location).where(Location.street == "Weesperstraat", Location.house_number == "9")
        )
        assert location.organisation.key == new_key and location.neighbourhood is not None


def test_an_invitation_is_mailed_when_the_account_has_an_address(app, mail_server):
    app.config.update(mail_server.settings())
    make_account(app, "beheer", "admin")
    admin = app.test_client()
    sign_in(admin, "beheer")
    page = admin.get("/beheer/accounts").get_data(as_text=True)
    made = admin.post(
        "/beheer/accounts",
        data={
            "csrf_token": token_of(page),
            "action": "create",
            "username": "bram",
            "name": "Bram",
            "email": "bram@example.org",
        },
    )
    assert "ook gemaild" in made.get_data(as_text=True)
    [mail] = mail_server.inbox.to("bram@example.org")
    token = re.search(r"/beheer/uitnodiging\?t=([\w-]+)", mail.get_content()).group(1)
    assert app.test_client().get(f"/beheer/uitnodiging?t={token}").status_code == 200
