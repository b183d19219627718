"""The working-day calendar and period arithmetic: when a time limit that starts at an
instant ends, how much of it is left at some moment, and how much of it was used.
Pure functions; no Django models.

Counting follows 民法典 Arts. 201–203 (DOMAIN §4):

- ``hours``: elapsed clock time, starting at the stated instant.
- ``working_hours``: only time inside the working periods of working days counts.
- ``calendar_days``: the starting day is not counted; the period ends at the end of day
  (start + amount); when that last day is a rest day it ends at the end of the first working
  day after the rest. A make-up working day (调休) is not a rest day.
- ``working_days``: the starting day is not counted; the period ends at the end of the
  amount-th working day after the start.

All instants are timezone-aware; day boundaries and working periods are wall-clock times in
the calendar's zone (Asia/Shanghai unless told otherwise). Results are in that zone.

Speed: a clock sweep calls :func:`add` ~100k times, so a calendar keeps one table of
working-day flags and the sorted ordinals of the working days over the years that carry
data (the package's announced years and any override). Counting inside the table is a
bisection; outside it every week has five working days and is counted by arithmetic.
"""

from __future__ import annotations

import math
import numbers
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache, cached_property
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils.translation import gettext_lazy as _

HOURS = "hours"
WORKING_HOURS = "working_hours"
CALENDAR_DAYS = "calendar_days"
WORKING_DAYS = "working_days"
# Same values as ``duties.models.Unit`` (lib may not import models).
UNITS = (HOURS, WORKING_HOURS, CALENDAR_DAYS, WORKING_DAYS)
UNIT_LABELS = {
    HOURS: _("hours"),
    WORKING_HOURS: _("working hours"),
    CALENDAR_DAYS: _("calendar days"),
    WORKING_DAYS: _("working days"),
}

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_HOURS = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))

# A period "ends at 24:00" of its last day (Art. 203). As an instant 24:00 is the next
# day's 00:00, which would show "due 10 Oct 00:00" for a limit that ends on 9 Oct and put
# the deadline on the wrong date in every date-based list and comparison; the last
# microsecond is the latest instant that still belongs to the last day.
END_OF_DAY = time(23, 59, 59, 999999)

_US_PER_SECOND = 1_000_000
_US_PER_HOUR = 3600 * _US_PER_SECOND
_US_PER_DAY = 24 * _US_PER_HOUR
_ONE_US = timedelta(microseconds=1)

MESSAGES = {
    "naive": _("%(what)s must be a timezone-aware datetime, got %(value)r."),
    "not_a_date": _("Expected a date (not a datetime), got %(value)r."),
    "unit": _("Unknown unit %(unit)r; expected one of: %(units)s."),
    "amount": _("The duration must be a finite number, got %(value)r."),
    "negative": _("The duration must not be negative, got %(value)s."),
    "whole_days": _("A period in %(unit)s must be a whole number of days, got %(value)s."),
    "range": _("The period runs past the end of the supported dates (year 9999)."),
    "hours_syntax": _(
        "Working hours %(value)r are malformed: write periods like "
        "“08:30-12:00,13:30-17:30” (24-hour clock, 24:00 allowed as an end)."
    ),
    "hours_empty": _("Working hours need at least one period."),
    "hours_backwards": _("Working period %(period)s ends before it starts."),
    "hours_unordered": _("Working period %(period)s comes before the period listed above it."),
    "hours_overlap": _("Working period %(period)s overlaps the period before it."),
    "overrides": _("Calendar overrides map dates to True/False, got %(key)r → %(value)r."),
    "tz": _("The calendar zone must be a tzinfo, got %(value)r."),
}


def _error(code: str, **params) -> ValueError:
    # Formatting a lazy string translates it now, in the language active at the raise.
    return ValueError(MESSAGES[code] % params if params else str(MESSAGES[code]))


# ---------------------------------------------------------------------------------------
# Mon–Fri arithmetic (ordinal 1 = Monday 0001-01-01), used outside the table


def _weekdays_through(ordinal: int) -> int:
    """How many Mondays–Fridays there are among ordinals 1..ordinal."""
    weeks, day = divmod(ordinal - 1, 7)
    return weeks * 5 + min(day, 4) + 1


