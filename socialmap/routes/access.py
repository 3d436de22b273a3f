"""Who may see professional-only details (consultation lines, referral instructions).

There are no accounts yet (a later issue adds them): every visitor is
anonymous, so nothing professional-only is shown. Views and templates ask
only this function, so accounts need to change it and nothing else.
"""
from __future__ import annotations

from flask import g
from sqlalchemy.orm import Session

from socialmap.routes import queries
from socialmap.routes.models import Route


def viewer_is_professional() -> bool:
    user = g.get("user")
    return bool(user is not None and getattr(user, "is_professional", False))


def visible_route(session: Session, key: str) -> Route | None:
    """The route with ``key`` if this visitor may see it: drafts only for professionals."""
    route = queries.route_by_key(session, key)
    if route is None or (route.status == "draft" and not viewer_is_professional()):
        return None
    return route
