"""The area hierarchy in memory: one tree that walks up and down.

Country > region > municipality > (stadsdeel) > wijk > buurt, held as plain
maps of id -> code, level, parent, name (a few thousand rows per region,
about 15,000 nationally). Up: the chain of ancestors, the municipality or
region above. Down: every area or buurt inside. The search (serving codes,
shards), the places a person names, the route coverage check and the
route finder all walk this one tree; :func:`area_tree` keeps it per process
and rebuilds it when the areas' revision changes (:mod:`socialmap.revision`).

``AreaUnit.ancestors()`` remains for pages that need the area objects
themselves (their names, their polygons).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialmap.catalogue.models import AreaUnit
from socialmap.revision import kept


class AreaTree:
    def __init__(self, session: Session):
        self.code: dict[int, str] = {}
        self.level: dict[int, str] = {}
        self.parent: dict[int, int | None] = {}
        self.name: dict[int, str] = {}
        self.children: dict[int, list[int]] = defaultdict(list)
        for area_id, code, level, parent_id, name in session.execute(
            select(AreaUnit.id, AreaUnit.code, AreaUnit.level, AreaUnit.parent_id, AreaUnit.name)
        ):
            self.code[area_id], self.level[area_id], self.parent[area_id] = code, level, parent_id
            self.name[area_id] = name
            if parent_id is not None:
                self.children[parent_id].append(area_id)
        self.id_of = {code: area_id for area_id, code in self.code.items()}
        self._under: dict[int, frozenset[int]] = {}

    # up ---------------------------------------------------------------------

    def ancestor_ids(self, area_id: int) -> list[int]:
        """The area and every area above it, nearest first."""
        found, node = [], area_id
        while node is not None:
            found.append(node)
            node = self.parent[node]
        return found

    def ancestor_codes(self, area_id: int) -> list[str]:
        return [self.code[a] for a in self.ancestor_ids(area_id)]

    def municipality_of(self, area_id: int) -> str | None:
        return self._code_at_level(area_id, "municipality")

    def region_of(self, area_id: int) -> str | None:
        return self._code_at_level(area_id, "region")

    def _code_at_level(self, area_id: int, level: str) -> str | None:
        """The code of the area at ``level`` that contains (or is) ``area_id``."""
        return next((self.code[a] for a in self.ancestor_ids(area_id) if self.level[a] == level), None)

    # down -------------------------------------------------------------------

    def ids_under(self, area_id: int) -> frozenset[int]:
        """Every area inside ``area_id`` (not itself)."""
        if area_id not in self._under:
            found: set[int] = set()
            todo = list(self.children.get(area_id, ()))
            while todo:
                node = todo.pop()
                found.add(node)
                todo += self.children.get(node, ())
            self._under[area_id] = frozenset(found)
        return self._under[area_id]

    def codes_under(self, area_id: int) -> frozenset[str]:
        return frozenset(self.code[a] for a in self.ids_under(area_id))

    def buurten_under(self, area_id: int) -> frozenset[int]:
        """The buurten the area covers (itself, when it is one)."""
        inside = self.ids_under(area_id) | {area_id}
        return frozenset(a for a in inside if self.level[a] == "neighbourhood")


def area_tree(session: Session) -> AreaTree:
    """The tree for this database, rebuilt when the areas' stamp changes
    (added, removed, renamed or moved, in any process)."""
    return kept(session, "areas", lambda: AreaTree(session), "tree")
