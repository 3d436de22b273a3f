"""What the neighbourhood page shows a resident: the buurt's own neighbourhood
team first, then per type of help (domain) the few services nearest to the
middle of the buurt, preferring those meant for this buurt or wijk; the rest
of each group is one click away."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from socialmap.catalogue import queries
from socialmap.catalogue import vocabulary as voc
from socialmap.catalogue.audience import is_professional_only
from socialmap.catalogue.models import AreaUnit, Location, Service

# Service kinds that are a buurt's own team (buurtteam, sociaal wijkteam).
TEAM_KINDS = frozenset({"neighbourhood_team"})
LOCAL_LEVELS = ("neighbourhood", "district", "borough")  # a stadsdeel's service is local, the city's is not
SHOWN_PER_DOMAIN = 3


@dataclass(frozen=True)
class NearbyService:
    """A service as the buurt sees it: how near, and for how wide an area."""

    service: Service
    scope: AreaUnit | None  # the smallest area of the buurt's chain it serves
    location: Location | None  # its location nearest to the middle of the buurt
    distance_m: float | None

    @property
    def is_local(self) -> bool:
        """Meant for this buurt, its wijk or its stadsdeel (not the whole city, region or country)."""
        return self.scope is not None and self.scope.level in LOCAL_LEVELS

    def nearness(self) -> tuple:
        """Sort key: nearest first; services without an address (phone, online) last."""
        return (
            self.distance_m is None,
            self.distance_m if self.distance_m is not None else math.inf,
            self.service.name.lower(),
            self.service.key,
        )


@dataclass(frozen=True)
class DomainGroup:
    code: str
    label: str  # lazy: in the language of the page
    shown: list[NearbyService]  # listed in full, nearest first (none shown in an earlier group)
    rest: list[NearbyService] = field(default_factory=list)  # one click away, nearest first

    @property
    def total(self) -> int:
        return len(self.shown) + len(self.rest)


@dataclass(frozen=True)
class NeighbourhoodOverview:
    area: AreaUnit
    district: AreaUnit | None
    municipality: AreaUnit | None
    teams: list[NearbyService]
    groups: list[DomainGroup]
    total: int  # public services serving the buurt, teams included


def is_team(service: Service) -> bool:
    return not TEAM_KINDS.isdisjoint(service.kinds)


def overview(session: Session, area: AreaUnit, per_domain: int = SHOWN_PER_DOMAIN) -> NeighbourhoodOverview:
    """The page's content for buurt ``area``, from a few queries (services with
    what the page shows loaded up front, and one distance query)."""
    chain = [area, *area.ancestors()]
    depth = {a.id: i for i, a in enumerate(chain)}
    services = [
        s for s in queries.services_serving(session, area, options=queries.LISTING) if not is_professional_only(s)
    ]
    nearest = queries.nearest_locations(session, area, (s.id for s in services))
    entries = []
    for svc in services:
        scope = min((a for a in svc.areas_served if a.id in depth), key=lambda a: depth[a.id], default=None)
        location_id, metres = nearest.get(svc.id, (None, None))
        location = next((loc for loc in svc.locations if loc.id == location_id), None)
        entries.append(NearbyService(svc, scope, location, metres))

    teams = sorted((e for e in entries if is_team(e.service) and e.is_local), key=NearbyService.nearness)
    listed = {e.service.id for e in teams}  # shown in full once on the page
    groups = []
    for code, label in voc.DOMAINS.items():
        members = [e for e in entries if code in e.service.domains and not (is_team(e.service) and e.is_local)]
        if not members:
            continue
        # Pick what an earlier group did not show yet: open before (temporarily)
        # closed, for this buurt or wijk before wider, then nearest.
        picked = sorted(
            (e for e in members if e.service.id not in listed),
            key=lambda e: (e.service.status != "active", not e.is_local, e.nearness()),
        )[:per_domain]
        listed.update(e.service.id for e in picked)
        chosen = {e.service.id for e in picked}
        rest = [e for e in members if e.service.id not in chosen]
        groups.append(
            DomainGroup(
                code, label, sorted(picked, key=NearbyService.nearness), sorted(rest, key=NearbyService.nearness)
            )
        )
    return NeighbourhoodOverview(
        area=area,
        district=area.parent if area.parent and area.parent.level == "district" else None,
        municipality=next((a for a in chain if a.level == "municipality"), None),
        teams=teams,
        groups=groups,
        total=len(entries),
    )
