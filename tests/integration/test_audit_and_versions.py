"""Every write leaves who changed which field, before and after; a second
writer holding an old version of a record fails instead of overwriting."""

import inspect
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from socialmap.audit import AuditEntry, acting
from socialmap.catalogue import operations as catalogue_operations
from socialmap.catalogue.models import Organisation, Service
from socialmap.catalogue.operations import update_service
from socialmap.routes import operations as route_operations
from socialmap.routes.models import Route, RouteStep, RouteTransition
from socialmap.routes.operations import save_route
from socialmap.transaction import unit_of_work
from tests import factories as f


def entries(session, **where) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(session.scalars(query))


@pytest.fixture
def service(session, backend):
    toy = f.toy_region(session)
    svc = f.service(session, serves=[toy["GM9999"]], name="Geldhulp Toydorp", summary="Hulp bij rekeningen.")
    session.commit()
    return svc


def a_route(session, scope) -> Route:
    owner = session.scalar(select(Organisation))
    route = Route(
        key="toy-route",
        scope=scope,
        owner=owner,
        title="Toyroute",
        purpose="Testen.",
        version="1",
        status="draft",
        valid_from=date(2026, 1, 1),
        review_date=date(2027, 1, 1),
        translations={},
    )
    gp = RouteStep(
        key="huisarts",
        kind="gp",
        is_entry=True,
        title="Huisarts",
        position=0,
        translations={},
        client_present="yes",
        service_kinds=[],
        service_needs=[],
        service_domains=[],
    )
    poh = RouteStep(
        key="poh",
        kind="poh_ggz",
        is_entry=False,
        title="POH-ggz",
        position=1,
        translations={},
        client_present="yes",
        service_kinds=[],
        service_needs=[],
        service_domains=[],
    )
    transitions = [
        RouteTransition(
            from_step=gp,
            to_step=poh,
            kind="referral",
            position=0,
            translations={},
            needs=[],
            urgencies=[],
            flags_required=[],
            flags_favoured=[],
            flags_excluded=[],
            appointment_by="client",
        ),
        RouteTransition(
            from_step=poh,
            to_step=gp,
            kind="return",
            position=1,
            translations={},
            needs=[],
            urgencies=[],
            flags_required=[],
            flags_favoured=[],
            flags_excluded=[],
            appointment_by="client",
        ),
    ]
    route.set_content([gp, poh], transitions)
    return route


def test_an_edit_records_each_changed_field_with_its_actor(session, service):
    with unit_of_work(session):
        update_service(session, service, "cli:anna", name="Geldhulp Toydorp-Oost", summary="Hulp bij geld.")
    rows = entries(session, actor="cli:anna")
    assert {(r.action, r.entity, r.entity_key, r.field, r.before, r.after) for r in rows} == {
        ("update", "service", service.key, "name", "Geldhulp Toydorp", "Geldhulp Toydorp-Oost"),
        ("update", "service", service.key, "summary", "Hulp bij rekeningen.", "Hulp bij geld."),
    }
    assert all(r.at is not None for r in rows)


def test_a_rolled_back_edit_leaves_no_audit_rows(session, service):
    before = len(entries(session))
    with pytest.raises(catalogue_operations.InvalidChange):
        with unit_of_work(session):
            update_service(session, service, "cli:anna", name="Iets anders")
            update_service(session, service, "cli:anna", status="gesloten")
    assert len(entries(session)) == before


