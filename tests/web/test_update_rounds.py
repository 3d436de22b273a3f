"""Update rounds on a copy of the demo region, with mail sent over SMTP to a
real local server: the organisation follows its link (no account), confirms a
section and proposes a change; the coordinator takes one field and leaves
another; the public page then shows the new value checked today. Links expire,
can be revoked, and are reminded; without SMTP the messages wait in the outbox."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from socialmap.audit import AuditEntry
from socialmap.catalogue.models import Service
from socialmap.extensions import db
from socialmap.freshness.models import OutboxMessage, ProviderLink, Verification
from socialmap.maintenance.models import ProposedChange
from socialmap.transaction import unit_of_work
from tests.forms import form_of, make_account, sign_in, token_of

PASSWORD = "een lange zin als wachtwoord"
ORGANISATION = "c-bggz-gaasperstroom"
ADDRESS = "info@gaasperstroom.example"
SERVICE = "c-gaasperstroom-basis-ggz"


@pytest.fixture
def app(editable_demo):
    make_account(editable_demo, "coord", "coordinator", "RG-AMA")
    return editable_demo


def coordinator(app):
    client = app.test_client()
    assert sign_in(client, "coord", PASSWORD).status_code == 302
    return client


def start_round(client, title="Najaarsronde") -> int:
    page = client.get("/beheer/rondes").get_data(as_text=True)
    answer = client.post(
        "/beheer/rondes",
        data={
            "csrf_token": token_of(page),
            "title": title,
            "which": "organisation",
            "value": ORGANISATION,
            "days": "14",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    return int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def link_path(text: str) -> str:
    return re.search(r"https?://[^/\s]+(/bijwerken\?t=[\w-]+)", text).group(1)


def test_a_provider_confirms_a_section_and_proposes_a_change_that_a_coordinator_reviews(app, mail_server):
    app.config.update(mail_server.settings())
    coord = coordinator(app)
    round_id = start_round(coord)
    mail = mail_server.inbox.to(ADDRESS)
    assert mail, "no mail arrived at the test SMTP server"
    path = link_path(mail[-1].get_content())
    provider = app.test_client()  # no account
    page = provider.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Gaasperstroom" in html
    confirm = form_of(html, f'<form method="post" action="/bijwerken/{SERVICE}/klopt')
    confirm["section"] = ["hours"]
    provider.post(f"/bijwerken/{SERVICE}/klopt?{path.split('?')[1]}", data=confirm)
    change = form_of(html, f'<form method="post" action="/bijwerken/{SERVICE}/wijziging')
    with app.app_context():
        old_wait = db.session.scalar(select(Service.waiting_weeks).where(Service.key == SERVICE))
    change.update(
        cost_note=["Vergoed vanuit de basisverzekering; eigen risico geldt."],
        waiting_weeks=[str((old_wait or 0) + 3)],
        note=["nieuwe folder"],
    )
    answer = provider.post(f"/bijwerken/{SERVICE}/wijziging?{path.split('?')[1]}", data=change, follow_redirects=True)
    assert "doorgegeven" in answer.get_data(as_text=True)
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        assert svc.cost_note != "Vergoed vanuit de basisverzekering; eigen risico geldt."  # waits for review
        check = db.session.scalar(
            select(Verification).where(Verification.service_id == svc.id, Verification.round_id == round_id)
        )
        assert (check.section, check.how) == ("hours", "provider_link")
    progress = coord.get(f"/beheer/rondes/{round_id}").get_data(as_text=True)
    assert "wijziging doorgegeven" in progress and "100%" in progress

    queue = coord.get("/beheer/voorstellen").get_data(as_text=True)
    assert "via updateronde" in queue and "eigen risico" in queue
    proposal = int(re.search(r"/beheer/voorstellen/(\d+)", queue).group(1))
    coord.post(
        f"/beheer/voorstellen/{proposal}",
        data={"csrf_token": token_of(queue), "action": "accept", "accept": ["cost_note"]},
    )  # the waiting time is left
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        assert svc.cost_note == "Vergoed vanuit de basisverzekering; eigen risico geldt."
        assert svc.waiting_weeks == old_wait
    public = app.test_client().get(f"/dienst/{SERVICE}").get_data(as_text=True)
    how = public[public.index('id="how"') : public.index('id="when"')]
    today = datetime.now(UTC).date()
    assert "eigen risico" in how and "bij de beoordeling van een doorgegeven wijziging" in how
    history = coord.get(f"/beheer/diensten/{SERVICE}/geschiedenis").get_data(as_text=True)
    assert "voorstel" in history and "account:coord" in history
    assert str(today.year) in how


def test_a_link_stops_working_when_it_expires_is_revoked_or_the_round_closes(app):
    coord = coordinator(app)
    round_id = start_round(coord)
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.to_address == ADDRESS))
    path = link_path(body)  # no SMTP: the message waits in the outbox
    assert ADDRESS in coord.get("/beheer/uitgaand").get_data(as_text=True)
    assert app.test_client().get(path).status_code == 200
    with app.app_context(), unit_of_work():
        link = db.session.scalar(select(ProviderLink).where(ProviderLink.round_id == round_id))
        link.expires_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)
    gone = app.test_client().get(path)
    assert gone.status_code == 404 and "werkt niet meer" in gone.get_data(as_text=True)
    with app.app_context(), unit_of_work():
        link = db.session.scalar(select(ProviderLink).where(ProviderLink.round_id == round_id))
        link.expires_at = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
        link_id = link.id
    page = coord.get(f"/beheer/rondes/{round_id}").get_data(as_text=True)
    coord.post(
        f"/beheer/rondes/{round_id}", data={"csrf_token": token_of(page), "action": "revoke", "link": str(link_id)}
    )
    assert "ingetrokken" in app.test_client().get(path).get_data(as_text=True)
    assert app.test_client().get("/bijwerken?t=made-up").status_code == 404
    assert app.test_client().post(f"/bijwerken/{SERVICE}/klopt?t=made-up").status_code in (400, 404)


def test_a_link_not_opened_gets_one_reminder_with_a_new_link(app):
    coord = coordinator(app)
    round_id = start_round(coord)
    with app.app_context(), unit_of_work():
        link = db.session.scalar(select(ProviderLink).where(ProviderLink.round_id == round_id))
        link.sent_at -= timedelta(days=8)
    page = coord.get(f"/beheer/rondes/{round_id}").get_data(as_text=True)
    answer = coord.post(
        f"/beheer/rondes/{round_id}", data={"csrf_token": token_of(page), "action": "remind"}, follow_redirects=True
    )
    assert "1 herinneringen" in answer.get_data(as_text=True)
    with app.app_context():
        bodies = db.session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.to_address == ADDRESS).order_by(OutboxMessage.id)
        ).all()
    assert len(bodies) == 2 and link_path(bodies[0]) != link_path(bodies[1])
    assert app.test_client().get(link_path(bodies[0])).status_code == 404  # the old link no longer works
    assert app.test_client().get(link_path(bodies[1])).status_code == 200
    again = coord.post(
        f"/beheer/rondes/{round_id}", data={"csrf_token": token_of(page), "action": "remind"}, follow_redirects=True
    )
    assert "0 herinneringen" in again.get_data(as_text=True)  # once only


def test_a_round_of_nothing_is_refused_with_the_reason(app):
    coord = coordinator(app)
    page = coord.get("/beheer/rondes").get_data(as_text=True)
    answer = coord.post(
        "/beheer/rondes",
        data={
            "csrf_token": token_of(page),
            "title": "Leeg",
            "which": "organisation",
            "value": "bestaat-niet",
            "days": "14",
        },
    )
    assert answer.status_code == 400 and "geen diensten" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ProposedChange.id)) is None
        assert not db.session.scalars(select(AuditEntry).where(AuditEntry.actor.like("link:%"))).all()


def test_a_providers_wrong_input_is_named_at_its_field_and_nothing_is_proposed(app):
    coord = coordinator(app)
    start_round(coord)
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.to_address == ADDRESS))
    path = link_path(body)
    provider = app.test_client()
    html = provider.get(path).get_data(as_text=True)
    change = form_of(html, f'<form method="post" action="/bijwerken/{SERVICE}/wijziging')
    change.update(
        {
            "hours-0-day": ["mo"],
            "hours-0-opens": ["kwart over negen"],
            "hours-0-closes": ["17:00"],
            "waiting_weeks": ["veel"],
            "summary": [""],
        }
    )
    answer = provider.post(f"/bijwerken/{SERVICE}/wijziging?{path.split('?')[1]}", data=change)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "UU:MM" in page and "aantal weken" in page and "is verplicht" in page
    assert 'value="kwart over negen"' in page  # the input stays
    with app.app_context():
        assert db.session.scalar(select(ProposedChange.id)) is None
    sneaky = provider.post(
        f"/bijwerken/s-vg-zuidoost/klopt?{path.split('?')[1]}",
        data=form_of(html, f'<form method="post" action="/bijwerken/{SERVICE}/klopt'),
    )
    assert sneaky.status_code == 404  # another organisation's entry is not this link's
