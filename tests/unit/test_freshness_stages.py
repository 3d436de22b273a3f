"""The stages of an unchecked entry, from dates alone."""

from datetime import date, timedelta

from socialmap.freshness.stages import Thresholds, stage_of, waiting_out_of_date

CHECKED = date(2026, 1, 1)
T = Thresholds(due_within_days=30, public_after_days=60, demote_after_days=180)


def on(days_after_due: int) -> str:
    due = CHECKED + timedelta(days=180)
    return stage_of(CHECKED, 180, due + timedelta(days=days_after_due), T)


def test_an_entry_walks_through_the_stages_as_days_pass():
    assert on(-31) == "current"
    assert on(-30) == on(0) == "due"
    assert on(1) == on(60) == "overdue"
    assert on(61) == on(180) == "possibly_outdated"
    assert on(181) == "demoted"


def test_a_shorter_interval_makes_an_entry_due_sooner():
    day = CHECKED + timedelta(days=40)
    assert stage_of(CHECKED, 180, day, T) == "current"
    assert stage_of(CHECKED, 60, day, T) == "due"


def test_never_checked_is_overdue_for_the_coordinator_but_not_marked_publicly():
    assert stage_of(None, 180, date(2030, 1, 1), T) == "overdue"


def test_a_waiting_time_reads_as_out_of_date_after_its_own_interval():
    t = Thresholds(waiting_interval_days=28)
    assert not waiting_out_of_date(date(2026, 1, 1), date(2026, 1, 29), t)
    assert waiting_out_of_date(date(2026, 1, 1), date(2026, 1, 30), t)
    assert not waiting_out_of_date(None, date(2026, 1, 30), t)


def test_thresholds_come_from_the_settings():
    t = Thresholds.from_config({"FRESHNESS_DEMOTE_AFTER_DAYS": 90, "OTHER": 1})
    assert t.demote_after_days == 90 and t.due_within_days == 30
