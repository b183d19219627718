"""The one traffic-light rule (``clocks.light``) and the working time left on a clock, on
unsaved clocks and a fixed calendar: no database."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from shanzhi.cases import clocks
from shanzhi.cases.models import Clock
from shanzhi.lib import workdays
from shanzhi.lib.workdays import Calendar

SH = ZoneInfo("Asia/Shanghai")
CAL = Calendar()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(*args):
    return datetime(*args, tzinfo=SH)


def clock(start, value, unit, name="handle", **extra):
    return Clock(
        name=name,
        started_at=start,
        duration=value,
        unit=unit,
        due_at=workdays.add(start, value, unit, CAL),
        **extra,
    )


def test_working_days_left_and_the_yellow_share():
    c = clock(at(2026, 11, 23, 9), 7, "working_days")  # Mon 23rd → end of Wed 2 Dec
    assert c.due_at == at(2026, 12, 2, 23, 59, 59, 999999)
    assert clocks.time_left(c, at(2026, 11, 23, 10), CAL) == 7
    assert clocks.light(c, at(2026, 11, 23, 10), CAL) == "green"
    # Fri 28th: Mon, Tue, Wed are left (3 ≥ 7/4): still green; Mon 30th: 2 left.
    assert clocks.time_left(c, at(2026, 11, 28, 10), CAL) == 3
    assert clocks.light(c, at(2026, 11, 28, 10), CAL) == "green"
    assert clocks.light(c, at(2026, 11, 30, 10), CAL) == "green"
    # Tue 1 Dec: one working day left besides today, less than a quarter of seven.
    assert clocks.time_left(c, at(2026, 12, 1, 10), CAL) == 1
    assert clocks.light(c, at(2026, 12, 1, 10), CAL) == "yellow"
    assert clocks.time_left(c, at(2026, 12, 2, 17), CAL) == 0
    assert clocks.light(c, at(2026, 12, 2, 17), CAL) == "yellow"
    # Thu 3 Dec: one working day late.
    assert clocks.time_left(c, at(2026, 12, 3, 9), CAL) == -1
    assert clocks.light(c, at(2026, 12, 3, 9), CAL) == "red"


def test_working_hours_left_skip_the_lunch_break_and_the_night():
    c = clock(at(2026, 11, 23, 9), 8, "working_hours")  # due Tue 09:30
    assert c.due_at == at(2026, 11, 24, 9, 30)
    assert clocks.time_left(c, at(2026, 11, 23, 12, 30), CAL) == 5  # 13:30–17:30, 08:30–09:30
    assert clocks.light(c, at(2026, 11, 23, 12, 30), CAL) == "green"
    # 17:00 Monday: half an hour today and an hour tomorrow; 1.5 < 2 (a quarter of 8).
    assert clocks.time_left(c, at(2026, 11, 23, 17), CAL) == 1.5
    assert clocks.light(c, at(2026, 11, 23, 17), CAL) == "yellow"
    # Overnight nothing is used up: still 1 working hour at 07:00.
    assert clocks.time_left(c, at(2026, 11, 24, 7), CAL) == 1
    assert clocks.time_left(c, at(2026, 11, 24, 10), CAL) == -0.5
    assert clocks.light(c, at(2026, 11, 24, 10), CAL) == "red"


def test_calendar_days_count_rest_days():
    c = clock(at(2026, 11, 23, 9), 15, "calendar_days")  # due Tue 8 Dec
    assert clocks.time_left(c, at(2026, 11, 28, 9), CAL) == 10
    assert clocks.light(c, at(2026, 12, 5, 9), CAL) == "yellow"  # 3 < 15/4


def test_extensions_count_in_the_share():
    c = clock(at(2026, 11, 23, 9), 4, "working_days", extended_by=4)
    c.due_at = workdays.add(c.due_at, 4, "working_days", CAL)
    assert c.limit == 8
    assert c.due_at == at(2026, 12, 3, 23, 59, 59, 999999)
    # Two working days left: a quarter of the eight in force, not yet under it.
    assert clocks.time_left(c, at(2026, 12, 1, 10), CAL) == 2
    assert clocks.light(c, at(2026, 12, 1, 10), CAL) == "green"
    assert clocks.light(c, at(2026, 12, 2, 10), CAL) == "yellow"


def test_a_paused_clock_keeps_what_was_left():
    c = clock(at(2026, 11, 23, 9), 7, "working_days")
    c.paused_at = at(2026, 11, 24, 10)
    c.remaining_at_pause = 6
    for later in (at(2026, 11, 30, 9), at(2027, 3, 1, 9)):
        assert clocks.time_left(c, later, CAL) == 6
        assert clocks.light(c, later, CAL) == "paused"


def test_stopped_cancelled_and_window_clocks():
    c = clock(at(2026, 11, 23, 9), 7, "working_days", stopped_at=at(2026, 11, 25, 9))
    c.on_time = True
    assert clocks.light(c, at(2026, 12, 30), CAL) == "done"
    c.on_time = False
    assert clocks.light(c, at(2026, 12, 30), CAL) == "late"
    c.on_time = None  # cancelled by a merge
    assert clocks.light(c, at(2026, 12, 30), CAL) == "cancelled"
    window = clock(at(2026, 11, 23, 9), 1, "working_days", name="objection")
    assert clocks.light(window, at(2026, 11, 23, 10), CAL) == "green"
    assert clocks.light(window, at(2026, 11, 30, 10), CAL) == "closed"
    assert clocks.light(None) == ""


def test_amount_text():
    assert clocks.amount_text(1, "working_days") == "1 working day"
    assert clocks.amount_text(3, "working_days") == "3 working days"
    assert clocks.amount_text(-2, "calendar_days") == "2 calendar days"
    assert clocks.amount_text(1.25, "working_hours") == "1.2 working hours"
    assert clocks.amount_text(2.0, "hours") == "2 hours"


def test_the_share_rule_over_a_whole_clock():
    """Over a clock's whole life the light goes green → yellow → red and never back."""
    order = {"green": 0, "yellow": 1, "red": 2}
    for value, unit in ((7, "working_days"), (8, "working_hours"), (15, "calendar_days")):
        c = clock(at(2026, 9, 28, 9), value, unit)  # across the National Day holiday
        seen, moment = [], c.started_at
        while moment < c.due_at + timedelta(days=3):
            seen.append(order[clocks.light(c, moment, CAL)])
            moment += timedelta(hours=3)
        assert seen == sorted(seen) and seen[0] == 0 and seen[-1] == 2 and 1 in seen
