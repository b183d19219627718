"""Working-day calendar and period arithmetic (DOMAIN §4, 民法典 Arts. 201–203).

No database. Every holiday and make-up day asserted below is first checked against the
``chinese_calendar`` package itself (``FACTS``), so a data correction in the package shows
up as a failed premise, not as a puzzling arithmetic failure."""

import math
import pickle
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import chinese_calendar
import pytest
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shanzhi.lib import workdays
from shanzhi.lib.workdays import Calendar, add, elapsed, remaining, working_seconds_between

SH = workdays.SHANGHAI
CAL = Calendar()

# date → is a working day, as the package says (weekday in the comment).
FACTS = {
    # National Day 2025: 1–8 Oct off; make-up Sun 28 Sep and Sat 11 Oct.
    date(2025, 9, 19): True,  # Fri
    date(2025, 9, 20): False,  # Sat
    date(2025, 9, 21): False,  # Sun
    date(2025, 9, 26): True,  # Fri
    date(2025, 9, 27): False,  # Sat
    date(2025, 9, 28): True,  # Sun, make-up
    date(2025, 9, 30): True,  # Tue
    **{date(2025, 10, d): False for d in range(1, 9)},
    date(2025, 10, 9): True,  # Thu
    date(2025, 10, 10): True,  # Fri
    date(2025, 10, 11): True,  # Sat, make-up
    date(2025, 10, 12): False,  # Sun
    date(2025, 10, 18): False,  # Sat
    date(2025, 10, 20): True,  # Mon
    # Spring Festival 2026: 15–23 Feb off; make-up Sat 14 Feb and Sat 28 Feb.
    date(2026, 2, 13): True,  # Fri
    date(2026, 2, 14): True,  # Sat, make-up
    **{date(2026, 2, d): False for d in range(15, 24)},
    date(2026, 2, 24): True,  # Tue
    date(2026, 2, 27): True,  # Fri
    date(2026, 2, 28): True,  # Sat, make-up
    # Mid-autumn and National Day 2026: 25–27 Sep and 1–7 Oct off; make-up Sun 20 Sep and
    # Sat 10 Oct.
    date(2026, 9, 18): True,  # Fri
    date(2026, 9, 19): False,  # Sat
    date(2026, 9, 20): True,  # Sun, make-up
    **{date(2026, 9, d): False for d in (25, 26, 27)},
    date(2026, 9, 30): True,  # Wed
    **{date(2026, 10, d): False for d in range(1, 8)},
    date(2026, 10, 8): True,  # Thu
    date(2026, 10, 9): True,  # Fri
    date(2026, 10, 10): True,  # Sat, make-up
}

# The first year the package has no data for: counted Monday–Friday plus overrides.
FALLBACK_YEAR = max(chinese_calendar.holidays).year + 1


@pytest.fixture(autouse=True, scope="module")
def _facts_hold():
    wrong = {d: w for d, w in FACTS.items() if chinese_calendar.is_workday(d) != w}
    assert not wrong, f"chinese_calendar disagrees with the test's premises: {wrong}"
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(FALLBACK_YEAR, 1, 1))


def at(y, m, d, hh=10, mm=0, tz=SH):
    return datetime(y, m, d, hh, mm, tzinfo=tz)


def end_of(y, m, d):
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=SH)


