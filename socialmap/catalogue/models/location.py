"""Locations: an address and a point. The neighbourhood it lies in is stored
(derived from the point by the database when written) so "located in buurt X"
is an indexed lookup. An ``approximate`` point is the centre of the address's
4-digit postcode area (no coordinates were given); its buurt is only the one
the source named, never guessed from that point."""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socialmap.db import Base, PublicId, Versioned
from socialmap.geo import SRID


class Location(PublicId, Versioned, Base):
    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200))
    house_number: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str | None] = mapped_column(String(7))  # "1103 AB" or "1103"
    city: Mapped[str] = mapped_column(String(100))
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("area_unit.id"), index=True)
    geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True), nullable=False)
    approximate: Mapped[bool] = mapped_column(default=False, server_default=false())
    # "active" or "retired": retiring hides it from new choices and is undone by restoring; never a deletion.
    status: Mapped[str] = mapped_column(String(20), default="active", server_default="active")

    organisation: Mapped[Organisation | None] = relationship(back_populates="locations")  # noqa: F821
    neighbourhood: Mapped[AreaUnit | None] = relationship()  # noqa: F821
    services: Mapped[list[Service]] = relationship(  # noqa: F821
        secondary="service_location", back_populates="locations"
    )

    @property
    def address(self) -> str:
        parts = [f"{self.street} {self.house_number}", " ".join(p for p in (self.postcode, self.city) if p)]
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"<Location {self.key}>"