def _nth_weekday(count: int) -> int:
    """The ordinal of the Monday–Friday day with ``_weekdays_through() == count``."""
    weeks, day = divmod(count - 1, 5)
    return weeks * 7 + day + 1


# ---------------------------------------------------------------------------------------
# The national calendar


@cache
def _national_year(year: int) -> bytes | None:
    """One working-day flag per day of ``year``, or None when the package has no data.

    Same rule as ``chinese_calendar.is_workday`` (an announced make-up day works, an
    announced holiday rests, otherwise Monday–Friday) read from the package's public tables:
    ``is_workday`` itself rescans the whole holiday table on every call (~50 µs a day, half
    a second for the package's 20-odd years)."""
    holidays, workdays = chinese_calendar.holidays, chinese_calendar.workdays
    if not holidays or not min(holidays).year <= year <= max(holidays).year:
        return None
    first = date(year, 1, 1).toordinal()
    days = (date(year, 12, 31).toordinal() - first) + 1
    flags = bytearray(days)
    for i in range(days):
        day = date.fromordinal(first + i)
        flags[i] = day in workdays or (day.weekday() < 5 and day not in holidays)
    return bytes(flags)


def _national_years() -> range:
    holidays = chinese_calendar.holidays
    if not holidays:
        return range(0)
    return range(min(holidays).year, max(holidays).year + 1)


class _Days:
    """Working days of a calendar: explicit flags on [lo, hi] (ordinals), Mon–Fri outside.

    ``count(o)`` is the number of working days among ordinals 1..o (an offset that cancels
    in every difference); ``nth(c)`` is the working day with ``count == c``."""

    __slots__ = ("below", "flags", "hi", "lo", "ords", "weekdays_hi")

    def __init__(self, lo: int, flags: bytearray):
        self.lo, self.hi, self.flags = lo, lo + len(flags) - 1, bytes(flags)
        self.ords = [lo + i for i, working in enumerate(flags) if working]
        self.below = _weekdays_through(lo - 1)
        self.weekdays_hi = _weekdays_through(self.hi)

    def is_working(self, o: int) -> bool:
        if self.lo <= o <= self.hi:
            return self.flags[o - self.lo] == 1
        return (o - 1) % 7 < 5

    def count(self, o: int) -> int:
        if o < self.lo:
            return _weekdays_through(o)
        if o <= self.hi:
            return self.below + bisect_right(self.ords, o)
        return self.below + len(self.ords) + _weekdays_through(o) - self.weekdays_hi

    def nth(self, c: int) -> int:
        if c <= self.below:
            return _nth_weekday(c)
        inside = c - self.below
        if inside <= len(self.ords):
            return self.ords[inside - 1]
        return _nth_weekday(inside - len(self.ords) + self.weekdays_hi)


# ---------------------------------------------------------------------------------------
# Working hours

_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _time_us(t: time) -> int:
    if t == time.max:  # how 24:00 is spelt in a ``time``
        return _US_PER_DAY
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US_PER_SECOND + t.microsecond


def _fmt_period(start: time, end: time) -> str:
    return f"{start:%H:%M}-{'24:00' if end == time.max else f'{end:%H:%M}'}"


def format_hours(hours: tuple[tuple[time, time], ...]) -> str:
    """The inverse of :meth:`Calendar.parse_hours`: ``"08:30-12:00,13:30-17:30"``."""
    return ",".join(_fmt_period(start, end) for start, end in hours)


def _check_hours(hours) -> tuple[tuple[time, time], ...]:
    try:
        periods = tuple((start, end) for start, end in hours)
    except (TypeError, ValueError):
        raise _error("hours_syntax", value=hours) from None
    if not periods:
        raise _error("hours_empty")
    previous = None
    for start, end in periods:
        if not (isinstance(start, time) and isinstance(end, time)) or start.tzinfo or end.tzinfo:
            raise _error("hours_syntax", value=hours)
        label = _fmt_period(start, end)
        if end <= start:
            raise _error("hours_backwards", period=label)
        if previous is not None:
            if start < previous[0]:
                raise _error("hours_unordered", period=label)
            if start < previous[1]:
                raise _error("hours_overlap", period=label)
        previous = (start, end)
    return periods


