"""The Amsterdam demo region: size, coverage and integrity, on both databases."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from socialmap.catalogue import queries
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.models import AreaUnit, Location, Organisation, Service, ServiceFacet


@pytest.fixture
def s(demo_session, backend):
    return demo_session


def test_size_and_coverage(s):
    counts = queries.region_counts(s)
    assert s.scalar(select(func.count()).select_from(Service)) >= 200
    assert s.scalar(select(func.count()).select_from(Organisation)) >= 80
    assert set(counts.per_domain) == set(voc.DOMAINS)
    assert counts.neighbourhoods == 518
    assert counts.districts == 110
    assert s.scalar(select(AreaUnit.name).where(AreaUnit.code == "GM0363")) == "Amsterdam"


def test_every_location_lies_in_its_buurt(s):
    """Asked of the database's own spatial functions, not of the loader."""
    outside = s.execute(
        select(Location.key, AreaUnit.code)
        .join(AreaUnit, Location.neighbourhood_id == AreaUnit.id)
        .where(func.ST_Contains(AreaUnit.geom, Location.geom) != True)  # noqa: E712
    ).all()
    assert outside == []
    assert s.scalar(select(func.count()).select_from(Location).where(Location.neighbourhood_id.is_(None))) == 0


def test_every_buurt_is_served_by_exactly_one_neighbourhood_team(s):
    team_ids = select(ServiceFacet.service_id).where(
        ServiceFacet.facet == "kind", ServiceFacet.code == "neighbourhood_team"
    )
    teams = s.scalars(select(Service).where(Service.id.in_(team_ids), Service.status != "ended")).all()
    served = Counter()
    for team in teams:
        for area in team.areas_served:
            assert area.level in ("district", "neighbourhood"), f"{team.key} serves {area.code}: too wide"
            buurten = [area] if area.level == "neighbourhood" else area.children
            served.update(b.code for b in buurten)
    all_buurten = set(s.scalars(select(AreaUnit.code).where(AreaUnit.level == "neighbourhood")))
    assert set(served) == all_buurten
    assert [code for code, n in served.items() if n > 1] == []


def test_every_service_has_domain_need_kind_and_area(s):
    for svc in s.scalars(select(Service)):
        assert svc.domains and svc.needs and svc.kinds and svc.areas_served, svc.key
        assert svc.name and svc.summary, svc.key


def test_the_variety_reality_has(s):
    services = s.scalars(select(Service)).all()
    statuses = Counter(svc.status for svc in services)
    assert statuses["temporarily_closed"] >= 3 and statuses["ended"] >= 1
    assert any(svc.waiting_weeks for svc in services)
    assert any(not svc.locations for svc in services), "phone-only or online services"
    assert any(r.freq == "monthly" for svc in services for r in svc.schedule_rules)
    assert any(c.audience == "professional" for svc in services for c in svc.contacts)
    assert any("en" not in (svc.translations or {}) for svc in services), "Dutch fallback exercised"
    kinds = {k for svc in services for k in svc.kinds}
    for needed in [
        "gp_practice",
        "poh_ggz",
        "neighbourhood_team",
        "basic_ggz",
        "specialist_ggz",
        "crisis_service",
        "grief_group",
        "financial_cafe",
        "debt_relief",
        "walk_in",
        "peer_group",
        "recovery_college",
        "self_direction_centre",
        "housing_corporation",
        "sheltered_housing",
        "housing_first",
        "ips",
        "reintegration",
        "day_activities",
        "language_course",
        "dv_advice_line",
        "neighbourhood_police",
        "informal_carer_support",
        "migrant_organisation",
        "faith_organisation",
    ]:
        assert needed in kinds, needed


def test_a_team_serves_only_its_own_wijken(s):
    """Point-in-buurt then 'who serves it': the team of the next wijk is not among them."""
    buurt = queries.neighbourhood_at(s, 4.9760, 52.3180)  # Bijlmer, Amsterdam-Zuidoost
    assert buurt is not None and buurt.code.startswith("BU0363T")
    teams = [svc for svc in queries.services_serving(s, buurt) if "neighbourhood_team" in svc.kinds]
    assert len(teams) == 1
    served_codes = {a.code for a in teams[0].areas_served}
    assert buurt.parent.code in served_codes or buurt.code in served_codes
