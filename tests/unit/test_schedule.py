"""Opening hours and meetings: weekly, every other week, nth weekday, holidays, exceptions."""

from datetime import date, datetime, time

import pytest

from socialmap.catalogue import schedule
from socialmap.catalogue.models import ScheduleException, Service
from tests.factories import weekly


def make(rules=(), exceptions=(), **kw) -> Service:
    svc = Service(
        name="x",
        summary="y",
        cost_type="free",
        status=kw.pop("status", "active"),
        open_24_7=kw.pop("open_24_7", False),
        closed_on_public_holidays=kw.pop("closed_on_public_holidays", True),
        **kw,
    )
    svc.schedule_rules = list(rules)
    svc.schedule_exceptions = list(exceptions)
    return svc


def test_weekly_hours_open_and_closed():
    svc = make([weekly(0, "09:00", "17:00")])  # Mondays
    monday = datetime(2026, 11, 23, 10, 0)
    assert schedule.is_open_at(svc, monday)
    assert not schedule.is_open_at(svc, monday.replace(hour=17))  # closing time is exclusive
    assert not schedule.is_open_at(svc, datetime(2026, 11, 24, 10, 0))  # Tuesday


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 11, 10), True),  # 2nd Tuesday of November 2026
        (date(2026, 11, 3), False),  # 1st Tuesday
        (date(2026, 11, 17), False),  # 3rd Tuesday
        (date(2026, 12, 8), True),  # 2nd Tuesday of December
    ],
)
def test_second_tuesday_of_the_month(day, expected):
    svc = make([weekly(1, "19:00", "21:00", kind="meeting", freq="monthly", nth=2)])
    assert schedule.is_open_on(svc, day) is expected


def test_last_thursday_of_the_month():
    svc = make([weekly(3, "19:30", "21:30", kind="meeting", freq="monthly", nth=-1)])
    assert schedule.is_open_on(svc, date(2026, 11, 26))
    assert not schedule.is_open_on(svc, date(2026, 11, 19))


def test_every_other_week_counts_from_the_start_date():
    svc = make([weekly(3, "10:00", "12:00", kind="meeting", interval=2, dtstart=date(2026, 1, 8))])
    assert schedule.is_open_on(svc, date(2026, 1, 8))
    assert not schedule.is_open_on(svc, date(2026, 1, 15))
    assert schedule.is_open_on(svc, date(2026, 1, 22))
    assert not schedule.is_open_on(svc, date(2026, 1, 1))  # before it started


def test_dutch_public_holidays_close_a_service():
    svc = make([weekly(d, "09:00", "17:00") for d in range(5)])
    assert schedule.public_holiday(date(2026, 4, 27))  # Koningsdag (Monday)
    assert not schedule.is_open_on(svc, date(2026, 4, 27))
    assert schedule.is_open_on(svc, date(2026, 4, 28))
    svc.closed_on_public_holidays = False
    assert schedule.is_open_on(svc, date(2026, 4, 27))


def test_closure_and_changed_hours_exceptions():
    closure = ScheduleException(start=date(2026, 12, 24), end=date(2027, 1, 1), closed=True, translations={})
    short = ScheduleException(
        start=date(2026, 12, 23),
        end=date(2026, 12, 23),
        closed=False,
        opens_at=time(9, 0),
        closes_at=time(12, 0),
        translations={},
    )
    svc = make([weekly(d, "09:00", "17:00") for d in range(5)], [closure, short])
    assert not schedule.is_open_on(svc, date(2026, 12, 28))
    assert schedule.is_open_at(svc, datetime(2026, 12, 23, 11, 0))
    assert not schedule.is_open_at(svc, datetime(2026, 12, 23, 14, 0))


def test_temporarily_closed_and_24_7():
    assert not schedule.is_open_on(make([weekly(0, "09:00", "17:00")], status="temporarily_closed"), date(2026, 11, 23))
    crisis = make(open_24_7=True)
    assert schedule.is_open_at(crisis, datetime(2026, 12, 25, 3, 0))  # Christmas, at night


def test_next_meetings_lists_the_coming_dates():
    svc = make([weekly(1, "19:00", "21:00", kind="meeting", freq="monthly", nth=2)])
    days = [d for d, _ in schedule.next_meetings(svc, date(2026, 11, 24), count=2)]
    assert days == [date(2026, 12, 8), date(2027, 1, 12)]
