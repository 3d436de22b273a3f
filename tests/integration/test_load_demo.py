"""Only the demo is demo data: a region's own load is not flagged, and the
footer's "this is a demo" notice shows only while live demo entries exist."""

from sqlalchemy import func, select

from socialmap.catalogue import demo as demo_notice
from socialmap.catalogue.models import Organisation, Service
from socialmap.interop.catalogue_yaml import load_catalogue
from tests import factories as f
from tests.integration.loading import catalogue, organisation, service, toy

NOTICE = "Let op: dit is een demo."


def test_a_region_load_is_not_demo(session, tmp_path, backend):
    toy(session)
    load_catalogue(session, [catalogue(tmp_path, "eigen.yaml", [organisation("org-a")], [service("svc-a", "org-a")])])
    assert session.execute(select(Organisation.is_demo, Service.is_demo).join(Service)).all() == [(False, False)]


def test_the_demo_is_demo(demo_session):
    assert demo_session.scalar(select(func.count()).select_from(Service).where(Service.is_demo.is_(False))) == 0
    assert (
        demo_session.scalar(select(func.count()).select_from(Organisation).where(Organisation.is_demo.is_(False))) == 0
    )


def test_demo_notice_only_while_demo_entries_are_live(app, session, tmp_path, backend):
    toy(session)
    load_catalogue(session, [catalogue(tmp_path, "eigen.yaml", [organisation("org-a")], [service("svc-a", "org-a")])])
    session.commit()
    client = app.test_client()

    def notice() -> bool:
        demo_notice.forget()
        page = client.get("/hulp-nu")
        assert page.status_code == 200
        return NOTICE in page.get_data(as_text=True)

    assert not notice()  # the region's own entries only
    invented = f.service(session, key="demo-svc", is_demo=True)
    session.commit()
    assert notice()
    invented.status = "ended"  # a retired demo entry is not shown anywhere
    session.commit()
    assert not notice()


def test_demo_notice_is_cached(app, session, backend):
    """One query per minute per process, not one per page."""
    toy(session)
    session.commit()
    demo_notice.forget()
    assert demo_notice.demo_entries_live(session) is False
    f.service(session, key="demo-svc", is_demo=True)
    session.commit()
    assert demo_notice.demo_entries_live(session) is False  # cached
    demo_notice.forget()
    assert demo_notice.demo_entries_live(session) is True


def test_demo_pages_carry_the_notice(client):
    assert NOTICE in client.get("/hulp-nu").get_data(as_text=True)