def first_weekday(year, month, weekday):
    day = date(year, month, 1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


# --- the calendar ---------------------------------------------------------------------


def test_table_matches_package_every_day():
    day = date(2024, 1, 1)
    while day <= date(FALLBACK_YEAR - 1, 12, 31):
        assert CAL.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_years_without_package_data_count_monday_to_friday():
    for year in (2003, FALLBACK_YEAR, FALLBACK_YEAR + 5, 2200):
        start = date(year, 3, 1)
        for i in range(21):
            day = start + timedelta(days=i)
            assert CAL.is_working_day(day) == (day.weekday() < 5)


def test_next_working_day():
    assert CAL.next_working_day(date(2025, 9, 30)) == date(2025, 10, 9)
    assert CAL.next_working_day(date(2025, 9, 26)) == date(2025, 9, 28)  # make-up Sunday
    assert CAL.next_working_day(date(2025, 10, 9)) == date(2025, 10, 10)  # strictly after
    friday = first_weekday(FALLBACK_YEAR, 1, 4)
    assert CAL.next_working_day(friday) == friday + timedelta(days=3)


def test_overrides_win_over_the_package():
    cal = Calendar(overrides={date(2025, 10, 3): True, date(2025, 10, 9): False})
    assert cal.is_working_day(date(2025, 10, 3))
    assert not cal.is_working_day(date(2025, 10, 9))
    assert cal.next_working_day(date(2025, 10, 3)) == date(2025, 10, 10)


def test_overrides_are_copied():
    mine = {date(2025, 10, 9): False}
    cal = Calendar(overrides=mine)
    mine[date(2025, 10, 9)] = True
    assert not cal.is_working_day(date(2025, 10, 9))


def test_calendars_compare_and_hash():
    assert Calendar() == Calendar(overrides={})
    assert Calendar(overrides={date(2025, 1, 2): False}) != Calendar()
    assert hash(Calendar()) == hash(Calendar(overrides={}))


def test_calendar_pickles():
    cal = Calendar(overrides={date(2025, 10, 9): False}, hours=Calendar.parse_hours("09:00-17:00"))
    cal.is_working_day(date(2025, 10, 9))  # fills the cached table
    copy = pickle.loads(pickle.dumps(cal))  # noqa: S301 (our own bytes)
    assert copy == cal and not copy.is_working_day(date(2025, 10, 9))


def test_parse_hours():
    assert Calendar.parse_hours("08:30-12:00,13:30-17:30") == workdays.DEFAULT_HOURS
    assert Calendar.parse_hours(" 9:00 - 17:00 ") == ((time(9), time(17)),)
    assert Calendar.parse_hours("00:00-24:00") == ((time(0), time.max),)
    # Adjacent periods do not overlap.
    assert len(Calendar.parse_hours("08:00-12:00,12:00-13:00")) == 2
    for text in ("08:30-12:00,13:30-17:30", "00:00-24:00", "09:05-11:55"):
        assert workdays.format_hours(Calendar.parse_hours(text)) == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "at least one"),
        ("8-12", "malformed"),
        ("08:30-12:00;13:30-17:30", "malformed"),
        ("08:30-12:00,", "malformed"),
        ("25:00-26:00", "malformed"),
        ("08:60-12:00", "malformed"),
        ("08:00-24:30", "malformed"),
        ("12:00-08:30", "ends before it starts"),
        ("08:30-08:30", "ends before it starts"),
        ("08:00-12:00,11:00-13:00", "overlaps"),
        ("13:30-17:30,08:30-12:00", "comes before"),
    ],
)
def test_parse_hours_refuses(text, words):
    with translation.override("en"), pytest.raises(ValueError, match=words):
        Calendar.parse_hours(text)


def test_calendar_refuses_bad_fields():
    with pytest.raises(ValueError):
        Calendar(overrides={datetime(2025, 1, 1, tzinfo=SH): True})
    with pytest.raises(ValueError):
        Calendar(overrides={date(2025, 1, 1): "yes"})
    with pytest.raises(ValueError):
        Calendar(hours=((time(13), time(12)),))
    with pytest.raises(ValueError):
        Calendar(hours=())
    with pytest.raises(ValueError):
        Calendar(tz="Asia/Shanghai")
    with pytest.raises(ValueError):
        CAL.is_working_day(datetime(2025, 1, 1, tzinfo=SH))


