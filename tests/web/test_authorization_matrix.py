"""Every endpoint that needs an account or writes, for every kind of visitor,
in one table. The table is checked against the app's URL map: an endpoint
that is added without a row here fails the first test."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from socialmap.audit import AuditEntry
from socialmap.catalogue.models import AreaUnit, Organisation, Service
from socialmap.extensions import db
from socialmap.freshness.rounds import start_round
from socialmap.maintenance import accounts
from socialmap.transaction import unit_of_work
from tests.forms import form_of

PASSWORD = "een lange zin als wachtwoord"
SERVICE = "s-vg-zuidoost"
ROUTE = "verkennend-gesprek"
LOCATION = "s-nz-weesperstraat"  # of the service's organisation, in Centrum
VISITORS = (
    "anonymous",
    "professional",
    "editor_other",
    "editor_here",
    "coordinator_elsewhere",
    "coordinator_here",
    "admin",
)
# Public endpoints that take a POST but change nothing (CSRF-exempt on purpose).
PUBLIC_POSTS = {"routes.finder_page", "routes.card", "routes_api.api_finder"}

LOGIN = "login"  # a redirect to the sign-in page
OK, FORBIDDEN, DONE = 200, 403, 302
# endpoint, method -> the answer per visitor, in the order of VISITORS
EXPECTED = {
    ("maintenance.login", "GET"): (OK,) * 7,
    ("maintenance.login", "POST"): "sign-in itself: tests/web/test_maintenance.py",
    ("maintenance.invitation", "GET"): (404,) * 7,  # without a valid token
    ("maintenance.invitation", "POST"): (404,) * 7,
    ("maintenance.logout", "POST"): (DONE,) * 7,
    ("maintenance.logout_everywhere", "POST"): (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE),
    ("maintenance.dashboard", "GET"): (LOGIN, OK, OK, OK, OK, OK, OK),
    ("maintenance.edit_service", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, OK),
    ("maintenance.area_shapes", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, OK),
    ("maintenance.verify_service", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, DONE, FORBIDDEN, DONE, DONE),
    ("maintenance.save_service", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, DONE, FORBIDDEN, DONE, DONE),
    ("maintenance.service_history", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, OK),
    ("maintenance.revert_change", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, DONE, FORBIDDEN, DONE, DONE),
    ("maintenance.restore_service", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, DONE, FORBIDDEN, DONE, DONE),
    ("maintenance.region_log", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    # a route of the region: its coordinators and admins, never an organisation's editor
    ("maintenance.edit_route", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    ("maintenance.save_route_form", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, DONE),
    ("maintenance.proposals", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    ("maintenance.decide_proposal", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, DONE),
    ("maintenance.new_service", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    # a coordinator elsewhere may open the form but not make a service in Amsterdam (400)
    ("maintenance.new_service", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 400, DONE, DONE),
    ("maintenance.edit_organisation", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    ("maintenance.edit_organisation", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, DONE),
    ("maintenance.organisation_history", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    ("maintenance.organisation_status", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, DONE),
    ("maintenance.new_organisation", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    ("maintenance.new_organisation", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, DONE, DONE),
    ("maintenance.new_location", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    # a point in Amsterdam: not for a coordinator elsewhere (400)
    ("maintenance.new_location", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 400, DONE, DONE),
    ("maintenance.account_list", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("maintenance.account_action", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("maintenance.route_history", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    # a location of the service's organisation (in Amsterdam)
    ("maintenance.edit_location", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, OK),
    ("maintenance.save_location", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, DONE, FORBIDDEN, DONE, DONE),
    ("maintenance.location_history", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, OK),
    # update rounds: coordinators and admins; a round is theirs when they may edit one of its services
    ("maintenance.update_rounds", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    # a round of everything one may edit: a coordinator elsewhere has nothing here to ask about (400)
    ("maintenance.update_rounds", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 400, DONE, DONE),
    ("maintenance.update_round", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    ("maintenance.update_round", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, DONE),
    ("maintenance.outbox", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    ("maintenance.freshness", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    ("maintenance.freshness_map", "GET"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    # public, no account: a provider link that does not work is a 404 for everyone
    ("freshness.provider_confirm", "POST"): (404,) * 7,
    ("freshness.provider_propose", "POST"): (404,) * 7,
    # a public report sent without the form's start time: the same answer for everyone
    ("freshness.report", "POST"): (400,) * 7,
    # the organisation's own editor may ask (a proposal, the organisation is not trusted)
    ("maintenance.location_status", "POST"): (LOGIN, FORBIDDEN, FORBIDDEN, DONE, FORBIDDEN, DONE, DONE),
}


def guarded_endpoints(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) of the coordinator side, and every POST of the app."""
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if rule.endpoint.startswith("maintenance.") or (method != "GET" and rule.endpoint not in PUBLIC_POSTS):
                found.add((rule.endpoint, method))
    return found


