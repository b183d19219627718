"""Show when a time limit ends, with the calendar this deployment uses (overrides
included), and why: for checking a deadline by hand against the law's counting rules."""

import math
from datetime import date, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from shanzhi.duties.calendar import current_calendar
from shanzhi.lib import workdays

# A rest-day list longer than this is cut: the line stays readable for long periods.
MAX_RANGES = 8


class Command(BaseCommand):
    help = (
        "Print the due instant of a time limit that starts at an instant, counted with the "
        "working-day calendar (national calendar plus local overrides)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--start",
            required=True,
            help="ISO 8601 instant, e.g. 2025-09-30T10:00+08:00; without an offset it is "
            "local time (Asia/Shanghai).",
        )
        parser.add_argument("--duration", required=True, help="How many units (≥ 0).")
        parser.add_argument("--unit", required=True, help=", ".join(workdays.UNITS))

    def handle(self, *args, start, duration, unit, **options):
        cal = current_calendar()
        if unit not in workdays.UNITS:
            raise CommandError(
                _("Unknown unit “%(unit)s”: use one of %(units)s.")
                % {"unit": unit, "units": ", ".join(workdays.UNITS)}
            )
        moment = _parse_instant(start, cal)
        amount = _parse_duration(duration)
        try:
            due = workdays.add(moment, amount, unit, cal)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Due: %(instant)s (%(weekday)s)")
            % {"instant": due.isoformat(), "weekday": WEEKDAYS[due.weekday()]}
        )
        self.stdout.write(_explain(moment.astimezone(cal.tz), amount, unit, due, cal))


def _parse_instant(text: str, cal: workdays.Calendar) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _(
                "“%(value)s” is not an ISO 8601 instant: write e.g. 2025-09-30T10:00 (local "
                "time) or 2025-09-30T02:00Z."
            )
            % {"value": text}
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=cal.tz)
    return moment


def _parse_duration(text: str) -> int | float:
    try:
        amount = float(text)
    except ValueError:
        amount = math.nan
    if not math.isfinite(amount):
        raise CommandError(_("“%(value)s” is not a number of units.") % {"value": text})
    if amount < 0:
        raise CommandError(_("The duration must not be negative, got %(value)s.") % {"value": text})
    return int(amount) if amount == int(amount) else amount


def _explain(start: datetime, amount, unit: str, due: datetime, cal: workdays.Calendar) -> str:
    first = start.date()
    if unit == workdays.HOURS:
        return _(
            "%(n)s clock hours from %(start)s, counted straight through nights, weekends and "
            "holidays."
        ) % {"n": amount, "start": start.isoformat()}
    if unit == workdays.WORKING_HOURS:
        hours = workdays.format_hours(cal.hours)
        return _(
            "%(n)s working hours counted only within %(hours)s on working days; rest days "
            "skipped: %(skipped)s; weekend days worked (调休 or override): %(worked)s."
        ) % {
            "n": amount,
            "hours": hours,
            "skipped": _ranges(_rest_days(cal, first, due.date())),
            "worked": _ranges(_weekend_working_days(cal, first, due.date())),
        }
    if amount == 0:
        return _("A period of 0 days ends at the end of its starting day, %(start)s.") % {
            "start": first
        }
    after = first + timedelta(days=1)
    if unit == workdays.WORKING_DAYS:
        return _(
            "The starting day %(start)s is not counted; %(due)s is working day %(n)s after it. "
            "Rest days skipped: %(skipped)s; weekend days worked (调休 or override): %(worked)s."
        ) % {
            "start": first,
            "due": due.date(),
            "n": amount,
            "skipped": _ranges(_rest_days(cal, after, due.date())),
            "worked": _ranges(_weekend_working_days(cal, after, due.date())),
        }
    last = first + timedelta(days=amount)
    if last == due.date():
        return _(
            "The starting day %(start)s is not counted; day %(n)s is %(last)s, not a rest day, "
            "so the period ends at the end of that day."
        ) % {"start": first, "n": amount, "last": last}
    return _(
        "The starting day %(start)s is not counted; day %(n)s, %(last)s, is a rest day, so "
        "the period ends at the end of the first working day after the rest, %(due)s (rest "
        "days skipped: %(skipped)s)."
    ) % {
        "start": first,
        "n": amount,
        "last": last,
        "due": due.date(),
        "skipped": _ranges(_rest_days(cal, last, due.date())),
    }


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _rest_days(cal, first: date, last: date) -> list[date]:
    return [d for d in _days(first, last) if not cal.is_working_day(d)]


def _weekend_working_days(cal, first: date, last: date) -> list[date]:
    return [d for d in _days(first, last) if d.weekday() >= 5 and cal.is_working_day(d)]


def _ranges(days: list[date]) -> str:
    """``[1 Oct … 8 Oct, 12 Oct]`` → ``2025-10-01–2025-10-08, 2025-10-12``."""
    if not days:
        return _("none")
    runs = [[days[0], days[0]]]
    for day in days[1:]:
        if day == runs[-1][1] + timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    text = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:MAX_RANGES]]
    if len(runs) > MAX_RANGES:
        text.append(_("and %(n)s more") % {"n": len(runs) - MAX_RANGES})
    return ", ".join(text)
