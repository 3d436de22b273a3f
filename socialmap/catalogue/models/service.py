"""Services: what an organisation offers, for whom, how to get in, when, where,
and which area it serves."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, String, Table, Text, Time, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socialmap.catalogue import vocabulary as voc
from socialmap.db import Base, PublicId, Versioned, keeping_equal

service_area = Table(
    "service_area",
    Base.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    # Indexed on its own: "who serves buurt X" starts from the area.
    Column("area_id", ForeignKey("area_unit.id"), primary_key=True, index=True),
)

service_location = Table(
    "service_location",
    Base.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("location.id", ondelete="CASCADE"), primary_key=True, index=True),
)

service_need = Table(
    "service_need",
    Base.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("need_term.id"), primary_key=True, index=True),
)

FACETS = {
    "domain": voc.DOMAINS,
    "kind": None,  # service kinds come from data/taxonomy/service_kinds.yaml
    "access": voc.ACCESS,
    "format": voc.FORMATS,
    "language": voc.LANGUAGES,
    "accessibility": voc.ACCESSIBILITY,
    "group": voc.TARGET_GROUPS,
}


class ServiceFacet(Base):
    """One coded property of a service (a domain, an access route, a language, ...).

    One narrow table instead of seven link tables: every filter of the search
    is the same indexed lookup ``(facet, code) -> service_id``.
    """

    __tablename__ = "service_facet"
    __audit_parent__ = ("service", "service_id")  # its changes show in the service's history

    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[str] = mapped_column(String(20), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (Index("ix_service_facet_facet_code", "facet", "code"),)


class Service(PublicId, Versioned, Base):
    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)

    # Dutch texts; other languages in ``translations`` ({"en": {"name": ...}}).
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)  # short, plain language
    description: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[str | None] = mapped_column(Text)  # audience conditions, free text
    cost_note: Mapped[str | None] = mapped_column(Text)
    status_note: Mapped[str | None] = mapped_column(Text)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)

    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    cost_type: Mapped[str] = mapped_column(String(30))  # vocabulary.COST
    status: Mapped[str] = mapped_column(String(30), default="active", index=True)

    open_24_7: Mapped[bool] = mapped_column(default=False)
    closed_on_public_holidays: Mapped[bool] = mapped_column(default=True)

    waiting_weeks: Mapped[int | None]  # None: unknown; 0: no waiting list
    waiting_updated: Mapped[date | None] = mapped_column(Date)

    verified_at: Mapped[date | None] = mapped_column(Date)
    verified_by: Mapped[str | None] = mapped_column(String(200))
    review_interval_days: Mapped[int] = mapped_column(default=180)
    # Where an unchecked entry stands (socialmap/freshness/stages.py): current,
    # due, overdue, possibly_outdated, demoted; kept by `freshness update` and
    # every verification, each change audited. ``stage_since``: since when.
    freshness_stage: Mapped[str] = mapped_column(String(20), default="current", server_default="current")
    stage_since: Mapped[date | None] = mapped_column(Date)

    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())

    organisation: Mapped[Organisation] = relationship(back_populates="services")  # noqa: F821
    facets: Mapped[list[ServiceFacet]] = relationship(cascade="all, delete-orphan")
    needs: Mapped[list[NeedTerm]] = relationship(secondary=service_need, order_by="NeedTerm.position")  # noqa: F821
    locations: Mapped[list[Location]] = relationship(  # noqa: F821
        secondary=service_location, back_populates="services"
    )
    areas_served: Mapped[list[AreaUnit]] = relationship(secondary=service_area)  # noqa: F821
    contacts: Mapped[list[Contact]] = relationship(cascade="all, delete-orphan", order_by="Contact.position")
    schedule_rules: Mapped[list[ScheduleRule]] = relationship(
        cascade="all, delete-orphan", order_by="ScheduleRule.position"
    )
    schedule_exceptions: Mapped[list[ScheduleException]] = relationship(
        cascade="all, delete-orphan", order_by="ScheduleException.start"
    )

    def codes(self, facet: str) -> list[str]:
        """This service's codes for one facet, in the vocabulary's order."""
        found = {f.code for f in self.facets if f.facet == facet}
        order = FACETS.get(facet)
        if order is None:
            return sorted(found)
        return [c for c in order if c in found]

    def set_codes(self, facet: str, codes: list[str]) -> None:
        """The codes of one facet become ``codes``; codes it keeps keep their rows,
        so setting the same codes again writes (and audits) nothing."""
        wanted = list(dict.fromkeys(codes))
        have = {f.code for f in self.facets if f.facet == facet}
        self.facets = [f for f in self.facets if f.facet != facet or f.code in wanted] + [
            ServiceFacet(facet=facet, code=c) for c in wanted if c not in have
        ]

    def set_contacts(self, contacts: list[Contact]) -> None:
        """The contacts become ``contacts``, in this order; a contact that is
        already there with the same values keeps its row (no write, no audit)."""
        self.contacts = keeping_equal(self.contacts, contacts)

    def set_schedule(self, rules: list[ScheduleRule], exceptions: list[ScheduleException]) -> None:
        """The weekly hours, meetings and exceptions become these, keeping equal rows."""
        self.schedule_rules = keeping_equal(self.schedule_rules, rules)
        self.schedule_exceptions = keeping_equal(self.schedule_exceptions, exceptions)

    domains = property(lambda self: self.codes("domain"))
    kinds = property(lambda self: self.codes("kind"))
    access = property(lambda self: self.codes("access"))
    formats = property(lambda self: self.codes("format"))
    languages = property(lambda self: self.codes("language"))
    accessibility = property(lambda self: self.codes("accessibility"))
    target_groups = property(lambda self: self.codes("group"))

    @property
    def public_contacts(self) -> list[Contact]:
        return [c for c in self.contacts if c.audience == "public"]

    @property
    def professional_contacts(self) -> list[Contact]:
        return [c for c in self.contacts if c.audience == "professional"]

    @property
    def review_due(self) -> date | None:
        if self.verified_at is None:
            return None
        return self.verified_at + timedelta(days=self.review_interval_days)

    def is_stale(self, today: date) -> bool:
        """True when the entry was never verified or its review date has passed."""
        return self.review_due is None or self.review_due < today

    def __repr__(self) -> str:
        return f"<Service {self.key}>"


class Contact(Base):
    """A way to reach a service; ``professional`` ones are never shown to the public."""

    __tablename__ = "contact"
    __audit_parent__ = ("service", "service_id")  # its changes show in the service's history

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))  # Dutch
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(300))
    hours: Mapped[str | None] = mapped_column(String(200))  # Dutch free text
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    audience: Mapped[str] = mapped_column(String(20), default="public")
    position: Mapped[int] = mapped_column(default=0)


class ScheduleRule(Base):
    """A recurring time a service is open (``hours``) or meets (``meeting``).

    Shaped after HSDS/iCalendar: ``freq`` weekly with ``interval`` 1 or 2 (every
    other week, counted from ``dtstart``), or monthly on the ``nth`` weekday
    (-1 = last).
    """

    __tablename__ = "schedule_rule"
    __audit_parent__ = ("service", "service_id")  # its changes show in the service's history

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # hours | meeting
    freq: Mapped[str] = mapped_column(String(10))  # weekly | monthly
    interval: Mapped[int] = mapped_column(default=1)
    weekday: Mapped[int]  # 0 = Monday
    nth: Mapped[int | None]
    dtstart: Mapped[date | None] = mapped_column(Date)
    opens_at: Mapped[time] = mapped_column(Time)
    closes_at: Mapped[time] = mapped_column(Time)
    position: Mapped[int] = mapped_column(default=0)


class ScheduleException(Base):
    """A closure or changed hours on a date or a date range (inclusive)."""

    __tablename__ = "schedule_exception"
    __audit_parent__ = ("service", "service_id")  # its changes show in the service's history

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(default=True)
    opens_at: Mapped[time | None] = mapped_column(Time)
    closes_at: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str | None] = mapped_column(String(300))
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