# --- calendar days --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # The starting day is not counted: one day from Monday ends on Tuesday.
        (at(2025, 9, 22), 1, end_of(2025, 9, 23)),
        # Last day 1 Oct is in the holiday: ends with the first working day after it.
        (at(2025, 9, 23), 8, end_of(2025, 10, 9)),
        (at(2025, 9, 16), 15, end_of(2025, 10, 9)),
        # Last day is the make-up Saturday 11 Oct: a working day, so it ends there.
        (at(2025, 9, 26), 15, end_of(2025, 10, 11)),
        # Last day is the make-up Sunday 28 Sep.
        (at(2025, 9, 26), 2, end_of(2025, 9, 28)),
        # An ordinary Saturday is a rest day: Monday.
        (at(2025, 10, 13), 5, end_of(2025, 10, 20)),
        # Days inside the holiday count; only the last day matters.
        (at(2025, 9, 30), 9, end_of(2025, 10, 9)),
        # Spring Festival 2026: 15 Feb is off → Tue 24 Feb; Sat 14 Feb is a make-up day.
        (at(2026, 2, 10), 5, end_of(2026, 2, 24)),
        (at(2026, 2, 13), 1, end_of(2026, 2, 14)),
        (at(2026, 2, 20), 8, end_of(2026, 2, 28)),
        # National Day 2026.
        (at(2026, 9, 30), 3, end_of(2026, 10, 8)),
        (at(2026, 9, 25), 15, end_of(2026, 10, 10)),
        # Zero days: the end of the starting day, even a holiday.
        (at(2025, 10, 3), 0, end_of(2025, 10, 3)),
    ],
)
def test_calendar_days(start, n, due):
    assert add(start, n, "calendar_days", CAL) == due


def test_day_boundaries_are_local():
    # 16:30 UTC on 30 Sep is 00:30 on 1 Oct in Shanghai: the starting day is 1 Oct.
    start = datetime(2025, 9, 30, 16, 30, tzinfo=UTC)
    assert add(start, 0, "calendar_days", CAL) == end_of(2025, 10, 1)
    assert add(start, 1, "working_days", CAL) == end_of(2025, 10, 9)
    assert add(start, 0, "calendar_days", CAL).tzinfo is SH


def test_end_of_day_belongs_to_the_last_day():
    due = add(at(2025, 9, 23), 8, "calendar_days", CAL)
    assert due.date() == date(2025, 10, 9)
    assert due + timedelta(microseconds=1) == datetime(2025, 10, 10, tzinfo=SH)


# --- working days ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (at(2025, 9, 22), 1, end_of(2025, 9, 23)),
        # The holiday is skipped.
        (at(2025, 9, 30), 1, end_of(2025, 10, 9)),
        # The make-up Sunday 28 Sep and Saturday 11 Oct count.
        (at(2025, 9, 26), 1, end_of(2025, 9, 28)),
        (at(2025, 9, 26), 2, end_of(2025, 9, 29)),
        (at(2025, 9, 30), 5, end_of(2025, 10, 14)),
        (at(2025, 9, 25), 7, end_of(2025, 10, 11)),
        # Starting inside the holiday.
        (at(2025, 10, 3), 1, end_of(2025, 10, 9)),
        # Spring Festival 2026.
        (at(2026, 2, 13), 1, end_of(2026, 2, 14)),
        (at(2026, 2, 13), 2, end_of(2026, 2, 24)),
        (at(2026, 2, 13), 5, end_of(2026, 2, 27)),
        (at(2026, 2, 13), 6, end_of(2026, 2, 28)),
        # National Day 2026 and its make-up Sunday 20 Sep.
        (at(2026, 9, 18), 1, end_of(2026, 9, 20)),
        (at(2026, 9, 30), 1, end_of(2026, 10, 8)),
        (at(2026, 9, 30), 3, end_of(2026, 10, 10)),
        (at(2025, 10, 3), 0, end_of(2025, 10, 3)),
    ],
)
def test_working_days(start, n, due):
    assert add(start, n, "working_days", CAL) == due


def test_long_working_day_spans_match_day_by_day_count():
    start = at(2003, 12, 1)  # before the package's data, across all of it, and beyond
    day, counted = start.date(), 0
    for n in (1, 20, 250, 2500, 6000, 8000):
        while counted < n:
            day += timedelta(days=1)
            counted += reference_is_working(CAL, day)
        assert add(start, n, "working_days", CAL) == end_of(day.year, day.month, day.day)