def test_every_operation_leaves_audit_rows(session, service):
    """Each public write of catalogue/operations.py and routes/operations.py takes
    an actor and leaves rows naming it (a new operation without rows fails here)."""
    writes = {
        name
        for module in (catalogue_operations, route_operations)
        for name, fn in vars(module).items()
        if inspect.isfunction(fn)
        and fn.__module__ == module.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(fn).parameters
    }
    assert writes == {
        "update_service",
        "save_route",
        "update_location",
        "create_service",
        "update_organisation",
        "create_organisation",
        "create_location",
    }, "cover the new operation here"
    location = f.location(session, 5.005, 52.005, key="loc-audit")
    session.commit()
    with unit_of_work(session):
        update_service(session, service, "actor:update_service", status="temporarily_closed")
        catalogue_operations.update_location(session, location, "actor:update_location", street="Nieuwe Straat")
        catalogue_operations.create_service(
            session,
            service.organisation,
            "actor:create_service",
            name="Nieuwe dienst",
            summary="Iets nieuws.",
            domains=["social"],
            serves=["GM9999"],
        )
        catalogue_operations.update_organisation(
            session, service.organisation, "actor:update_organisation", phone="020 555 0000"
        )
        new = catalogue_operations.create_organisation(session, "actor:create_organisation", name="Nieuwe stichting")
        catalogue_operations.create_location(
            session,
            new,
            "actor:create_location",
            street="Dorpsstraat",
            house_number="2",
            city="Toydorp",
            point=(5.005, 52.005),
        )
        route = a_route(session, service.areas_served[0])  # GM9999: a route's scope is a municipality
        save_route(session, route, "actor:save_route")
    with unit_of_work(session):
        steps = [
            RouteStep(
                key=s.key,
                kind=s.kind,
                is_entry=s.is_entry,
                title=s.title + " (nieuw)",
                position=s.position,
                translations={},
                client_present="yes",
                service_kinds=[],
                service_needs=[],
                service_domains=[],
            )
            for s in route.steps
        ]
        by_key = {s.key: s for s in steps}
        transitions = [
            RouteTransition(
                from_step=by_key[t.from_step.key],
                to_step=by_key[t.to_step.key],
                kind=t.kind,
                position=t.position,
                translations={},
                needs=[],
                urgencies=[],
                flags_required=[],
                flags_favoured=[],
                flags_excluded=[],
                appointment_by="client",
            )
            for t in route.transitions
        ]
        route.set_content(steps, transitions)
        save_route(session, route, "actor:save_route")
    for name in writes:
        assert entries(session, actor=f"actor:{name}"), name
    inserted = entries(session, actor="actor:save_route", entity="referral_route", action="insert")
    assert inserted and inserted[0].after["key"] == "toy-route"
    # new content keeps the rows of equal steps and transitions: only what changed is written
    changed = entries(session, actor="actor:save_route", entity="route_step", action="update")
    assert sorted((r.field, r.before, r.after) for r in changed) == [
        ("title", "Huisarts", "Huisarts (nieuw)"),
        ("title", "POH-ggz", "POH-ggz (nieuw)"),
    ]
    assert not entries(session, entity="route_transition", action="delete")


def test_a_load_is_attributed_to_its_file(session, tmp_path):
    from socialmap.interop.taxonomy import load_needs

    path = tmp_path / "needs.yaml"
    path.write_text("needs:\n  - {code: fin, label: {nl: Geld}}\n", encoding="utf-8")
    load_needs(session, path)
    session.commit()
    rows = entries(session, entity="need_term")
    assert [(r.actor, r.action, r.after["code"]) for r in rows] == [("import:needs.yaml", "insert", "fin")]
    with acting(session, "cli:anna"):  # a person running the load is named instead
        path.write_text("needs:\n  - {code: fin, label: {nl: Geld en inkomen}}\n", encoding="utf-8")
        load_needs(session, path)
    session.commit()
    assert [(r.actor, r.field, r.before, r.after) for r in entries(session, entity="need_term", action="update")] == [
        ("cli:anna", "label", "Geld", "Geld en inkomen")
    ]


def test_a_second_writer_with_the_old_version_fails(app, session, service):
    from socialmap.extensions import db

    other = Session(bind=db.engine)
    try:
        stale = other.get(Service, service.id)
        assert stale.row_version == service.row_version == 1
        with unit_of_work(session):
            update_service(session, service, "cli:anna", name="Eerste schrijver")
        assert service.row_version == 2
        stale.name = "Tweede schrijver"
        with pytest.raises(StaleDataError):
            other.commit()
        other.rollback()
    finally:
        other.close()
    session.expire_all()
    assert session.get(Service, service.id).name == "Eerste schrijver"


def test_a_changed_step_raises_the_route_version(session, service):
    with unit_of_work(session):
        route = a_route(session, service.areas_served[0])
        save_route(session, route, "test:coordinator")
    version = route.row_version
    with unit_of_work(session):
        route.step("poh").title = "POH-ggz (praktijk)"
        save_route(session, route, "test:coordinator")
    assert route.row_version == version + 1


def test_setting_the_same_codes_again_writes_nothing(session, service):
    """A reload of unchanged codes leaves no audit rows (facet rows are kept)."""
    with unit_of_work(session):
        service.set_codes("domain", ["debt_money", "social"])
    before = len(entries(session))
    with acting(session, "import:again.yaml"), unit_of_work(session):
        service.set_codes("domain", ["debt_money", "social"])
    assert len(entries(session)) == before
    with acting(session, "import:again.yaml"), unit_of_work(session):
        service.set_codes("domain", ["social"])
    assert [(r.action, r.entity_key) for r in entries(session, actor="import:again.yaml")] == [
        ("delete", "domain:debt_money")
    ]


def test_a_changed_part_raises_the_service_version(session, service):
    """Contacts, hours and codes are versioned with their service: two editors
    who change different parts of one service still collide."""
    from socialmap.catalogue.models import Contact

    version = service.row_version
    with unit_of_work(session):
        service.set_contacts([Contact(label="Algemeen", phone="020 555 0000", audience="public", translations={})])
    assert service.row_version == version + 1
    with unit_of_work(session):
        service.contacts[0].phone = "020 555 0001"
    assert service.row_version == version + 2
    with unit_of_work(session):
        service.set_codes("domain", ["social", "debt_money"])
    assert service.row_version == version + 3
