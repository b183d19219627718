"""The deployment's calendar (national calendar + ``CalendarOverride`` rows + working
hours) and the ``clock_due`` command."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from shanzhi.duties import calendar
from shanzhi.duties.models import CalendarOverride
from shanzhi.lib.workdays import SHANGHAI, add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # The calendar is cached per process; tests write overrides and roll them back.
    calendar.forget()
    yield
    calendar.forget()


def clock_due(*args):
    out = StringIO()
    with translation.override("en"):
        call_command("clock_due", *args, stdout=out)
    return out.getvalue()


def test_overrides_from_the_table_take_effect_after_forget():
    start = datetime(2025, 9, 30, 10, tzinfo=SHANGHAI)
    cal = calendar.current_calendar()
    assert add(start, 1, "working_days", cal).date() == date(2025, 10, 9)

    CalendarOverride.objects.create(date=date(2025, 10, 9), is_working_day=False, name="区级调休")
    assert calendar.current_calendar() is cal  # cached until forgotten or stale
    calendar.forget()
    cal = calendar.current_calendar()
    assert not cal.is_working_day(date(2025, 10, 9))
    assert add(start, 1, "working_days", cal).date() == date(2025, 10, 10)


def test_next_year_announcement_as_overrides():
    # A year the package has no data for: an announced make-up Saturday and holiday Monday.
    first = date(max(chinese_calendar.holidays).year + 1, 1, 1)
    saturday = first + timedelta(days=(5 - first.weekday()) % 7)
    monday = saturday + timedelta(days=2)
    CalendarOverride.objects.bulk_create(
        [
            CalendarOverride(date=saturday, is_working_day=True, name="调休上班"),
            CalendarOverride(date=monday, is_working_day=False, name="假日"),
        ]
    )
    cal = calendar.current_calendar()
    assert cal.is_working_day(saturday)
    assert not cal.is_working_day(monday)


def test_stale_calendar_is_rebuilt(monkeypatch):
    cal = calendar.current_calendar()
    CalendarOverride.objects.create(date=date(2025, 10, 9), is_working_day=False, name="x")
    monkeypatch.setattr(calendar, "REFRESH_S", 0.0)
    assert calendar.current_calendar() is not cal
    assert not calendar.current_calendar().is_working_day(date(2025, 10, 9))


def test_working_hours_come_from_settings(settings):
    settings.WORKING_HOURS = "09:00-17:00"
    assert calendar.current_calendar().hours == ((time(9), time(17)),)


def test_clock_due_across_national_day():
    out = clock_due("--start", "2025-09-23T10:00", "--duration", "8", "--unit", "calendar_days")
    lines = out.splitlines()
    assert lines[0] == "Due: 2025-10-09T23:59:59.999999+08:00 (Thursday)"
    assert "2025-10-01, is a rest day" in lines[1]
    assert "2025-10-01–2025-10-08" in lines[1]
    assert len(lines) == 2


def test_clock_due_working_days_counts_the_make_up_saturday():
    out = clock_due("--start", "2025-09-30T10:00", "--duration", "3", "--unit", "working_days")
    lines = out.splitlines()
    assert lines[0] == "Due: 2025-10-11T23:59:59.999999+08:00 (Saturday)"
    assert "2025-10-01–2025-10-08" in lines[1]
    assert "2025-10-11" in lines[1].split("weekend days worked")[1]


def test_clock_due_with_an_offset_and_hours():
    out = clock_due("--start", "2025-09-30T08:30Z", "--duration", "2", "--unit", "working_hours")
    # 16:30 local: one hour on 30 Sep, one on 9 Oct.
    assert out.splitlines()[0] == "Due: 2025-10-09T09:30:00+08:00 (Thursday)"
    out = clock_due("--start", "2025-10-01T10:00", "--duration", "1.5", "--unit", "hours")
    assert out.splitlines()[0] == "Due: 2025-10-01T11:30:00+08:00 (Wednesday)"


def test_clock_due_uses_the_overrides():
    CalendarOverride.objects.create(date=date(2025, 10, 9), is_working_day=False, name="x")
    out = clock_due("--start", "2025-09-30T10:00", "--duration", "1", "--unit", "working_days")
    assert out.splitlines()[0] == "Due: 2025-10-10T23:59:59.999999+08:00 (Friday)"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--start", "30/09/2025", "--duration", "1", "--unit", "hours"), "not an ISO 8601"),
        (("--start", "2025-09-30", "--duration", "-1", "--unit", "hours"), "must not be negative"),
        (("--start", "2025-09-30", "--duration", "x", "--unit", "hours"), "not a number"),
        (("--start", "2025-09-30", "--duration", "1", "--unit", "weeks"), "Unknown unit"),
        (("--start", "2025-09-30", "--duration", "1.5", "--unit", "working_days"), "whole"),
    ],
)
def test_clock_due_refuses_bad_input(args, words):
    with pytest.raises(CommandError, match=words):
        clock_due(*args)
