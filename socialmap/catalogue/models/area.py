"""Area units: country, region, municipality (GM), district (wijk, WK),
neighbourhood (buurt, BU), each with its polygon and its parent."""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socialmap.db import Base
from socialmap.geo import SRID


class AreaUnit(Base):
    __tablename__ = "area_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # CBS code, e.g. BU0363AA01
    level: Mapped[str] = mapped_column(String(20))  # see vocabulary.AREA_LEVELS
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area_unit.id"), index=True)
    # Nullable: a region or the country may be known by its children only.
    # Deferred: polygons are large and most reads need only codes and names.
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=SRID, spatial_index=True), nullable=True, deferred=True)

    parent: Mapped[AreaUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[AreaUnit]] = relationship(back_populates="parent")

    __table_args__ = (Index("ix_area_unit_level_name", "level", "name"),)

    def ancestors(self) -> list[AreaUnit]:
        """Parent, grandparent, ... up to the top (nearest first)."""
        found, node = [], self.parent
        while node is not None:
            found.append(node)
            node = node.parent
        return found

    def __repr__(self) -> str:
        return f"<AreaUnit {self.code} {self.name!r}>"
