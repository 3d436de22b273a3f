"""Who may edit what: the one place that decides (views ask, never decide).

A coordinator's area covers an entry when the entry lies wholly inside it:
a service when every area it serves is the grant's area or lies within it
(a national helpline is no municipality's to edit), a location when its buurt
does, a route when its scope does. A grant that names an organisation covers
only that organisation's entries. An organisation editor covers its own
organisation's services and locations. Admins cover everything.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from socialmap.catalogue.areas import AreaTree, area_tree
from socialmap.catalogue.models import Location, Organisation, Service
from socialmap.maintenance.models import Account, Grant
from socialmap.routes.models import Route

EDITING_ROLES = ("coordinator", "org_editor")


def _within(tree: AreaTree, area_id: int | None, scope_id: int) -> bool:
    return area_id is not None and area_id in tree.code and scope_id in tree.ancestor_ids(area_id)


def _grant_covers(
    session: Session, grant: Grant, organisation_id: int | None, area_ids: list[int], routes: bool = False
) -> bool:
    if grant.role == "admin":
        return True
    if grant.role == "org_editor":
        return not routes and organisation_id is not None and grant.organisation_id == organisation_id
    if grant.role != "coordinator" or grant.area_id is None or not area_ids:
        return False
    if grant.organisation_id is not None and grant.organisation_id != organisation_id:
        return False
    tree = area_tree(session)
    return all(_within(tree, a, grant.area_id) for a in area_ids)


def may_edit_service(session: Session, account: Account | None, service: Service) -> bool:
    if account is None or not account.is_active:
        return False
    areas = [a.id for a in service.areas_served]
    return any(_grant_covers(session, g, service.organisation_id, areas) for g in account.grants)


def may_edit_location(session: Session, account: Account | None, location: Location) -> bool:
    if account is None or not account.is_active:
        return False
    return any(_grant_covers(session, g, location.organisation_id, [location.neighbourhood_id]) for g in account.grants)


def may_edit_route(session: Session, account: Account | None, route: Route) -> bool:
    if account is None or not account.is_active:
        return False
    return any(_grant_covers(session, g, route.owner_id, [route.scope_id], routes=True) for g in account.grants)


def may_edit_organisation(session: Session, account: Account | None, organisation: Organisation) -> bool:
    """Admins; coordinators for an organisation with a service or location in their area."""
    if account is None or not account.is_active:
        return False
    if account.is_admin:
        return True
    tree = area_tree(session)
    scopes = [
        g.area_id
        for g in account.grants
        if g.role == "coordinator" and g.area_id is not None and g.organisation_id in (None, organisation.id)
    ]
    places = [a.id for s in organisation.services for a in s.areas_served] + [
        loc.neighbourhood_id for loc in organisation.locations if loc.neighbourhood_id is not None
    ]
    return any(_within(tree, a, scope) for scope in scopes for a in places)


def may_edit_anything(account: Account | None) -> bool:
    """Whether the account has any editing role (the coordinator pages are for it)."""
    return (
        account is not None and account.is_active and any(g.role in ("admin", *EDITING_ROLES) for g in account.grants)
    )


def may_see_region_log(account: Account | None) -> bool:
    """The region-wide log is for coordinators and admins (it shows every organisation's changes)."""
    return account is not None and account.is_active and any(g.role in ("admin", "coordinator") for g in account.grants)


def may_manage_accounts(account: Account | None) -> bool:
    return account is not None and account.is_active and account.is_admin
