"""Reads of referral routes (the catalogue's reads stay in catalogue/queries.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from socialmap.routes.models import Route, RouteTransition


def _with_content():
    return (
        selectinload(Route.steps),
        selectinload(Route.transitions).selectinload(RouteTransition.from_step),
        selectinload(Route.transitions).selectinload(RouteTransition.to_step),
        selectinload(Route.scope),
        selectinload(Route.owner),
    )


def all_routes(session: Session) -> list[Route]:
    return list(session.scalars(select(Route).options(*_with_content()).order_by(Route.key)))


def published_routes(session: Session, day: date | None = None) -> list[Route]:
    """Routes in force: published and valid from ``day`` (today when None)."""
    day = day or date.today()
    return list(
        session.scalars(
            select(Route)
            .where(Route.status == "published", Route.valid_from <= day)
            .options(*_with_content())
            .order_by(Route.key)
        )
    )


def route_by_key(session: Session, key: str) -> Route | None:
    return session.scalar(select(Route).where(Route.key == key).options(*_with_content()))
