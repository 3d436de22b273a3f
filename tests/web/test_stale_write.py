"""A write request that comes second does not overwrite the first: nothing of
it is kept, and the page (or the API) answers 409 with both versions."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.audit import AuditEntry
from socialmap.catalogue.models import Service
from socialmap.catalogue.operations import update_service
from socialmap.extensions import csrf, db
from socialmap.transaction import write_request
from tests import factories as f


@pytest.fixture
def editing_app(app, session):
    """A test-only write view: read the service, let another writer save it in
    between (as a second coordinator would), then save this request's change."""
    toy = f.toy_region(session)
    svc = f.service(session, serves=[toy["GM9999"]], name="Geldhulp Toydorp", summary="Hulp bij rekeningen.")
    session.commit()

    @app.post("/test-only/rename/<int:sid>")
    @app.post("/api/test-only/rename/<int:sid>")
    @write_request
    def rename(sid):
        mine = db.session.get(Service, sid)
        assert mine.row_version == 1
        other = Session(bind=db.engine)
        try:
            other.get(Service, sid).name = "Naam van de eerste"
            other.commit()
        finally:
            other.close()
        update_service(db.session, mine, "test:second", name="Naam van de tweede")
        return "saved"

    csrf.exempt(rename)  # a test-only view; the real forms carry their token
    return app, svc.id


def test_the_second_writer_gets_409_with_both_versions(editing_app):
    app, sid = editing_app
    page = app.test_client().post(f"/test-only/rename/{sid}")
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "Iemand anders was u voor" in html
    assert "Naam van de tweede" in html and "Naam van de eerste" in html
    assert "Traceback" not in html
    with app.app_context():
        assert db.session.get(Service, sid).name == "Naam van de eerste"
        assert not db.session.scalars(select(AuditEntry).where(AuditEntry.actor == "test:second")).all()


def test_the_api_answers_409_with_the_fields(editing_app):
    app, sid = editing_app
    got = app.test_client().post(f"/api/test-only/rename/{sid}")
    assert got.status_code == 409
    body = got.get_json()
    assert body["conflicts"][0]["entity"] == "service"
    assert {"field": "name", "yours": "Naam van de tweede", "stored": "Naam van de eerste"} in body["conflicts"][0][
        "fields"
    ]