@pytest.fixture
def world(editable_demo):
    app = editable_demo
    with app.app_context(), unit_of_work():
        db.session.add(AreaUnit(code="RG-ZZZ", name="Elders", level="region"))
        service = db.session.scalar(select(Service).where(Service.key == SERVICE))
        other = db.session.scalar(select(Organisation.key).where(Organisation.id != service.organisation_id))
        grants = {
            "professional": ("professional", None, None),
            "editor_other": ("org_editor", None, other),
            "editor_here": ("org_editor", None, service.organisation.key),
            "coordinator_elsewhere": ("coordinator", "RG-ZZZ", None),
            "coordinator_here": ("coordinator", "RG-AMA", None),
            "admin": ("admin", None, None),
        }
    for name, (role, area, organisation) in grants.items():
        with app.app_context(), unit_of_work():
            account = accounts.create_account(db.session, name.replace("_", "-"), name)
            accounts.set_password(db.session, account, PASSWORD)
            accounts.grant(db.session, account, role, area, organisation)
    # a change to revert
    with app.app_context(), unit_of_work():
        service = db.session.scalar(select(Service).where(Service.key == SERVICE))
        from socialmap.catalogue.operations import update_service

        update_service(db.session, service, "test:setup", status_note="Even anders.")
        entry = db.session.scalar(select(AuditEntry.id).where(AuditEntry.actor == "test:setup"))
        round_id = start_round(db.session, "test:setup", "Ronde", [service], "http://localhost").round.id
    return app, entry, round_id


def new_proposal(app) -> int:
    from socialmap.maintenance.models import ProposedChange

    with app.app_context(), unit_of_work():
        service = db.session.scalar(select(Service).where(Service.key == SERVICE))
        proposal = ProposedChange(
            entity="service",
            entity_id=service.id,
            entity_key=SERVICE,
            proposed_by="account:somebody",
            base={"status_note": ""},
            changes={"status_note": "Voorgesteld."},
            status="open",
        )
        db.session.add(proposal)
        db.session.flush()
        return proposal.id


def client_for(app, visitor: str):
    client = app.test_client()
    if visitor != "anonymous":
        page = client.get("/beheer/inloggen").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert (
            client.post(
                "/beheer/inloggen",
                data={"username": visitor.replace("_", "-"), "password": PASSWORD, "csrf_token": token},
            ).status_code
            == 302
        )
    return client


def route_form(client) -> dict:
    """The route form's fields as the browser sends them (for one who may open it)."""
    page = client.get(f"/beheer/verwijsroutes/{ROUTE}")
    return form_of(page.get_data(as_text=True)) if page.status_code == 200 else {}


def token(client) -> str:
    page = client.get("/beheer/inloggen").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_every_guarded_endpoint_is_in_the_table(editable_demo):
    missing = guarded_endpoints(editable_demo) - set(EXPECTED)
    assert not missing, f"add these to EXPECTED: {sorted(missing)}"
    assert not set(EXPECTED) - guarded_endpoints(editable_demo), "the table names endpoints that are gone"


