"""A coordinator edits a referral route: the route rules run on every save,
their problems appear at the field, and nothing is written while one remains."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from socialmap.audit import AuditEntry
from socialmap.extensions import db
from socialmap.maintenance import accounts
from socialmap.routes.models import Route
from socialmap.transaction import unit_of_work
from tests.forms import form_of, sign_in

PASSWORD = "een lange zin als wachtwoord"
ROUTE = "verkennend-gesprek"


@pytest.fixture
def client(editable_demo):
    with editable_demo.app_context(), unit_of_work():
        account = accounts.create_account(db.session, "coord", "Coördinator")
        accounts.set_password(db.session, account, PASSWORD)
        accounts.grant(db.session, account, "coordinator", "RG-AMA")
    client = editable_demo.test_client()
    assert sign_in(client, "coord", PASSWORD).status_code == 302
    client.application = editable_demo
    return client


def the_form(client) -> dict:
    page = client.get(f"/beheer/verwijsroutes/{ROUTE}")
    assert page.status_code == 200
    return form_of(page.get_data(as_text=True))


def row_of(form: dict, prefix: str, field: str, value: str) -> int:
    """The row number whose ``field`` holds ``value``."""
    for name, values in form.items():
        if name.startswith(prefix + "-") and name.endswith("-" + field) and values == [value]:
            return int(name.split("-")[1])
    raise AssertionError(f"no {prefix} row with {field}={value}")


def test_an_unchanged_save_writes_nothing_and_a_changed_title_is_one_audited_field(client):
    app = client.application
    assert client.post(f"/beheer/verwijsroutes/{ROUTE}", data=the_form(client)).status_code == 302
    with app.app_context():
        assert not db.session.scalars(select(AuditEntry).where(AuditEntry.actor == "account:coord")).all()
    form = the_form(client)
    row = row_of(form, "step", "key", "verkennend-gesprek")
    form[f"step-{row}-title"] = ["Verkennend gesprek in de wijk"]
    assert client.post(f"/beheer/verwijsroutes/{ROUTE}", data=form).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.actor == "account:coord")).all()
        assert [(r.entity, r.field, r.after) for r in rows] == [
            ("route_step", "title", "Verkennend gesprek in de wijk")
        ]
        route = db.session.scalar(select(Route).where(Route.key == ROUTE))
        assert rows[0].parent == "referral_route" and rows[0].parent_id == route.id


def test_a_broken_rule_is_shown_at_its_field_and_nothing_is_written(client):
    app = client.application
    with app.app_context():
        before = db.session.scalar(select(Route.row_version).where(Route.key == ROUTE))
    form = the_form(client)
    step = row_of(form, "step", "key", "verkennend-gesprek")
    form[f"step-{step}-service_kinds"] = ["exploratory_conversatoin"]  # a typo
    returns = [
        int(n.split("-")[1])
        for n, v in form.items()
        if n.startswith("transition-") and n.endswith("-kind") and v == ["return"]
    ]
    for n in returns:  # no way back from any step
        form[f"transition-{n}-kind"] = ["referral"]
    answer = client.post(f"/beheer/verwijsroutes/{ROUTE}", data=form)
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 400
    assert f'id="err-step-{step}-service_kinds"' in page and "bedoelt u 'exploratory_conversation'?" in page
    assert 'value="exploratory_conversatoin"' in page  # the input is kept
    with app.app_context():
        assert db.session.scalar(select(Route.row_version).where(Route.key == ROUTE)) == before
        assert not db.session.scalars(select(AuditEntry).where(AuditEntry.actor == "account:coord")).all()
    form[f"step-{step}-service_kinds"] = ["exploratory_conversation"]
    answer = client.post(f"/beheer/verwijsroutes/{ROUTE}", data=form)
    assert answer.status_code == 400 and "zonder terugweg" in answer.get_data(as_text=True)


def test_a_save_on_an_older_version_keeps_the_input_and_says_so(client):
    first, second = the_form(client), the_form(client)
    step = row_of(first, "step", "key", "verkennend-gesprek")
    first[f"step-{step}-duration"] = ["een uur"]
    assert client.post(f"/beheer/verwijsroutes/{ROUTE}", data=first).status_code == 302
    second[f"step-{step}-duration"] = ["anderhalf uur"]
    answer = client.post(f"/beheer/verwijsroutes/{ROUTE}", data=second)
    assert answer.status_code == 409 and 'value="anderhalf uur"' in answer.get_data(as_text=True)


def test_a_save_on_an_older_version_merges_a_change_of_another_part(client):
    """One coordinator renames the route while another edits a step: both are kept."""
    first, second = the_form(client), the_form(client)
    first["title"] = ["Verkennend gesprek (herzien)"]
    assert client.post(f"/beheer/verwijsroutes/{ROUTE}", data=first).status_code == 302
    step = row_of(second, "step", "key", "verkennend-gesprek")
    second[f"step-{step}-duration"] = ["drie kwartier"]
    assert client.post(f"/beheer/verwijsroutes/{ROUTE}", data=second).status_code == 302
    with client.application.app_context():
        route = db.session.scalar(select(Route).where(Route.key == ROUTE))
        assert route.title == "Verkennend gesprek (herzien)"
        assert next(s for s in route.steps if s.key == "verkennend-gesprek").duration == "drie kwartier"