# --- working hours --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # Across the lunch break.
        (at(2025, 9, 23, 11), 2, at(2025, 9, 23, 14, 30)),
        # Used up exactly at the end of a period: that end, not the next period's start.
        (at(2025, 9, 23, 11), 1, at(2025, 9, 23, 12)),
        (at(2025, 9, 23, 16, 30), 1, at(2025, 9, 23, 17, 30)),
        (at(2025, 9, 23, 8, 30), 7.5, at(2025, 9, 23, 17, 30)),
        # Across an ordinary weekend.
        (at(2025, 9, 19, 16, 30), 2, at(2025, 9, 22, 9, 30)),
        # Across the holiday.
        (at(2025, 9, 30, 16, 30), 2, at(2025, 10, 9, 9, 30)),
        # Into the make-up Sunday.
        (at(2025, 9, 26, 17), 1, at(2025, 9, 28, 9)),
        # Before / after office hours, in the lunch break, on a rest day.
        (at(2025, 9, 23, 7), 1, at(2025, 9, 23, 9, 30)),
        (at(2025, 9, 23, 18), 1, at(2025, 9, 24, 9, 30)),
        (at(2025, 9, 23, 12, 30), 1, at(2025, 9, 23, 14, 30)),
        (at(2025, 9, 27, 10), 1, at(2025, 9, 28, 9, 30)),
        (at(2025, 10, 2, 10), 0.5, at(2025, 10, 9, 9)),
        # Spring Festival 2026: the make-up Saturday, then nine days off.
        (at(2026, 2, 13, 17), 1, at(2026, 2, 14, 9)),
        (at(2026, 2, 14, 17), 1, at(2026, 2, 24, 9)),
        # National Day 2026.
        (at(2026, 9, 30, 17), 1, at(2026, 10, 8, 9)),
        # Zero: the next working instant (the start itself when inside office hours).
        (at(2025, 9, 23, 10), 0, at(2025, 9, 23, 10)),
        (at(2025, 9, 23, 12), 0, at(2025, 9, 23, 13, 30)),
        (at(2025, 9, 30, 17, 30), 0, at(2025, 10, 9, 8, 30)),
    ],
)
def test_working_hours(start, hours, due):
    assert add(start, hours, "working_hours", CAL) == due


def test_working_seconds_between():
    assert working_seconds_between(at(2025, 9, 30, 17), at(2025, 10, 9, 9), CAL) == 3600
    assert working_seconds_between(at(2025, 9, 23, 11), at(2025, 9, 23, 14), CAL) == 5400
    assert working_seconds_between(at(2025, 9, 23, 14), at(2025, 9, 23, 11), CAL) == 0
    assert working_seconds_between(at(2025, 10, 1), at(2025, 10, 8, 23), CAL) == 0


def test_other_working_hours():
    cal = Calendar(hours=Calendar.parse_hours("09:00-17:00"))
    assert add(at(2025, 9, 23, 16), 2, "working_hours", cal) == at(2025, 9, 24, 10)
    round_the_clock = Calendar(hours=Calendar.parse_hours("00:00-24:00"))
    # Used up at midnight: 24:00 of Tuesday is Wednesday 00:00.
    assert add(at(2025, 9, 23, 22), 2, "working_hours", round_the_clock) == at(2025, 9, 24, 0)
    assert add(at(2025, 9, 30, 22), 3, "working_hours", round_the_clock) == at(2025, 10, 9, 1)


# --- clock hours ----------------------------------------------------------------------


def test_hours_are_elapsed_time_whatever_the_day():
    assert add(at(2025, 10, 1, 10), 30, "hours", CAL) == at(2025, 10, 2, 16)
    assert add(at(2025, 10, 1, 10), 0.25, "hours", CAL) == at(2025, 10, 1, 10, 15)
    due = add(datetime(2025, 10, 1, 2, tzinfo=UTC), 1, "hours", CAL)
    assert due == at(2025, 10, 1, 11) and due.tzinfo is SH


# --- overrides and years without package data -----------------------------------------


def test_local_holiday_changes_results():
    cal = Calendar(overrides={date(2025, 10, 9): False})  # e.g. a local day off
    assert add(at(2025, 9, 30), 1, "working_days", cal) == end_of(2025, 10, 10)
    assert add(at(2025, 9, 23), 8, "calendar_days", cal) == end_of(2025, 10, 10)
    assert add(at(2025, 9, 30, 17), 1, "working_hours", cal) == at(2025, 10, 10, 9)
    # An extra working day inside the holiday.
    cal = Calendar(overrides={date(2025, 10, 3): True})
    assert add(at(2025, 9, 30), 1, "working_days", cal) == end_of(2025, 10, 3)
    assert add(at(2025, 9, 23), 10, "calendar_days", cal) == end_of(2025, 10, 3)


