"""The stages an unchecked entry walks through, as pure functions of dates.

An entry is *current* until its review date (last checked + its review
interval) comes near; then *due* (within ``due_within_days``), *overdue*
after the review date (coordinators see it), *possibly_outdated* once it is
``public_after_days`` late (the public page says so) and *demoted* once it is
``demote_after_days`` late (ranked below current entries in search and the
route finder, with the reason shown). Never a deletion: one verification
brings it back to current. A waiting time has its own, shorter interval and
reads as out of date on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

STAGES = ("current", "due", "overdue", "possibly_outdated", "demoted")
# Stages the public sees (the others are the coordinator's business).
PUBLIC_STAGES = ("possibly_outdated", "demoted")


@dataclass(frozen=True)
class Thresholds:
    due_within_days: int = 30
    public_after_days: int = 60
    demote_after_days: int = 180
    waiting_interval_days: int = 28

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Thresholds:
        return cls(
            **{
                f: int(config[f"FRESHNESS_{f.upper()}"])
                for f in cls.__dataclass_fields__
                if f"FRESHNESS_{f.upper()}" in config
            }
        )


def stage_of(checked: date | None, interval_days: int, today: date, t: Thresholds | None = None) -> str:
    """The stage of an entry last checked on ``checked`` (None: never; counted
    from when it was added, which the caller passes instead when known)."""
    t = t or Thresholds()
    if checked is None:
        return "overdue"
    due = checked + timedelta(days=interval_days)
    if today < due - timedelta(days=t.due_within_days):
        return "current"
    if today <= due:
        return "due"
    late = (today - due).days
    if late <= t.public_after_days:
        return "overdue"
    if late <= t.demote_after_days:
        return "possibly_outdated"
    return "demoted"


def review_date(checked: date | None, interval_days: int) -> date | None:
    return checked + timedelta(days=interval_days) if checked is not None else None


def waiting_out_of_date(updated: date | None, today: date, t: Thresholds | None = None) -> bool:
    """A waiting time reads as out of date once its date is older than its interval."""
    t = t or Thresholds()
    return updated is not None and (today - updated).days > t.waiting_interval_days


def staging_day(is_demo: bool, today: date, demo_as_of: str | date | None) -> date:
    """The day an entry is judged on: today, or for a demo entry the day the
    demo's dates were written for (settings ``DEMO_AS_OF``)."""
    if is_demo and demo_as_of:
        return demo_as_of if isinstance(demo_as_of, date) else date.fromisoformat(str(demo_as_of))
    return today
