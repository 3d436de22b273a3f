"""Keeping the map current on a copy of the demo region: a coordinator records
a check, the public page says when each section was checked and how, and an
entry left unchecked walks through the stale stages on a simulated clock --
marked on its page, then ranked lower in search with the reason -- and comes
back with one verification. Every stage change is in the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from socialmap.audit import AuditEntry
from socialmap.catalogue.models import Service
from socialmap.extensions import db
from socialmap.freshness.operations import refresh_stages, verify
from socialmap.transaction import unit_of_work
from tests.forms import make_account, sign_in, token_of

PASSWORD = "een lange zin als wachtwoord"
SERVICE = "s-vg-zuidoost"


@pytest.fixture
def app(editable_demo):
    make_account(editable_demo, "coord", "coordinator", "RG-AMA")
    return editable_demo


def stage_on(app, day: date) -> str:
    with app.app_context(), unit_of_work():
        refresh_stages(db.session, day)
    with app.app_context():
        return db.session.scalar(select(Service.freshness_stage).where(Service.key == SERVICE))


def test_a_check_recorded_on_the_form_shows_on_the_public_page_per_section(app):
    client = app.test_client()
    assert sign_in(client, "coord", PASSWORD).status_code == 302
    page = client.get(f"/beheer/diensten/{SERVICE}").get_data(as_text=True)
    assert "Gecontroleerd, niets veranderd" in page
    client.post(
        f"/beheer/diensten/{SERVICE}/gecontroleerd",
        data={"csrf_token": token_of(page), "section": ["contacts"], "how": "phone"},
    )
    public = app.test_client().get(f"/dienst/{SERVICE}").get_data(as_text=True)
    contact = public[public.index('id="contact"') : public.index('id="where"')]
    assert "telefonisch nagevraagd" in contact
    when = public[public.index('id="when"') : public.index('id="contact"')]
    assert "telefonisch nagevraagd" not in when  # only the section that was checked
    wrong = client.post(
        f"/beheer/diensten/{SERVICE}/gecontroleerd",
        data={"csrf_token": token_of(page), "section": ["all"], "how": "guess"},
        follow_redirects=True,
    )
    assert "Niet vastgelegd" in wrong.get_data(as_text=True)


def test_an_unchecked_entry_walks_the_stages_and_one_verification_brings_it_back(app):
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        checked, interval = svc.verified_at, svc.review_interval_days
    due = checked + timedelta(days=interval)
    assert stage_on(app, due - timedelta(days=40)) == "current"
    assert stage_on(app, due - timedelta(days=10)) == "due"
    assert stage_on(app, due + timedelta(days=10)) == "overdue"
    public = app.test_client().get(f"/dienst/{SERVICE}").get_data(as_text=True)
    assert "Mogelijk verouderd" not in public  # overdue is the coordinator's business
    assert stage_on(app, due + timedelta(days=100)) == "possibly_outdated"
    public = app.test_client().get(f"/dienst/{SERVICE}").get_data(as_text=True)
    assert "Mogelijk verouderd" in public
    late = due + timedelta(days=200)
    assert stage_on(app, late) == "demoted"
    found = app.test_client().get("/api/v1/search?q=verkennend+gesprek&where=Zuidoost").get_json()
    hit = next(h for h in found["results"] if h["key"] == SERVICE)
    assert hit["freshness"] == "demoted"
    results = app.test_client().get("/zoeken?q=verkennend+gesprek&where=Zuidoost").get_data(as_text=True)
    assert "Lang niet gecontroleerd" in results  # the reason, where it ranks lower
    with app.app_context(), unit_of_work():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        verify(db.session, svc, "account:coord", "phone", ["all"], today=late)
    with app.app_context():
        assert db.session.scalar(select(Service.freshness_stage).where(Service.key == SERVICE)) == "current"
        steps = db.session.scalars(
            select(AuditEntry.after)
            .where(
                AuditEntry.entity == "service", AuditEntry.entity_key == SERVICE, AuditEntry.field == "freshness_stage"
            )
            .order_by(AuditEntry.id)
        ).all()
    assert steps[-5:] == ["due", "overdue", "possibly_outdated", "demoted", "current"]


def test_a_demoted_entry_ranks_below_an_equally_fitting_current_one(app):
    query = "/api/v1/search?q=verkennend+gesprek&per_page=100"
    before = [h["key"] for h in app.test_client().get(query).get_json()["results"]]
    first = before[0]
    with app.app_context(), unit_of_work():
        svc = db.session.scalar(select(Service).where(Service.key == first))
        svc.freshness_stage = "demoted"  # as refresh_stages would, for this one only
    after = [h["key"] for h in app.test_client().get(query).get_json()["results"]]
    assert after.index(first) > 0 and set(after) == set(before)  # lower, never gone


def test_the_command_line_verifies_and_walks_the_stages_with_clear_errors(app):
    runner = app.test_cli_runner()
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        late = svc.verified_at + timedelta(days=svc.review_interval_days + 400)
    walked = runner.invoke(args=["freshness", "update", "--today", late.isoformat()])
    assert walked.exit_code == 0 and f"{SERVICE}: " in walked.output and "demoted" in walked.output
    checked = runner.invoke(args=["freshness", "verify", SERVICE, "--how", "phone", "--today", late.isoformat()])
    assert checked.exit_code == 0 and "now current" in checked.output
    unknown = runner.invoke(args=["freshness", "verify", "bestaat-niet", "--how", "phone"])
    assert unknown.exit_code != 0 and "bestaat-niet" in unknown.output
    bad_day = runner.invoke(args=["freshness", "update", "--today", "gisteren"])
    assert bad_day.exit_code != 0 and "YYYY-MM-DD" in bad_day.output
    assert runner.invoke(args=["freshness", "remind"]).exit_code == 0


def test_the_dashboard_counts_lists_filters_and_exports_what_needs_attention(app):
    client = app.test_client()
    assert sign_in(client, "coord", PASSWORD).status_code == 302
    page = client.get("/beheer/actualiteit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "mogelijk verouderd" in html and "Per wijk" in html
    stale = client.get("/beheer/actualiteit?category=possibly_outdated").get_data(as_text=True)
    assert "s-rk-rouwcafe-noord" in stale  # the demo's long-unchecked grief café
    assert "s-vg-zuidoost" not in stale
    exported = client.get("/beheer/actualiteit?category=possibly_outdated&format=csv")
    assert exported.mimetype == "text/csv"
    lines = exported.get_data(as_text=True).splitlines()
    assert lines[0].startswith("key,name,organisation,stage") and any("s-rk-rouwcafe-noord" in x for x in lines)
    assert not any("s-vg-zuidoost" in x for x in lines)
    by_org = client.get("/beheer/actualiteit?organisation=s-netwerkzorg-ama&sort=name").get_data(as_text=True)
    assert "s-vg-zuidoost" in by_org and "s-rk-rouwcafe-noord" not in by_org
    shapes = client.get("/beheer/actualiteit/wijken.geojson").get_json()
    assert shapes["features"] and all(0 <= f["properties"]["share"] <= 1 for f in shapes["features"])


def test_a_shorter_review_interval_set_in_the_form_moves_the_stage_at_once(app):
    client = app.test_client()
    sign_in(client, "coord", PASSWORD)
    from tests.forms import form_of

    form = form_of(client.get(f"/beheer/diensten/{SERVICE}").get_data(as_text=True))
    form["review_interval_days"] = ["3"]
    bad = client.post(f"/beheer/diensten/{SERVICE}", data=form)
    assert bad.status_code == 400 and 'id="err-review_interval_days"' in bad.get_data(as_text=True)
    form["review_interval_days"] = ["7"]
    assert client.post(f"/beheer/diensten/{SERVICE}", data=form).status_code == 302
    with app.app_context():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        assert svc.review_interval_days == 7 and svc.freshness_stage != "current"  # checked weeks before the demo's day


def test_a_whole_check_shows_how_it_was_made_in_every_section(app):
    with app.app_context(), unit_of_work():
        svc = db.session.scalar(select(Service).where(Service.key == SERVICE))
        verify(db.session, svc, "account:coord", "visit", ["all"])
    public = app.test_client().get(f"/dienst/{SERVICE}").get_data(as_text=True)
    assert public.count("bij een bezoek") >= 3 and "volgens de bron" not in public
