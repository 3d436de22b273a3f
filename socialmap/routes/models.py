"""Referral routes: a region's agreed ways from the GP to help and back.

A route is a small directed graph: steps (stations such as the GP, the
exploratory conversation, a financial café) joined by transitions (a referral,
a warm handover, a return). Steps do not name services: they say which
service kinds, needs and domains can carry them out, and the catalogue answers
per neighbourhood through service areas. Transitions carry the criteria that
make them the right next step and what they take.

Texts are Dutch in plain columns, other languages in ``translations``
(``{"en": {"title": ...}}``), as in the catalogue. Code lists (needs, service
kinds, flags, urgencies) are stored as JSON lists of stable codes and checked
on every save (see :mod:`socialmap.routes.validation`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from socialmap.audit import audit
from socialmap.catalogue.models import AreaUnit, Organisation
from socialmap.db import Base, Versioned, keeping_equal
from socialmap.routes.vocabulary import RETURN_KINDS


class Route(Versioned, Base):
    """One agreed referral route, owned by an organisation, for a region or municipality."""

    __tablename__ = "referral_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Versioned: a change of a step or transition counts as a change of the
    # route (db._versions_follow_parts).
    key: Mapped[str] = mapped_column(String(100), unique=True)  # stable slug, used in URLs
    scope_id: Mapped[int] = mapped_column(ForeignKey("area_unit.id"), index=True)  # region or municipality
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))  # Dutch
    purpose: Mapped[str] = mapped_column(Text)  # Dutch
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)  # vocabulary.ROUTE_STATUS
    valid_from: Mapped[date] = mapped_column(Date)
    review_date: Mapped[date] = mapped_column(Date)
    # The ages the route is agreed for (None: no bound).
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())

    scope: Mapped[AreaUnit] = relationship()
    owner: Mapped[Organisation] = relationship()
    steps: Mapped[list[RouteStep]] = relationship(
        back_populates="route", cascade="all, delete-orphan", order_by="RouteStep.position"
    )
    transitions: Mapped[list[RouteTransition]] = relationship(
        back_populates="route", cascade="all, delete-orphan", order_by="RouteTransition.position"
    )

    @property
    def entry(self) -> RouteStep | None:
        return next((s for s in self.steps if s.is_entry), None)

    def step(self, key: str) -> RouteStep | None:
        return next((s for s in self.steps if s.key == key), None)

    def outgoing(self, step: RouteStep) -> list[RouteTransition]:
        return [t for t in self.transitions if t.from_step is step]

    def review_overdue(self, day: date) -> bool:
        return self.review_date < day

    def accepts_age(self, age: int | None) -> bool:
        if age is None:
            return True
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)

    def __repr__(self) -> str:
        return f"<Route {self.key} v{self.version} {self.status}>"

    def set_content(self, steps: list[RouteStep], transitions: list[RouteTransition]) -> None:
        """The route's steps and transitions become these (new, unsaved rows).
        A stored step with the same key keeps its row and takes the new values;
        a stored transition that is equal (or else the next one left over)
        likewise: an unchanged reload writes nothing and an edit is audited
        field by field. Steps and transitions no longer given are deleted when
        the route is saved (``operations.save_route``, which checks the rules)."""
        session = Session.object_session(self)
        if session is None:
            self._set_content(steps, transitions)
            return
        with session.no_autoflush:  # nothing half-set may reach the database before the save checks it
            self._set_content(steps, transitions)

    def _set_content(self, steps: list[RouteStep], transitions: list[RouteTransition]) -> None:
        stored_transitions = list(self.transitions)
        stored = {s.key: s for s in self.steps}
        kept_steps = [keeping_equal([stored[new.key]], [new])[0] if new.key in stored else new for new in steps]
        as_kept = {id(new): kept for new, kept in zip(steps, kept_steps)}
        for t in transitions:
            t.from_step = as_kept.get(id(t.from_step), t.from_step)
            t.to_step = as_kept.get(id(t.to_step), t.to_step)
        kept_transitions = keeping_equal(
            stored_transitions, transitions, extra=lambda t: (t.from_step.key, t.to_step.key)
        )
        for new, kept in zip(transitions, kept_transitions):
            if kept is not new:
                if kept.from_step is not new.from_step:
                    kept.from_step = new.from_step
                if kept.to_step is not new.to_step:
                    kept.to_step = new.to_step
        self.steps = kept_steps
        self.transitions = kept_transitions


class RouteStep(Base):
    """A station on a route: who does what, with or without the client, and
    which catalogue services can carry it out."""

    __tablename__ = "route_step"
    __audit_parent__ = ("referral_route", "route_id")  # its changes show in the referral_route's history

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("referral_route.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))  # unique within the route
    kind: Mapped[str] = mapped_column(String(40))  # data/routes/step_kinds.yaml
    is_entry: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(200))  # Dutch
    performer: Mapped[str | None] = mapped_column(Text)  # who does it
    activity: Mapped[str | None] = mapped_column(Text)  # what happens
    duration: Mapped[str | None] = mapped_column(String(200))  # typical duration, free text
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    client_present: Mapped[str] = mapped_column(String(10), default="yes")  # vocabulary.CLIENT_PRESENT
    wait_days: Mapped[int | None]  # the agreed typical waiting time
    # Which services can carry the step out: any of these kinds, and (when
    # given) serving one of these needs and belonging to one of these domains.
    service_kinds: Mapped[list] = mapped_column(JSON, default=list)
    service_needs: Mapped[list] = mapped_column(JSON, default=list)
    service_domains: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    route: Mapped[Route] = relationship(back_populates="steps")

    __table_args__ = (UniqueConstraint("route_id", "key"),)

    @property
    def resolves_services(self) -> bool:
        return bool(self.service_kinds)

    def __repr__(self) -> str:
        return f"<RouteStep {self.key} ({self.kind})>"


class RouteTransition(Base):
    """A way from one step to the next: its kind, when it is the right next
    step, and what it takes."""

    __tablename__ = "route_transition"
    __audit_parent__ = ("referral_route", "route_id")  # its changes show in the referral_route's history

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("referral_route.id", ondelete="CASCADE"), index=True)
    from_step_id: Mapped[int] = mapped_column(ForeignKey("route_step.id", ondelete="CASCADE"), index=True)
    to_step_id: Mapped[int] = mapped_column(ForeignKey("route_step.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # vocabulary.TRANSITION_KINDS
    label: Mapped[str | None] = mapped_column(String(300))  # Dutch: when, in a few words
    # Criteria (all optional): any of these needs (codes; a parent code covers
    # its children), an age range, allowed urgencies, and situation flags.
    needs: Mapped[list] = mapped_column(JSON, default=list)
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    urgencies: Mapped[list] = mapped_column(JSON, default=list)
    flags_required: Mapped[list] = mapped_column(JSON, default=list)
    flags_favoured: Mapped[list] = mapped_column(JSON, default=list)
    flags_excluded: Mapped[list] = mapped_column(JSON, default=list)
    weight: Mapped[int] = mapped_column(default=0)  # the region's preference among fitting options
    # What it takes.
    referral_letter: Mapped[bool] = mapped_column(default=False)
    client_consent: Mapped[bool] = mapped_column(default=True)
    appointment_by: Mapped[str] = mapped_column(String(20), default="client")  # vocabulary.APPOINTMENT_BY
    note: Mapped[str | None] = mapped_column(Text)  # Dutch, public: what the client should know
    instructions: Mapped[str | None] = mapped_column(Text)  # Dutch, professionals only: how to refer
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)

    route: Mapped[Route] = relationship(back_populates="transitions")
    from_step: Mapped[RouteStep] = relationship(foreign_keys=[from_step_id])
    to_step: Mapped[RouteStep] = relationship(foreign_keys=[to_step_id])

    @property
    def is_return(self) -> bool:
        return self.kind in RETURN_KINDS

    def __repr__(self) -> str:
        return f"<RouteTransition {self.kind}>"


audit(Route, RouteStep, RouteTransition)