class _Periods:
    """The working periods of a day in microseconds since local midnight."""

    __slots__ = ("last_end", "per_day", "spans", "triples")

    def __init__(self, hours: tuple[tuple[time, time], ...]):
        self.spans = tuple((_time_us(s), _time_us(e)) for s, e in hours)
        triples, total = [], 0
        for s, e in self.spans:
            triples.append((s, e, total))
            total += e - s
        self.triples, self.per_day, self.last_end = tuple(triples), total, self.spans[-1][1]

    def used(self, x: int) -> int:
        """Working microseconds of a working day before time-of-day ``x``."""
        total = 0
        for s, e in self.spans:
            if x <= s:
                break
            total += (x if x < e else e) - s
        return total

    def at(self, r: int, *, late: bool) -> int:
        """Time of day when ``r`` working microseconds of the day are used, 0 ≤ r ≤ per_day.

        Where that is a period boundary, ``late=False`` picks the end of the period that
        used them up and ``late=True`` the start of the next one."""
        for s, e, c in self.triples:
            end = c + (e - s)
            if r < end or (r == end and not late):
                return s + (r - c)
        return self.last_end


# ---------------------------------------------------------------------------------------
# The calendar


@dataclass(frozen=True)
class Calendar:
    """Which days are working days and the working periods of a working day.

    ``overrides`` (date → is a working day) win over everything: next year's announcement
    before the package carries it, or local days. Years without package data and without
    overrides count Monday–Friday."""

    overrides: Mapping[date, bool] = field(default_factory=dict, hash=False)
    hours: tuple[tuple[time, time], ...] = DEFAULT_HOURS
    tz: tzinfo = SHANGHAI

    def __post_init__(self):
        clean = {}
        for day, working in dict(self.overrides).items():
            if isinstance(day, datetime) or not isinstance(day, date) or working not in (0, 1):
                raise _error("overrides", key=day, value=working)
            clean[day] = bool(working)
        # A private copy: the caller mutating its dict must not desynchronise the table.
        object.__setattr__(self, "overrides", MappingProxyType(clean))
        object.__setattr__(self, "hours", _check_hours(self.hours))
        if not isinstance(self.tz, tzinfo):
            raise _error("tz", value=self.tz)

    def __reduce__(self):
        # A mapping proxy does not pickle (task arguments, caches); rebuild from the fields.
        return (type(self), (dict(self.overrides), self.hours, self.tz))

    @staticmethod
    def parse_hours(text: str) -> tuple[tuple[time, time], ...]:
        """``"08:30-12:00,13:30-17:30"`` → ``((08:30, 12:00), (13:30, 17:30))``.

        ``24:00`` as an end is stored as ``time.max`` and counted as midnight."""
        if not isinstance(text, str) or not text.strip():
            raise _error("hours_empty")
        periods = []
        for part in text.split(","):
            match = _PERIOD_RE.match(part)
            if not match:
                raise _error("hours_syntax", value=text)
            h1, m1, h2, m2 = map(int, match.groups())
            if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
                raise _error("hours_syntax", value=text)
            end = time.max if h2 == 24 else time(h2, m2)
            periods.append((time(h1, m1), end))
        return _check_hours(periods)

    @cached_property
    def _days(self) -> _Days:
        years = list(_national_years())
        years += [d.year for d in self.overrides]
        if not years:
            return _Days(1, bytearray())
        first, last = min(years), max(years)
        lo = date(first, 1, 1).toordinal()
        flags = bytearray()
        for year in range(first, last + 1):
            national = _national_year(year)
            if national is None:
                start = date(year, 1, 1).toordinal()
                days = date(year, 12, 31).toordinal() - start + 1
                national = bytes((start + i - 1) % 7 < 5 for i in range(days))
            flags += national
        for day, working in self.overrides.items():
            flags[day.toordinal() - lo] = working
        return _Days(lo, flags)

    @cached_property
    def _periods(self) -> _Periods:
        return _Periods(self.hours)

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime) or not isinstance(day, date):
            # A datetime's own date is not the local date of the instant: refuse it.
            raise _error("not_a_date", value=day)
        return self._days.is_working(day.toordinal())

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        if isinstance(day, datetime) or not isinstance(day, date):
            raise _error("not_a_date", value=day)
        days = self._days
        return _from_ordinal(days.nth(days.count(day.toordinal()) + 1))

    # --- internals shared by the module functions ---

    def _local(self, moment: datetime, what: str) -> datetime:
        if not isinstance(moment, datetime) or _naive(moment):
            raise _error("naive", what=what, value=moment)
        return moment.astimezone(self.tz)

    def _position(self, local: datetime) -> int:
        """Working microseconds from the start of the count to ``local``."""
        days, periods = self._days, self._periods
        o = local.toordinal()
        position = days.count(o - 1) * periods.per_day
        if days.is_working(o):
            x = (
                (local.hour * 60 + local.minute) * 60 + local.second
            ) * _US_PER_SECOND + local.microsecond
            position += periods.used(x)
        return position

    def _instant(self, position: int, *, late: bool) -> datetime:
        """The first instant at ``position`` (or, ``late``, the first working one)."""
        periods = self._periods
        full, rest = divmod(position, periods.per_day)
        if rest == 0 and not late and full > 0:
            o, x = self._days.nth(full), periods.last_end
        else:
            o, x = self._days.nth(full + 1), periods.at(rest, late=late)
        day = _from_ordinal(o)
        if x >= _US_PER_DAY:
            day, x = _from_ordinal(o + 1), x - _US_PER_DAY
        seconds, micro = divmod(x, _US_PER_SECOND)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return datetime(day.year, day.month, day.day, hour, minute, second, micro, self.tz)

    def _end_of(self, o: int) -> datetime:
        day = _from_ordinal(o)
        return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, self.tz)