def request_for(endpoint: str, method: str, client, entry: int, proposal: int, round_id: int = 0):
    urls = {
        "maintenance.login": "/beheer/inloggen",
        "maintenance.invitation": "/beheer/uitnodiging?t=nope",
        "maintenance.logout": "/beheer/uitloggen",
        "maintenance.logout_everywhere": "/beheer/overal-uitloggen",
        "maintenance.dashboard": "/beheer/",
        "maintenance.edit_service": f"/beheer/diensten/{SERVICE}",
        "maintenance.save_service": f"/beheer/diensten/{SERVICE}",
        "maintenance.area_shapes": f"/beheer/diensten/{SERVICE}/gebieden.geojson",
        "maintenance.verify_service": f"/beheer/diensten/{SERVICE}/gecontroleerd",
        "maintenance.service_history": f"/beheer/diensten/{SERVICE}/geschiedenis",
        "maintenance.revert_change": f"/beheer/wijzigingen/{entry}/terugdraaien",
        "maintenance.restore_service": f"/beheer/diensten/{SERVICE}/terugzetten/{entry}",
        "maintenance.region_log": "/beheer/logboek",
        "maintenance.edit_route": f"/beheer/verwijsroutes/{ROUTE}",
        "maintenance.save_route_form": f"/beheer/verwijsroutes/{ROUTE}",
        "maintenance.route_history": f"/beheer/verwijsroutes/{ROUTE}/geschiedenis",
        "maintenance.edit_location": f"/beheer/locaties/{LOCATION}",
        "maintenance.save_location": f"/beheer/locaties/{LOCATION}",
        "maintenance.location_history": f"/beheer/locaties/{LOCATION}/geschiedenis",
        "maintenance.proposals": "/beheer/voorstellen",
        "maintenance.account_list": "/beheer/accounts",
        "maintenance.new_service": "/beheer/diensten/nieuw",
        "maintenance.new_organisation": "/beheer/organisaties/nieuw",
        "maintenance.new_location": "/beheer/locaties/nieuw",
        "maintenance.edit_organisation": "/beheer/organisaties/s-netwerkzorg-ama",
        "maintenance.organisation_history": "/beheer/organisaties/s-netwerkzorg-ama/geschiedenis",
        "maintenance.organisation_status": "/beheer/organisaties/s-netwerkzorg-ama/status",
        "maintenance.location_status": f"/beheer/locaties/{LOCATION}/status",
        "maintenance.update_rounds": "/beheer/rondes",
        "maintenance.update_round": f"/beheer/rondes/{round_id}",
        "maintenance.outbox": "/beheer/uitgaand",
        "maintenance.freshness": "/beheer/actualiteit",
        "maintenance.freshness_map": "/beheer/actualiteit/wijken.geojson",
        "freshness.provider_confirm": f"/bijwerken/{SERVICE}/klopt?t=nope",
        "freshness.provider_propose": f"/bijwerken/{SERVICE}/wijziging?t=nope",
        "freshness.report": f"/dienst/{SERVICE}/melden",
        "maintenance.account_action": "/beheer/accounts",
        "maintenance.decide_proposal": f"/beheer/voorstellen/{proposal}",
    }
    url = urls[endpoint]
    if method == "GET":
        return client.get(url)
    data = {"csrf_token": token(client)}
    if endpoint == "maintenance.save_route_form":  # the stored route as it is, sent back unchanged
        data.update(route_form(client))
    if endpoint == "maintenance.new_service":
        data.update(
            organisation="s-netwerkzorg-ama",
            name=f"Matrixdienst {entry} {len(token(client))}",
            summary="Om te testen.",
            domains=["social"],
            serves=["SD0363T"],
            not_a_duplicate="on",
        )
    if endpoint == "maintenance.edit_organisation":
        page = client.get("/beheer/organisaties/s-netwerkzorg-ama")
        data.update(form_of(page.get_data(as_text=True)) if page.status_code == 200 else {})
    if endpoint == "maintenance.new_organisation":
        data.update(name=f"Matrixstichting {len(token(client))} {id(client)}", not_a_duplicate="on")
    if endpoint == "maintenance.new_location":
        data.update(
            organisation="s-netwerkzorg-ama",
            street="Matrixstraat",
            house_number=str(id(client) % 1000),
            postcode="1011",
            city="Amsterdam",
            lon="4.9041",
            lat="52.3676",
            not_a_duplicate="on",
        )
    if endpoint in ("maintenance.organisation_status", "maintenance.location_status"):
        data["status"] = "active"  # restore what is active: allowed, changes nothing
    if endpoint == "maintenance.update_rounds":
        data.update(title="Matrixronde", which="all")
    if endpoint == "maintenance.update_round":
        data["action"] = "remind"
    if endpoint == "freshness.report":
        data.update(field="hours", value="Ook op vrijdag open")
    if endpoint == "maintenance.verify_service":
        data.update(how="phone", section="hours")
    if endpoint == "maintenance.account_action":
        data.update(action="unlock", username="professional")
    if endpoint == "maintenance.decide_proposal":
        data["action"] = "reject"
    if endpoint == "maintenance.save_location":
        page = client.get(f"/beheer/locaties/{LOCATION}")
        data.update(form_of(page.get_data(as_text=True)) if page.status_code == 200 else {})
    if endpoint == "maintenance.save_service":
        data.update(
            {
                "name": "Verkennend gesprek Zuidoost",
                "summary": "Een gesprek.",
                "status": "active",
                "serves": ["SD0363T"],
                "version": "0",
                "base": "",
                "review_interval_days": "180",
            }
        )
    return client.post(url, data=data)


@pytest.mark.parametrize("endpoint, method", sorted(k for k, v in EXPECTED.items() if not isinstance(v, str)))
def test_the_answer_for_every_visitor(world, endpoint, method):
    app, entry, round_id = world
    got = []
    for visitor in VISITORS:
        proposal = new_proposal(app)  # each visitor decides a fresh one
        response = request_for(endpoint, method, client_for(app, visitor), entry, proposal, round_id)
        answer = response.status_code
        if answer == 302 and "/beheer/inloggen" in response.headers.get("Location", ""):
            answer = LOGIN
        elif answer == 409:  # a save on an old version that conflicts still proves access
            answer = DONE
        got.append(answer)
    assert tuple(got) == EXPECTED[(endpoint, method)], dict(zip(VISITORS, got))
