"""The needs taxonomy: hierarchical terms with stable codes and lay synonyms."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socialmap.db import Base


class NeedTerm(Base):
    __tablename__ = "need_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)  # e.g. fin.debt
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("need_term.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))  # Dutch
    description: Mapped[str | None] = mapped_column(Text)
    # {"en": {"label": ..., "description": ...}}
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    # {"nl": [...], "en": [...]}: the words people use for this need
    synonyms: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped[NeedTerm | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[NeedTerm]] = relationship(back_populates="parent", order_by="NeedTerm.position")

    def __repr__(self) -> str:
        return f"<NeedTerm {self.code}>"