def _naive(moment: datetime) -> bool:
    zone = moment.tzinfo
    # ZoneInfo and fixed offsets always have an offset; ask only other tzinfo classes.
    return zone is None or (type(zone) not in _ZONE_TYPES and moment.utcoffset() is None)


_ZONE_TYPES = (ZoneInfo, timezone)


def _from_ordinal(o: int) -> date:
    try:
        return date.fromordinal(o)
    except (ValueError, OverflowError):
        raise _error("range") from None


# ---------------------------------------------------------------------------------------
# Periods


def _check_amount(amount, unit: str) -> int | float:
    if type(amount) is int and amount >= 0 and unit in UNITS:
        return amount  # the common case, checked cheaply: a sweep calls this 100k times
    if unit not in UNITS:
        raise _error("unit", unit=unit, units=", ".join(UNITS))
    if isinstance(amount, bool) or not isinstance(amount, numbers.Real):
        raise _error("amount", value=amount)
    if not math.isfinite(amount):
        raise _error("amount", value=amount)
    if amount < 0:
        raise _error("negative", value=amount)
    if unit in (CALENDAR_DAYS, WORKING_DAYS):
        if amount != int(amount):
            raise _error("whole_days", unit=UNIT_LABELS[unit], value=amount)
        return int(amount)
    return amount


def _hours_us(amount) -> int:
    # Integer microseconds: float hours would lose microseconds past ~2^53 µs, and the
    # pause/resume round trip (µs → hours → µs) must come back exactly.
    return round(amount * _US_PER_HOUR)


def add(start: datetime, amount: float | int, unit: str, cal: Calendar) -> datetime:
    """The due instant of a period of ``amount`` ``unit`` that starts at ``start``.

    Day units must be whole days. ``working_hours`` of 0 gives the first working instant at
    or after ``start``; a period used up exactly at the end of a working period ends there,
    not at the start of the next one."""
    amount = _check_amount(amount, unit)
    if unit == HOURS:
        if not isinstance(start, datetime) or _naive(start):
            raise _error("naive", what="start", value=start)
        # Elapsed time: add in a fixed offset (UTC), since adding to a datetime of a zone
        # with daylight saving would add wall-clock time.
        moment = start if type(start.tzinfo) is timezone else start.astimezone(UTC)
        try:
            return (moment + timedelta(microseconds=_hours_us(amount))).astimezone(cal.tz)
        except OverflowError:
            raise _error("range") from None
    local = cal._local(start, "start")
    if unit == WORKING_DAYS:
        o = local.toordinal()
        if amount:
            days = cal._days
            o = days.nth(days.count(o) + amount)
        return cal._end_of(o)
    if unit == CALENDAR_DAYS:
        o = local.toordinal()
        if amount:
            o += amount
            days = cal._days
            if not days.is_working(o):
                o = days.nth(days.count(o) + 1)
        return cal._end_of(o)
    delta = _hours_us(amount)
    position = cal._position(local)
    # With nothing to count, the period starts (and ends) at the next working instant.
    return cal._instant(position + delta, late=delta == 0)


