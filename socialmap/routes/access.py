"""Who may see professional-only details (consultation lines, referral
instructions, professional contacts): a signed-in account with any role
(:mod:`socialmap.maintenance`). Anonymous visitors never do. Views and
templates ask only this function.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy.orm import Session

from socialmap.routes import queries
from socialmap.routes.models import Route


def viewer_is_professional() -> bool:
    return bool(getattr(current_user, "is_authenticated", False) and getattr(current_user, "is_professional", False))


def visible_route(session: Session, key: str) -> Route | None:
    """The route with ``key`` if this visitor may see it: drafts only for professionals."""
    route = queries.route_by_key(session, key)
    if route is None or (route.status == "draft" and not viewer_is_professional()):
        return None
    return route
