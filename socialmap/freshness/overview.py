"""The coordinator's view of how current the map is: per entry its stage,
last check, review date and what needs attention; counts per category; and
per wijk the share of current entries (for the map)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialmap.catalogue.areas import AreaTree
from socialmap.catalogue.models import Service
from socialmap.freshness.provenance import last_checked, section_checks
from socialmap.freshness.stages import Thresholds, review_date, staging_day, waiting_out_of_date
from socialmap.maintenance.models import ProposedChange

# What a coordinator filters on: each a question about an entry.
CATEGORIES = ("due_soon", "overdue", "never", "possibly_outdated", "waiting_old", "suggestions")
STAGE_ORDER = {"demoted": 0, "possibly_outdated": 1, "overdue": 2, "due": 3, "current": 4}


@dataclass(frozen=True)
class Row:
    service: Service
    checked: date | None  # the stalest section's last check (None: a section never checked)
    review: date | None
    categories: frozenset[str]
    suggestions: int


def rows_for(
    session: Session, services: list[Service], today: date, t: Thresholds, demo_as_of: str | None = None
) -> list[Row]:
    checks = section_checks(session, services)
    open_counts = Counter(
        dict(
            session.execute(
                select(ProposedChange.entity_id, func.count())
                .where(ProposedChange.entity == "service", ProposedChange.status == "open")
                .group_by(ProposedChange.entity_id)
            ).all()
        )
    )
    rows = []
    for s in services:
        day = staging_day(s.is_demo, today, demo_as_of)
        checked = last_checked(checks[s.id])
        review = review_date(checked, s.review_interval_days)
        found = set()
        if review is not None and day <= review <= day + timedelta(days=t.due_within_days):
            found.add("due_soon")
        if s.freshness_stage in ("overdue", "possibly_outdated", "demoted"):
            found.add("overdue")
        if checked is None:
            found.add("never")
        if s.freshness_stage in ("possibly_outdated", "demoted"):
            found.add("possibly_outdated")
        if s.waiting_weeks is not None and (
            s.waiting_updated is None or waiting_out_of_date(s.waiting_updated, day, t)
        ):
            found.add("waiting_old")
        if open_counts.get(s.id):
            found.add("suggestions")
        rows.append(Row(s, checked, review, frozenset(found), open_counts.get(s.id, 0)))
    return rows


def sort_rows(rows: list[Row], by: str) -> list[Row]:
    keys = {
        "name": lambda r: r.service.name.lower(),
        "organisation": lambda r: (r.service.organisation.name.lower(), r.service.name.lower()),
        "stage": lambda r: (STAGE_ORDER.get(r.service.freshness_stage, 9), r.service.name.lower()),
        "checked": lambda r: (r.checked or date.min, r.service.name.lower()),
        "review": lambda r: (r.review or date.min, r.service.name.lower()),
    }
    return sorted(rows, key=keys.get(by, keys["stage"]))


def districts_of(service: Service, tree: AreaTree) -> set[int]:
    """The wijken a service is for: those under an area it serves, and the wijk of a buurt it serves."""
    found: set[int] = set()
    for area in service.areas_served:
        if area.id not in tree.code:
            continue
        if tree.level[area.id] == "neighbourhood":
            found |= {a for a in tree.ancestor_ids(area.id) if tree.level[a] == "district"}
        else:
            found |= {a for a in tree.ids_under(area.id) | {area.id} if tree.level[a] == "district"}
    return found


def share_current_per_district(rows: list[Row], tree: AreaTree) -> dict[int, tuple[int, int]]:
    """Per wijk: (entries for it that are current or due, all entries for it)."""
    counts: dict[int, list[int]] = {}
    for row in rows:
        fresh = row.service.freshness_stage in ("current", "due")
        for district in districts_of(row.service, tree):
            pair = counts.setdefault(district, [0, 0])
            pair[0] += fresh
            pair[1] += 1
    return {d: (c[0], c[1]) for d, c in counts.items()}
