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


def _late(clock, now) -> bool:
    """Late once and for ever: past the due instant now, or found overdue before (by the
    sweep, or when it was paused or extended after running out)."""
    if clock.overdue_at is not None:
        return True
    if clock.paused_at is not None:
        return False  # it was not overdue when paused, or overdue_at would be set
    return now > clock.due_at


def stop(case, name: str, now) -> None:
    for clock in _open(case, name):
        Clock.objects.filter(pk=clock.pk, stopped_at__isnull=True).update(
            stopped_at=now, on_time=not _late(clock, now)
        )


def cancel(case, name: str, now) -> None:
    """End a clock without a verdict (the step will never happen: a merged duplicate)."""
    _open(case, name).update(stopped_at=now, on_time=None)


def window_open(case, name: str, now) -> bool:
    return _open(case, name).filter(paused_at__isnull=True, due_at__gte=now).exists()


def unit_of(case, name: str) -> str | None:
    clock = _open(case, name).first()
    return clock.unit if clock else None


def pause(case, name: str, now) -> None:
    calendar = current_calendar()
    for clock in _open(case, name).filter(paused_at__isnull=True):
        left = workdays.remaining(now, clock.due_at, clock.unit, calendar)
        Clock.objects.filter(pk=clock.pk, paused_at__isnull=True).update(
            paused_at=now,
            remaining_at_pause=left,
            # Paused after running out: it stays late whatever happens next.
            overdue_at=clock.overdue_at or (clock.due_at if now > clock.due_at else None),
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
        )


def extend(case, name: str, amount: float, now) -> Clock | None:
    """Push the running clock's due instant back by ``amount`` of its own unit. An
    extension granted after the limit ran out does not make the step on time."""
    clock = _open(case, name).first()
    if clock is None:
        return None
    overdue_at = clock.overdue_at or (clock.due_at if now > clock.due_at else None)
    clock.due_at = workdays.add(clock.due_at, amount, clock.unit, current_calendar())
    clock.extensions += 1
    Clock.objects.filter(pk=clock.pk).update(
        due_at=clock.due_at, extensions=clock.extensions, overdue_at=overdue_at
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