def test_fallback_year_uses_monday_to_friday():
    friday = first_weekday(FALLBACK_YEAR, 1, 4)
    monday = friday + timedelta(days=3)
    start = datetime.combine(friday, time(10), SH)
    assert add(start, 1, "working_days", CAL).date() == monday
    assert add(start, 1, "calendar_days", CAL).date() == monday
    assert add(start, 5, "working_days", CAL).date() == friday + timedelta(days=7)


def test_next_year_announcement_as_overrides():
    friday = first_weekday(FALLBACK_YEAR, 1, 4)
    saturday, monday = friday + timedelta(days=1), friday + timedelta(days=3)
    # A make-up Saturday and a holiday Monday, as next year's announcement would add.
    cal = Calendar(overrides={saturday: True, monday: False})
    start = datetime.combine(friday, time(10), SH)
    assert add(start, 1, "working_days", cal).date() == saturday
    assert add(start, 2, "working_days", cal).date() == monday + timedelta(days=1)
    assert add(start, 1, "calendar_days", cal).date() == saturday
    assert add(start, 3, "calendar_days", cal).date() == monday + timedelta(days=1)
    end = datetime.combine(friday, time(17), SH)
    assert add(end, 1, "working_hours", cal) == datetime.combine(saturday, time(9), SH)


def test_counting_across_the_edge_of_the_package_data():
    start = at(FALLBACK_YEAR - 1, 12, 31)
    expected, day = [], start.date()
    while len(expected) < 30:
        day += timedelta(days=1)
        if reference_is_working(CAL, day):
            expected.append(day)
    assert add(start, 30, "working_days", CAL).date() == expected[-1]
    assert remaining(start, add(start, 30, "working_days", CAL), "working_days", CAL) == 30


# --- remaining and elapsed ------------------------------------------------------------


def test_remaining_and_elapsed_examples():
    start = at(2025, 9, 26)
    due = add(start, 5, "working_days", CAL)  # 28, 29, 30 Sep, 9, 10 Oct
    assert due == end_of(2025, 10, 10)
    assert remaining(at(2025, 9, 30), due, "working_days", CAL) == 2
    assert remaining(at(2025, 10, 5), due, "working_days", CAL) == 2
    assert remaining(due, due, "working_days", CAL) == 0
    assert remaining(due + timedelta(days=3), due, "working_days", CAL) == 0
    assert elapsed(start, at(2025, 10, 9), "working_days", CAL) == 4
    assert elapsed(start, at(2025, 10, 9), "calendar_days", CAL) == 13
    assert elapsed(at(2025, 9, 30, 17), at(2025, 10, 9, 9), "working_hours", CAL) == 1
    assert elapsed(at(2025, 9, 30, 17), at(2025, 10, 9, 9), "hours", CAL) == 8 * 24 + 16


def test_pause_and_resume_across_the_holiday():
    start = at(2025, 9, 26)
    due = add(start, 5, "working_days", CAL)
    left = remaining(at(2025, 9, 29, 15), due, "working_days", CAL)  # paused on Monday
    assert left == 3  # 30 Sep, 9 and 10 Oct
    resumed = add(at(2025, 10, 13, 9), left, "working_days", CAL)  # resumed a week later
    assert resumed == end_of(2025, 10, 16)


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((datetime(2025, 9, 30, 10), 1, "hours"), "timezone-aware"),
        ((datetime(2025, 9, 30, 10), 1, "working_days"), "timezone-aware"),
        ((date(2025, 9, 30), 1, "calendar_days"), "timezone-aware"),
        ((at(2025, 9, 30), -1, "working_days"), "must not be negative"),
        ((at(2025, 9, 30), -0.5, "hours"), "must not be negative"),
        ((at(2025, 9, 30), 1, "weeks"), "Unknown unit"),
        ((at(2025, 9, 30), 1.5, "working_days"), "whole number"),
        ((at(2025, 9, 30), math.nan, "hours"), "finite"),
        ((at(2025, 9, 30), math.inf, "working_hours"), "finite"),
        ((at(2025, 9, 30), "3", "calendar_days"), "finite number"),
        ((at(2025, 9, 30), True, "calendar_days"), "finite number"),
        ((at(2025, 9, 30), 10**9, "calendar_days"), "supported dates"),
        ((at(2025, 9, 30), 10**9, "working_days"), "supported dates"),
        ((at(2025, 9, 30), 1e12, "hours"), "supported dates"),
    ],
)
def test_bad_input_is_refused(args, words):
    with translation.override("en"), pytest.raises(ValueError, match=words):
        add(*args, CAL)


