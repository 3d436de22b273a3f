"""Organisations: who offers services."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socialmap.db import Base, PublicId, Versioned


class Organisation(PublicId, Versioned, Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  # stable slug
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)  # Dutch
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    website: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    kvk_number: Mapped[str | None] = mapped_column(String(8))  # Chamber of Commerce
    agb_code: Mapped[str | None] = mapped_column(String(8))  # Dutch care-provider code
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Its editors' changes are applied at once instead of waiting for a
    # coordinator's review (socialmap/maintenance/review.py).
    trusted: Mapped[bool] = mapped_column(default=False, server_default=false())
    # "active" or "retired": retiring hides it from new choices and is undone by restoring; never a deletion.
    status: Mapped[str] = mapped_column(String(20), default="active", server_default="active")
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())

    services: Mapped[list[Service]] = relationship(  # noqa: F821
        back_populates="organisation", order_by="Service.name"
    )
    locations: Mapped[list[Location]] = relationship(back_populates="organisation")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Organisation {self.key}>"
