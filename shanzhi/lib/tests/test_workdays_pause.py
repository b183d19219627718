"""A paused period moves by the days wholly inside the pause (``workdays.after_pause``)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from shanzhi.lib.workdays import Calendar, add, after_pause

SH = ZoneInfo("Asia/Shanghai")
CAL = Calendar(overrides={}, hours=Calendar.parse_hours("08:30-12:00,13:30-17:30"), tz=SH)


def at(*args):
    return datetime(*args, tzinfo=SH)


def test_a_short_pause_over_midnight_moves_nothing():
    due = add(at(2026, 3, 2, 9), 3, "working_days", CAL)  # Mon → Thu 5 Mar
    assert (
        after_pause(due, at(2026, 3, 2, 23, 59), at(2026, 3, 3, 0, 1), "working_days", CAL) == due
    )


def test_whole_working_days_inside_move_the_due_day():
    due = add(at(2026, 3, 2, 9), 3, "working_days", CAL)  # Thu 5 Mar
    moved = after_pause(due, at(2026, 3, 2, 10), at(2026, 3, 5, 10), "working_days", CAL)
    assert moved == add(due, 2, "working_days", CAL)  # Tue 3 and Wed 4 were inside


def test_a_weekend_inside_moves_working_days_not_at_all_and_calendar_days_by_two():
    due = at(2026, 3, 13, 23, 59, 59, 999999)
    friday, monday = at(2026, 3, 6, 17), at(2026, 3, 9, 9)
    assert after_pause(due, friday, monday, "working_days", CAL) == due
    assert after_pause(due, friday, monday, "calendar_days", CAL) == add(
        due, 2, "calendar_days", CAL
    )


def test_hour_units_count_what_was_left_from_the_resumption():
    due = at(2026, 3, 2, 15)
    moved = after_pause(due, at(2026, 3, 2, 14), at(2026, 3, 3, 9), "working_hours", CAL)
    assert moved == add(at(2026, 3, 3, 9), 1, "working_hours", CAL)


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 1)),
    days=st.integers(1, 20),
    pause_after=st.integers(0, 400),
    pause_len=st.integers(1, 400),
    step=st.integers(1, 3600),
)
def test_splitting_a_pause_never_gains_time(start, days, pause_after, pause_len, step):
    """One pause, or the same pause cut in two by a moment of running, never gives a later
    due day than the pause itself would, whatever the cut: no gaming by pausing often."""
    start = start.replace(tzinfo=SH)
    due = add(start, days, "working_days", CAL)
    p0 = start + timedelta(hours=pause_after)
    p1 = p0 + timedelta(hours=pause_len)
    whole = after_pause(due, p0, p1, "working_days", CAL)
    cut = p0 + (p1 - p0) / 2
    first = after_pause(due, p0, cut, "working_days", CAL)
    split = after_pause(first, cut + timedelta(seconds=step), p1, "working_days", CAL)
    assert due <= split <= whole
