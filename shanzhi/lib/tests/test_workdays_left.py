"""``workdays.left``: what is left of a period, negative once it has run out (DOMAIN §4)."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanzhi.lib import workdays
from shanzhi.lib.workdays import Calendar, add, elapsed, left, remaining

SH = workdays.SHANGHAI
CAL = Calendar()


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def test_working_days_across_the_national_day_holiday():
    due = add(at(2025, 9, 26), 5, "working_days", CAL)  # 28, 29, 30 Sep, 9, 10 Oct
    assert left(at(2025, 9, 30), due, "working_days", CAL) == 2
    assert left(at(2025, 10, 5), due, "working_days", CAL) == 2  # the holiday uses nothing
    assert left(at(2025, 10, 10, 17), due, "working_days", CAL) == 0  # due today
    assert left(at(2025, 10, 11, 9), due, "working_days", CAL) == -1  # Sat 11th: make-up day
    assert left(at(2025, 10, 12, 9), due, "working_days", CAL) == -1  # Sun: rest
    assert left(at(2025, 10, 13, 9), due, "working_days", CAL) == -2


def test_working_hours_and_calendar_days():
    due = add(at(2025, 9, 30, 16), 3, "working_hours", CAL)  # 16:00–17:30, then 9 Oct
    assert due == at(2025, 10, 9, 10, 0)
    assert left(at(2025, 10, 3), due, "working_hours", CAL) == 1.5
    assert left(at(2025, 10, 9, 11), due, "working_hours", CAL) == -1
    due = add(at(2026, 2, 10), 15, "calendar_days", CAL)  # across the Spring Festival
    assert (
        left(at(2026, 2, 10), due, "calendar_days", CAL)
        == (due.date() - at(2026, 2, 10).date()).days
    )
    assert left(due + timedelta(days=2), due, "calendar_days", CAL) == -2


def test_refuses_naive_instants_and_unknown_units():
    with pytest.raises(ValueError):
        left(datetime(2025, 9, 30, 10), at(2025, 10, 9), "working_days", CAL)
    with pytest.raises(ValueError):
        left(at(2025, 9, 30), at(2025, 10, 9), "fortnights", CAL)


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 1)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
    st.sampled_from(workdays.UNITS),
)
def test_left_is_remaining_before_and_minus_elapsed_after(moment, gap, unit):
    due = moment.replace(tzinfo=SH)
    before, after = due - gap, due + gap
    assert left(before, due, unit, CAL) == remaining(before, due, unit, CAL) >= 0
    assert left(after, due, unit, CAL) == -elapsed(due, after, unit, CAL) <= 0
