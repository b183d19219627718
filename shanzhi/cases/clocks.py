"""Starting, pausing, resuming, extending and stopping a case's clocks.

Deadline arithmetic is ``lib/workdays``; the limits come from the time-limit table
(``duties.routing.time_limit``) with the procedure's declared default as fallback. A
stopped clock's on-time verdict is written once, by a conditional update, and never
recomputed.
"""

from django.utils import timezone

from shanzhi.cases.models import Clock
from shanzhi.duties import routing
from shanzhi.duties.calendar import current_calendar
from shanzhi.lib import workdays


def limit_for(case, name: str) -> tuple[float, str, str]:
    spec = case.procedure_def.by_clock[name]
    row = routing.time_limit(case.procedure, name, case.category, case.urgency)
    if row is not None:
        return float(row.value), row.unit, row.legal_basis or spec.legal_basis
    return float(spec.value), spec.unit, spec.legal_basis


def start(case, name: str, now) -> Clock:
    value, unit, basis = limit_for(case, name)
    return Clock.objects.create(
        case=case,
        name=name,
        started_at=now,
        duration=value,
        unit=unit,
        legal_basis=basis[:300],
        due_at=workdays.add(now, value, unit, current_calendar()),
    )


def _open(case, name: str):
    return Clock.objects.filter(case=case, name=name, stopped_at__isnull=True)


def stop(case, name: str, now) -> None:
    for clock in _open(case, name):
        # Paused clocks stop with the verdict they had when paused.
        on_time = clock.paused_at is not None or now <= clock.due_at
        Clock.objects.filter(pk=clock.pk, stopped_at__isnull=True).update(
            stopped_at=now, on_time=on_time
        )


def pause(case, name: str, now) -> None:
    calendar = current_calendar()
    for clock in _open(case, name).filter(paused_at__isnull=True):
        left = workdays.remaining(now, clock.due_at, clock.unit, calendar)
        Clock.objects.filter(pk=clock.pk, paused_at__isnull=True).update(
            paused_at=now, remaining_at_pause=left
        )


def resume(case, name: str, now) -> None:
    calendar = current_calendar()
    for clock in _open(case, name).filter(paused_at__isnull=False):
        due = workdays.add(now, clock.remaining_at_pause or 0, clock.unit, calendar)
        Clock.objects.filter(pk=clock.pk, paused_at__isnull=False).update(
            paused_at=None,
            remaining_at_pause=None,
            due_at=due,
            paused_seconds=clock.paused_seconds + (now - clock.paused_at).total_seconds(),
            overdue_at=None,
        )


def extend(case, name: str, amount: float) -> Clock | None:
    """Push the running clock's due instant back by ``amount`` of its own unit."""
    clock = _open(case, name).first()
    if clock is None:
        return None
    clock.due_at = workdays.add(clock.due_at, amount, clock.unit, current_calendar())
    clock.extensions += 1
    clock.overdue_at = None
    Clock.objects.filter(pk=clock.pk).update(
        due_at=clock.due_at, extensions=clock.extensions, overdue_at=None
    )
    return clock


def light(clock, now=None) -> str:
    """Traffic light: red when overdue, yellow in the last quarter of the limit."""
    now = now or timezone.now()
    if clock.stopped_at is not None:
        return "done" if clock.on_time else "late"
    if clock.paused_at is not None:
        return "paused"
    if now > clock.due_at:
        return "red"
    total = (clock.due_at - clock.started_at).total_seconds()
    if total > 0 and (clock.due_at - now).total_seconds() < total / 4:
        return "yellow"
    return "green"
