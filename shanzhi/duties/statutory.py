"""Statutory time limits: the ceiling that a local time limit may never exceed.

Procedures register the limits the law itself sets for their clocks (the case engine for
service requests and grid events, the petition app for 信访工作条例 Arts. 22–36, …). A
jurisdiction may configure a *stricter* local limit in the time-limit table, never a looser
one: ``TimeLimit.clean`` calls ``check_not_looser``.

Units differ (working days against calendar days, hours against working hours), so the
two limits are compared by computing both due instants from every day of a reference year
on the current working-day calendar: the local limit must not end later from any start.
Any year with its holidays known serves; the last complete one is used.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# Starts are taken at this local time on every day of the reference year.
REFERENCE_START = time(9, 0)


@dataclass(frozen=True)
class StatutoryLimit:
    procedure: str
    clock: str
    value: int
    unit: str  # a duties.models.Unit value
    legal_basis: str

    def describe(self) -> str:
        from shanzhi.duties.models import Unit

        return f"{self.value} {Unit(self.unit).label}"


_registry: dict[tuple[str, str], StatutoryLimit] = {}


def register(procedure: str, clock: str, value: int, unit: str, legal_basis: str):
    """Declare the statutory limit of a clock; a later registration replaces an earlier."""
    from shanzhi.duties.models import Unit

    if unit not in Unit.values:
        raise ValueError(f"unknown unit {unit!r}")
    if value <= 0:
        raise ValueError("a statutory limit is longer than zero")
    limit = StatutoryLimit(procedure, clock, int(value), unit, legal_basis)
    _registry[(procedure, clock)] = limit
    return limit


def unregister(procedure: str, clock: str) -> StatutoryLimit | None:
    return _registry.pop((procedure, clock), None)


def get(procedure: str, clock: str) -> StatutoryLimit | None:
    return _registry.get((procedure, clock))


def registered() -> list[StatutoryLimit]:
    return sorted(_registry.values(), key=lambda limit: (limit.procedure, limit.clock))


@contextmanager
def registered_limit(
    procedure: str, clock: str, value: int, unit: str, legal_basis: str
) -> Iterator[StatutoryLimit]:
    """Register a limit for the duration of a block, then restore what was there (tests)."""
    previous = get(procedure, clock)
    try:
        yield register(procedure, clock, value, unit, legal_basis)
    finally:
        unregister(procedure, clock)
        if previous is not None:
            _registry[(procedure, clock)] = previous


def reference_starts(year: int | None = None) -> list[datetime]:
    """09:00 local time on every day of a year: by default the last complete one, whose
    holidays and make-up working days are all announced (so are those of the days after
    it that the limits run into)."""
    year = year or timezone.localdate().year - 1
    zone = timezone.get_default_timezone()
    day, starts = date(year, 1, 1), []
    while day.year == year:
        starts.append(datetime.combine(day, REFERENCE_START, tzinfo=zone))
        day += timedelta(days=1)
    return starts


def first_later_start(
    local_value: int, local_unit: str, statutory: StatutoryLimit, *, year: int | None = None
) -> tuple[datetime, datetime, datetime] | None:
    """The first reference start from which the local limit ends after the statutory one,
    as (start, local due, statutory due); ``None`` when the local limit is never later."""
    if local_unit == statutory.unit and local_value <= statutory.value:
        return None  # same unit, not longer: no need to consult the calendar
    from shanzhi.duties.calendar import current_calendar
    from shanzhi.lib.workdays import add

    calendar = current_calendar()
    for start in reference_starts(year):
        local_due = add(start, local_value, local_unit, calendar)
        statutory_due = add(start, statutory.value, statutory.unit, calendar)
        if local_due > statutory_due:
            return start, local_due, statutory_due
    return None


def check_not_looser(procedure: str, clock: str, value: int, unit: str) -> None:
    """Raise ValidationError when a local limit would end later than the statutory one."""
    statutory = get(procedure, clock)
    if statutory is None or not value or not unit:
        return
    found = first_later_start(value, unit, statutory)
    if found is None:
        return
    start, local_due, statutory_due = found
    raise ValidationError(
        _(
            "This limit is looser than the statutory limit of %(statutory)s (%(basis)s): "
            "a local limit may only be stricter. For example, from %(start)s it would end "
            "at %(local_due)s, after the statutory %(statutory_due)s."
        )
        % {
            "statutory": statutory.describe(),
            "basis": statutory.legal_basis,
            "start": _when(start),
            "local_due": _when(local_due),
            "statutory_due": _when(statutory_due),
        },
        code="looser_than_statutory",
    )


def _when(instant: datetime) -> str:
    return formats.date_format(timezone.localtime(instant), "Y-m-d H:i")
