"""Starting, pausing, resuming, extending and stopping a case's clocks.

Deadline arithmetic is ``lib/workdays``; the limits come from the time-limit table
(``duties.routing.time_limit``) with the procedure's declared default as fallback. A
stopped clock's on-time verdict is written once, by a conditional update, and never
recomputed.
"""

from django.utils import timezone
from django.utils.translation import ngettext

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


def prepare(case, name: str, now) -> Clock:
    """The clock ``name`` of the case started at ``now``, not yet saved."""
    value, unit, basis = limit_for(case, name)
    return Clock(
        case=case,
        name=name,
        started_at=now,
        duration=value,
        unit=unit,
        legal_basis=basis[:300],
        due_at=workdays.add(now, value, unit, current_calendar()),
    )


def start(case, name: str, now) -> Clock:
    clock = prepare(case, name, now)
    clock.save()
    return clock


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
        if clock.overdue_at or clock.due_at <= clock.paused_at:
            due = clock.due_at  # it had run out before the pause: late stays late
        else:
            due = workdays.after_pause(clock.due_at, clock.paused_at, now, clock.unit, calendar)
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
    clock.extended_by += amount
    Clock.objects.filter(pk=clock.pk).update(
        due_at=clock.due_at,
        extensions=clock.extensions,
        extended_by=clock.extended_by,
        overdue_at=overdue_at,
    )
    return clock


def relimit(case, name: str, now) -> list[tuple[Clock, object]]:
    """Give the running clocks ``name`` the limit of the case's category as it is now
    (after a re-categorisation), counted from their start. Returns (clock, old due) for
    each clock moved.

    A clock keeps its limit when it was suspended or extended (its due instant is no
    longer its start plus its limit), when it was found overdue (late stays late), and
    when the new limit, counted from its start, has already run out: a re-categorisation
    never makes a step late by itself."""
    calendar = current_calendar()
    moved = []
    value, unit, basis = limit_for(case, name)
    for clock in _open(case, name):
        if clock.paused_at or clock.paused_seconds or clock.extensions or clock.overdue_at:
            continue
        if (clock.duration, clock.unit) == (value, unit):
            continue
        due = workdays.add(clock.started_at, value, unit, calendar)
        if due <= now:
            continue
        updated = Clock.objects.filter(
            pk=clock.pk, stopped_at__isnull=True, paused_at__isnull=True, overdue_at__isnull=True
        ).update(duration=value, unit=unit, legal_basis=basis[:300], due_at=due)
        if updated:
            moved.append((clock, clock.due_at))
    return moved


def next_deadlines(case_ids) -> dict[int, Clock]:
    """Each case's running deadline that falls due first (windows are not deadlines), for
    a page of cases: one query. Cases with none running are left out."""
    from shanzhi.cases.procedure import window_clocks

    found: dict[int, Clock] = {}
    running = (
        Clock.objects.running()
        .filter(case_id__in=list(case_ids))
        .exclude(name__in=window_clocks())
        .order_by("case_id", "due_at", "pk")
    )
    for clock in running:
        found.setdefault(clock.case_id, clock)
    return found


# The one rule for the traffic lights, on queues and case pages alike: red once the due
# instant has passed; yellow when less than YELLOW_SHARE of the clock's limit (with its
# approved extensions) is left, measured in the clock's own unit on the working-day
# calendar (working hours, working days or calendar days); green otherwise.
YELLOW_SHARE = 0.25


def light(clock, now=None, calendar=None) -> str:
    """The light of one clock: "red", "yellow" or "green" while it runs; "paused";
    "done" / "late" / "cancelled" once stopped; a window (e.g. the objection period)
    is "closed" when it has run out instead of red. "" for no clock at all (a case with
    no deadline running: ``light(next_deadlines(ids).get(case.pk))``)."""
    from shanzhi.cases.procedure import window_clocks

    if clock is None:
        return ""
    if clock.stopped_at is not None:
        if clock.on_time is None:
            return "cancelled"
        return "done" if clock.on_time else "late"
    if clock.paused_at is not None:
        return "paused"
    now = now or timezone.now()
    if now > clock.due_at:
        return "closed" if clock.name in window_clocks() else "red"
    left = time_left(clock, now, calendar)
    if left < YELLOW_SHARE * clock.limit:
        return "yellow"
    return "green"


def time_left(clock, now=None, calendar=None) -> int | float:
    """What is left of the clock's limit, in its unit (working hours, working days,
    calendar days, hours): frozen at what was left when paused; negative once overdue
    (how far past the due instant); day units do not count the current day."""
    if clock.paused_at is not None:
        return clock.remaining_at_pause or 0
    end = clock.stopped_at or now or timezone.now()
    return workdays.left(end, clock.due_at, clock.unit, calendar or current_calendar())


def amount_text(amount, unit: str) -> str:
    """``3`` working days → "3 working days" (in the reader's language); fractions of an
    hour to one decimal."""
    value = round(abs(amount), 1)
    shown = int(value) if value == int(value) else value
    n = shown if isinstance(shown, int) else 2  # a fraction reads as a plural
    if unit == workdays.WORKING_DAYS:
        text = ngettext("%(n)s working day", "%(n)s working days", n)
    elif unit == workdays.CALENDAR_DAYS:
        text = ngettext("%(n)s calendar day", "%(n)s calendar days", n)
    elif unit == workdays.WORKING_HOURS:
        text = ngettext("%(n)s working hour", "%(n)s working hours", n)
    else:
        text = ngettext("%(n)s hour", "%(n)s hours", n)
    return text % {"n": shown}