def test_bad_input_to_measures():
    with pytest.raises(ValueError):
        remaining(datetime(2025, 9, 30), at(2025, 10, 9), "working_days", CAL)
    with pytest.raises(ValueError):
        elapsed(at(2025, 9, 30), at(2025, 10, 9), "fortnights", CAL)
    with pytest.raises(ValueError):
        working_seconds_between(at(2025, 9, 30), datetime(2025, 10, 9), CAL)


def test_whole_floats_are_days():
    assert add(at(2025, 9, 30), 1.0, "working_days", CAL) == end_of(2025, 10, 9)


# --- properties -----------------------------------------------------------------------

CALENDARS = [
    CAL,
    Calendar(
        overrides={
            date(2025, 10, 9): False,
            date(2025, 10, 3): True,
            date(2026, 3, 2): False,
            date(FALLBACK_YEAR, 1, 9): True,
            date(FALLBACK_YEAR, 2, 1): False,
        }
    ),
    Calendar(hours=Calendar.parse_hours("09:00-12:00,13:00-15:00,16:00-18:30")),
    Calendar(hours=Calendar.parse_hours("00:00-24:00")),
]
DAY_UNITS = ["calendar_days", "working_days"]

calendars = st.sampled_from(CALENDARS)
boundary_times = st.sampled_from(
    [time(0), time(8, 30), time(12), time(13, 30), time(17, 30), time(23, 59, 59, 999999)]
)
any_start = st.one_of(
    st.datetimes(
        min_value=datetime(2024, 6, 1),
        max_value=datetime(FALLBACK_YEAR, 6, 30),
        timezones=st.sampled_from([SH, UTC]),
    ),
    # Period boundaries, where off-by-one mistakes live.
    st.builds(
        lambda day, t: datetime.combine(day, t, SH),
        st.dates(date(2025, 9, 20), date(2026, 10, 15)),
        boundary_times,
    ),
)
day_amounts = st.integers(min_value=0, max_value=400)
hour_amounts = st.one_of(
    st.floats(min_value=0, max_value=3000, allow_nan=False), st.integers(0, 3000)
)
gaps = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60))
modest = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def unit_and_amount(draw):
    unit = draw(st.sampled_from(workdays.UNITS))
    return unit, draw(day_amounts if unit in DAY_UNITS else hour_amounts)


@cache
def _package_says(day):
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def reference_is_working(cal, day):
    """The rule as stated, independent of the module's table."""
    if day in cal.overrides:
        return cal.overrides[day]
    return _package_says(day)


def reference_working_seconds(cal, a, b):
    """Working seconds in [a, b), one day at a time."""
    a, b = a.astimezone(cal.tz), b.astimezone(cal.tz)
    total, day = 0.0, a.date()
    while day <= b.date():
        if reference_is_working(cal, day):
            for s, e in cal.hours:
                lo = datetime.combine(day, s, cal.tz)
                hi = datetime.combine(day, e, cal.tz)
                if e == time.max:
                    hi = datetime.combine(day + timedelta(days=1), time(0), cal.tz)
                lo, hi = max(lo, a), min(hi, b)
                if hi > lo:
                    total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


@modest
@given(calendars, any_start, gaps, unit_and_amount())
def test_monotonic_in_start(cal, s1, gap, unit_amount):
    unit, amount = unit_amount
    assert add(s1, amount, unit, cal) <= add(s1 + gap, amount, unit, cal)