def working_seconds_between(a: datetime, b: datetime, cal: Calendar) -> float:
    """Seconds of working time in [a, b); 0 when b <= a."""
    la, lb = cal._local(a, "a"), cal._local(b, "b")
    if lb <= la:
        return 0.0
    return (cal._position(lb) - cal._position(la)) / _US_PER_SECOND


def _measure(a: datetime, b: datetime, unit: str, cal: Calendar) -> int | float:
    if unit not in UNITS:
        raise _error("unit", unit=unit, units=", ".join(UNITS))
    la, lb = cal._local(a, "start"), cal._local(b, "end")
    if lb <= la:
        return 0
    if unit == HOURS:
        # Through UTC: subtracting two datetimes of one zone would give wall-clock time.
        return ((lb.astimezone(UTC) - la.astimezone(UTC)) // _ONE_US) / _US_PER_HOUR
    if unit == WORKING_HOURS:
        return (cal._position(lb) - cal._position(la)) / _US_PER_HOUR
    if unit == CALENDAR_DAYS:
        return lb.toordinal() - la.toordinal()
    return cal._days.count(lb.toordinal()) - cal._days.count(la.toordinal())


def remaining(at: datetime, due: datetime, unit: str, cal: Calendar) -> int | float:
    """How much of a period ending at ``due`` is left at ``at``, in ``unit`` (0 once due).

    For pausing a clock: keep this, and on resuming ``add(resume_at, left, unit, cal)``.
    Day units give whole days counted like :func:`add` (the day of ``at`` is not counted):
    working days in (at's date, due's date]; calendar days (due's date − at's date), so a
    rest-day extension of ``due`` is recomputed from the resumed count."""
    return _measure(at, due, unit, cal)


def after_pause(
    due: datetime, paused_at: datetime, resumed_at: datetime, unit: str, cal: Calendar
) -> datetime:
    """The due instant of a period that was paused (suspended, 中止/缓办) from
    ``paused_at`` to ``resumed_at``.

    Hour units: what was left at the pause counts again from the resumption. Day units:
    the due day moves by the days that lie wholly inside the pause (working days for
    working days, every day for calendar days). A pause that takes only part of a day
    moves nothing, so a short pause over midnight cannot buy a day, and a pause over a
    weekend moves a working-day period by no day at all."""
    if unit in (HOURS, WORKING_HOURS):
        return add(resumed_at, _measure(paused_at, due, unit, cal), unit, cal)
    a = cal._local(paused_at, "paused_at").toordinal()
    b = cal._local(resumed_at, "resumed_at").toordinal()
    if b - a < 2:
        return due
    if unit == WORKING_DAYS:
        inside = cal._days.count(b - 1) - cal._days.count(a)
    elif unit == CALENDAR_DAYS:
        inside = b - a - 1
    else:
        raise _error("unit", unit=unit, units=", ".join(UNITS))
    return add(due, inside, unit, cal) if inside else due


def elapsed(start: datetime, end: datetime, unit: str, cal: Calendar) -> int | float:
    """How much time from ``start`` to ``end`` counts in ``unit`` (for statistics): clock or
    working hours as floats, whole days (starting day not counted) for the day units."""
    return _measure(start, end, unit, cal)


def left(at: datetime, due: datetime, unit: str, cal: Calendar) -> int | float:
    """What is left at ``at`` of a period ending at ``due``, in ``unit``; negative once it
    has run out: how far past ``due`` ``at`` is, counted the same way.

    Day units count like :func:`remaining` (the day of ``at`` is not counted), so 0 means
    "due by the end of today" before ``due`` and "less than a whole day late" after it."""
    if cal._local(at, "at") <= cal._local(due, "due"):
        return _measure(at, due, unit, cal)
    return -_measure(due, at, unit, cal)
