"""Verifications, update rounds, provider links, public change reports and
the outbox of messages.

A :class:`Verification` says that someone checked one section of a service
(or all of it) and found it right: who, when, how. Changes are not
verifications; the audit log keeps those, and :mod:`.provenance` reads both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socialmap.audit import audit
from socialmap.catalogue.models import Organisation
from socialmap.db import Base

# What can be verified apart (the fields people act on), and "all" of it.
SECTIONS = ("hours", "contacts", "access", "waiting", "location")
# How a check was made.
HOW = ("phone", "email", "visit", "provider_link", "import", "review")


class Verification(Base):
    __tablename__ = "verification"
    __audit_parent__ = ("service", "service_id")  # shows in the service's history

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(20))  # SECTIONS or "all"
    at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    actor: Mapped[str] = mapped_column(String(200))  # account:..., link:<id>, import:<file>
    how: Mapped[str] = mapped_column(String(20))  # HOW
    round_id: Mapped[int | None] = mapped_column(ForeignKey("update_round.id"))
    note: Mapped[str | None] = mapped_column(String(500))


class UpdateRound(Base):
    """A round in which organisations are asked to confirm or correct their entries."""

    __tablename__ = "update_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    selection: Mapped[dict] = mapped_column(JSON)  # what was asked: {"which": "overdue", ...}
    service_ids: Mapped[list] = mapped_column(JSON)  # the entries the round asks about
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    closes_at: Mapped[datetime] = mapped_column(DateTime)  # links work until then (UTC)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    remind_after_days: Mapped[int] = mapped_column(Integer, default=7)

    links: Mapped[list[ProviderLink]] = relationship(back_populates="round", order_by="ProviderLink.id")


class ProviderLink(Base):
    """One organisation's personal link in a round. Only the token's SHA-256 is
    stored; the link shows that organisation's entries of the round only."""

    __tablename__ = "provider_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("update_round.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(200))  # the organisation's contact address
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)  # a section confirmed
    proposed_at: Mapped[datetime | None] = mapped_column(DateTime)  # a change proposed

    round: Mapped[UpdateRound] = relationship(back_populates="links")
    organisation: Mapped[Organisation] = relationship()

    @property
    def actor(self) -> str:
        return f"link:{self.id}"

    @property
    def progress(self) -> str:
        """not_opened, opened, confirmed or proposed (the furthest it got)."""
        if self.proposed_at:
            return "proposed"
        if self.confirmed_at:
            return "confirmed"
        return "opened" if self.opened_at else "not_opened"


class OutboxMessage(Base):
    """A message to send. With SMTP settings it is sent at once (``sent_at``);
    without them it waits here for a coordinator to read and pass on."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(30))  # round, reminder, outcome
    created_by: Mapped[str | None] = mapped_column(String(200))  # who caused it (its outbox shows it to them)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(String(500))


audit(Verification)
