"""Professional-only details (professional contacts, referral instructions)
never reach an anonymous visitor: every page, print view, map script and API
answer that could carry them is fetched and searched for each secret. The same
scan as a signed-in professional finds them, so the scan can fail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from socialmap.catalogue.models import AreaUnit, Contact, Organisation, Service
from socialmap.extensions import db
from socialmap.maintenance import accounts
from socialmap.routes.models import Route, RouteTransition
from socialmap.transaction import unit_of_work

PASSWORD = "een lange zin als wachtwoord"


def secrets_of(app) -> tuple[set[str], list[str], list[str], list[str]]:
    """(secret strings, services that have them, route keys, buurt codes)."""
    with app.app_context():
        session = db.session
        public = {
            v
            for c in session.scalars(select(Contact).where(Contact.audience == "public"))
            for v in (c.phone, c.email)
            if v
        }
        public |= {v for o in session.scalars(select(Organisation)) for v in (o.phone, o.email) if v}
        professional = session.scalars(select(Contact).where(Contact.audience == "professional")).all()
        secrets = {v for c in professional for v in (c.phone, c.email) if v and v not in public}
        secrets |= {t.instructions for t in session.scalars(select(RouteTransition)) if t.instructions}
        services = sorted({session.get(Service, c.service_id).key for c in professional})
        routes = [r.key for r in session.scalars(select(Route))]
        buurten = list(
            session.scalars(
                select(AreaUnit.code).where(AreaUnit.level == "neighbourhood").order_by(AreaUnit.code).limit(12)
            )
        )
    return secrets, services, routes, buurten


def everything_public(client, services, routes, buurten) -> str:
    """Every answer an anonymous visitor can get that could hold a secret."""
    answers = []
    for key in services:
        for path in (f"/dienst/{key}", f"/dienst/{key}/afdrukken", f"/kaart/dienst/{key}.js"):
            answers.append(client.get(path))
    for key in routes:
        answers += [
            client.get(f"/verwijsroutes/{key}?buurt=1103"),
            client.get(f"/api/v1/routes/{key}?buurt=1103"),
            client.post(f"/verwijsroutes/{key}/kaart", data={"needs": "fin.worries", "place": "1103"}),
        ]
    answers += [
        client.get("/api/v1/routes"),
        client.get("/verwijsroutes"),
        client.post("/verwijzen", data={"needs": ["fin.worries", "mental.low_mood"], "place": "1103"}),
        client.post("/api/v1/route-finder", json={"needs": ["fin.worries", "mental.low_mood"], "postcode": "1103"}),
    ]
    page, pages = 1, 1
    while page <= pages:
        body = client.get(f"/api/v1/search?per_page=100&page={page}")
        pages = body.get_json()["pages"]
        answers.append(body)
        answers.append(client.get(f"/api/v1/search?per_page=100&page={page}&f=geojson"))
        answers.append(client.get(f"/zoeken?page={page}"))
        page += 1
    answers.append(client.get("/kaart/zoeken.js"))
    for code in buurten:
        answers += [client.get(f"/buurt/{code}"), client.get(f"/kaart/buurt/{code}.js")]
    assert all(a.status_code < 500 for a in answers)
    return "\n".join(a.get_data(as_text=True) for a in answers)


@pytest.fixture
def world(editable_demo):
    with editable_demo.app_context(), unit_of_work():
        account = accounts.create_account(db.session, "huisarts", "Huisarts")
        accounts.set_password(db.session, account, PASSWORD)
        accounts.grant(db.session, account, "professional")
    return editable_demo, *secrets_of(editable_demo)


def test_no_professional_detail_reaches_an_anonymous_visitor(world):
    app, secrets, services, routes, buurten = world
    assert len(secrets) >= 5 and services and routes
    text = everything_public(app.test_client(), services, routes, buurten)
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []


def test_the_same_scan_finds_them_for_a_professional(world):
    app, secrets, services, routes, buurten = world
    client = app.test_client()
    page = client.get("/beheer/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert (
        client.post(
            "/beheer/inloggen", data={"username": "huisarts", "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 302
    )
    text = everything_public(client, services, routes, buurten)
    assert sum(s in text for s in secrets) >= len(secrets) // 2
