"""Accounts and their grants. An account is a person; what it may do comes
only from its grants, each a role with a scope:

* ``admin`` -- everything, accounts included (no scope);
* ``coordinator`` -- edits entries and routes within an area unit (a region
  or municipality), optionally only those of one organisation (one grant per
  organisation);
* ``org_editor`` -- edits its own organisation's services, locations and contacts;
* ``professional`` -- sees professional-only details; edits nothing.

Passwords are stored only as argon2 hashes. ``session_token`` is part of every
signed-in session's id: changing it signs the account out everywhere.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socialmap.catalogue.models import AreaUnit, Organisation
from socialmap.db import Base

ROLES = ("admin", "coordinator", "org_editor", "professional")


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Account(Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)  # lower case
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # None until an invitation is used
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    grants: Mapped[list[Grant]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="Grant.id"
    )

    # Flask-Login's user interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_professional(self) -> bool:
        """Every role is held by a professional: each sees professional-only details."""
        return bool(self.grants)

    @property
    def actor(self) -> str:
        """How the audit log names this account's writes."""
        return f"account:{self.username}"


class Grant(Base):
    """One role of one account, with its scope (area and/or organisation)."""

    __tablename__ = "account_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # ROLES
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area_unit.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    created_by: Mapped[str | None] = mapped_column(String(200))

    account: Mapped[Account] = relationship(back_populates="grants")
    area: Mapped[AreaUnit | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    def describe(self) -> str:
        parts = [self.role]
        if self.area is not None:
            parts.append(self.area.code)
        if self.organisation is not None:
            parts.append(self.organisation.key)
        return " ".join(parts)


class Invitation(Base):
    """A one-time link with which a person sets the password of their account.
    Only the token's SHA-256 is stored; the link works once, until ``expires_at``."""

    __tablename__ = "account_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    created_by: Mapped[str | None] = mapped_column(String(200))

    account: Mapped[Account] = relationship()


class ProposedChange(Base):
    """A change an organisation editor proposed, waiting for a coordinator:
    per field the value the editor saw and the value proposed (the service
    form's shape), accepted or rejected as a whole or per field."""

    __tablename__ = "proposed_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(50))  # service
    entity_id: Mapped[int] = mapped_column(Integer, index=True)
    entity_key: Mapped[str] = mapped_column(String(100))
    proposed_by: Mapped[str] = mapped_column(String(200))  # the actor, e.g. account:piet
    base: Mapped[dict] = mapped_column(JSON)  # field -> the value the editor saw
    changes: Mapped[dict] = mapped_column(JSON)  # field -> the value proposed
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | accepted | rejected
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(String(500))
    # Who proposed: an organisation's editor, a provider link of an update
    # round, or a visitor's public report.
    source: Mapped[str] = mapped_column(String(20), default="editor", server_default="editor")
    # A reporter's address to tell the outcome (optional; emptied once decided).
    contact: Mapped[str | None] = mapped_column(String(200))