@modest
@given(calendars, any_start, st.sampled_from(workdays.UNITS), st.data())
def test_monotonic_in_amount(cal, start, unit, data):
    amounts = day_amounts if unit in DAY_UNITS else hour_amounts
    a, b = sorted([data.draw(amounts), data.draw(amounts)])
    due_a, due_b = add(start, a, unit, cal), add(start, b, unit, cal)
    assert start <= due_a <= due_b
    if b >= 1e-9:  # below half a microsecond an amount rounds to nothing
        assert due_b > start


@modest
@given(calendars, any_start, hour_amounts)
def test_working_hours_round_trip(cal, start, hours):
    due = add(start, hours, "working_hours", cal)
    assert abs(working_seconds_between(start, due, cal) - hours * 3600) <= 1e-6
    assert elapsed(start, due, "working_hours", cal) == pytest.approx(hours, abs=1e-9)
    if hours > 0:
        assert remaining(start, due, "working_hours", cal) == pytest.approx(hours, abs=1e-9)
        assert add(start, remaining(start, due, "working_hours", cal), "working_hours", cal) == due


@modest
@given(calendars, any_start, gaps)
def test_working_seconds_match_day_by_day_reference(cal, a, gap):
    b = a + gap
    assert working_seconds_between(a, b, cal) == pytest.approx(
        reference_working_seconds(cal, a, b), abs=1e-6
    )


@modest
@given(calendars, any_start, day_amounts)
def test_working_days_match_the_rule(cal, start, n):
    due = add(start, n, "working_days", cal)
    first = start.astimezone(cal.tz).date()
    assert due.time() == workdays.END_OF_DAY and due.tzinfo is cal.tz
    if n == 0:
        assert due.date() == first
        return
    assert reference_is_working(cal, due.date())
    days = (due.date() - first).days
    counted = sum(reference_is_working(cal, first + timedelta(days=i)) for i in range(1, days + 1))
    assert counted == n
    assert remaining(start, due, "working_days", cal) == n
    assert elapsed(start, due, "working_days", cal) == n


@modest
@given(calendars, any_start, day_amounts)
def test_calendar_days_match_the_rule(cal, start, n):
    due = add(start, n, "calendar_days", cal)
    last = start.astimezone(cal.tz).date() + timedelta(days=n)
    assert due.time() == workdays.END_OF_DAY
    if n == 0:
        assert due.date() == last
        return
    # The first working day on or after the nominal last day.
    assert reference_is_working(cal, due.date())
    day = last
    while day < due.date():
        assert not reference_is_working(cal, day)
        day += timedelta(days=1)


@modest
@given(calendars, any_start, unit_and_amount(), st.floats(0, 1))
def test_remaining_reaches_the_same_due(cal, start, unit_amount, fraction):
    """From any instant before the due one, adding what is left gives the same due instant
    (day units; working hours when the period is not empty; clock hours)."""
    unit, amount = unit_amount
    assume(amount > 0)
    due = add(start, amount, unit, cal)
    now = start + (due - start) * fraction
    assume(now < due)
    assert add(now, remaining(now, due, unit, cal), unit, cal) == due


@modest
@given(calendars, any_start, unit_and_amount(), gaps, gaps)
def test_pause_and_resume_never_shortens(cal, start, unit_amount, run, pause_length):
    unit, amount = unit_amount
    due = add(start, amount, unit, cal)
    pause = start + run
    resume = pause + pause_length
    left = remaining(pause, due, unit, cal)
    assert left >= 0
    assert add(resume, left, unit, cal) >= due
    if pause_length == timedelta(0) and pause < due and unit in DAY_UNITS:
        assert add(resume, left, unit, cal) == due


@modest
@given(
    calendars,
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.sampled_from(workdays.UNITS),
    st.one_of(st.integers(max_value=-1), st.floats(max_value=-1e-9, allow_nan=False)),
)
def test_bad_input_raises(cal, naive, unit, negative):
    with pytest.raises(ValueError):
        add(naive, 1, unit, cal)
    with pytest.raises(ValueError):
        add(naive.replace(tzinfo=SH), negative, unit, cal)
    with pytest.raises(ValueError):
        add(naive.replace(tzinfo=SH), 1, unit.upper(), cal)
