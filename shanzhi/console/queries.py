"""Read-only figures and suggestions for the console: the shift's figures from the
audit log and the telephone system's calls, and the operator's visible cases."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from shanzhi.cases.models import Case
from shanzhi.console.calls import CLOCK_SKEW
from shanzhi.console.models import ABANDONED, ANSWERED, RINGING, Call, answered_within
from shanzhi.core.models import AuditEvent
from shanzhi.lib import callstats
from shanzhi.org.access import scope_of

ANSWER_SUGGESTIONS = 5
CALLER_CASES = 10
THRESHOLD = callstats.ANSWER_THRESHOLD_SECONDS


def shift_starts() -> tuple[time, ...]:
    """The times of day the hotline's shifts start (``HOTLINE_SHIFT_STARTS``, e.g.
    "08:00,16:00,00:00"); one shift a day, from midnight, unless set."""
    return callstats.parse_shift_starts(getattr(settings, "HOTLINE_SHIFT_STARTS", "00:00"))


def _form_average(user, start, now) -> tuple[int, int, int | None]:
    """Cases this operator registered since ``start``, and the handling times the console
    recorded for them (``console.call``): their count and mean."""
    events = AuditEvent.objects.filter(actor=user, created__gte=start, created__lte=now)
    registered = events.filter(action="case.create", object_type="cases.case").count()
    seconds = [
        e["seconds"]
        for e in events.filter(action="console.call").values_list("after", flat=True)
        if isinstance(e, dict) and isinstance(e.get("seconds"), int)
    ]
    average = round(sum(seconds) / len(seconds)) if seconds else None
    return registered, len(seconds), average


def _hotline(user, start, now) -> callstats.HotlineFigures:
    """The calls offered since ``start`` to the lines serving the operator's area, counted
    in one query with the same conditions as the named sets of ``CallQuerySet``."""
    calls = Call.objects.serving(scope_of(user)).in_shift(start, now + CLOCK_SKEW)
    counts = calls.aggregate(
        offered=Count("pk"),
        answered=Count("pk", filter=ANSWERED),
        within=Count("pk", filter=answered_within(THRESHOLD)),
        abandoned=Count("pk", filter=ABANDONED),
        waiting=Count("pk", filter=RINGING & Q(offered_at__gt=now - timedelta(seconds=THRESHOLD))),
    )
    return callstats.HotlineFigures(**counts)


def shift_figures(user, now=None) -> dict:
    """The operator's figures for the running shift and the hotline's for today."""
    now = timezone.localtime(now or timezone.now())
    start = callstats.shift_start(now, shift_starts())
    midnight = timezone.make_aware(datetime.combine(now.date(), time.min), now.tzinfo)
    registered, timed, form_average = _form_average(user, start, now)
    mine = (
        Call.objects.filter(operator=user)
        .in_shift(start, now + CLOCK_SKEW)
        .only("offered_at", "answered_at", "ended_at", "case_saved_at")
    )
    operator = callstats.operator_figures((c.times() for c in mine), THRESHOLD)
    hotline = _hotline(user, midnight, now)
    if operator.handling_time is not None:
        average, source = round(operator.handling_time), "calls"
    else:
        average, source = form_average, ("form" if form_average is not None else None)
    return {
        "start": start,
        "threshold": THRESHOLD,
        "registered": registered,
        "timed": timed,
        "average_seconds": average,
        "average_source": source,
        "operator": operator,
        "speed_of_answer": (
            round(operator.speed_of_answer) if operator.speed_of_answer is not None else None
        ),
        "hotline": hotline,
        # Whether the telephone system has ever reported a call of these lines: without
        # it, the call figures cannot be known (no CTI connected).
        "telephony": hotline.offered > 0 or Call.objects.serving(scope_of(user)).exists(),
    }


def caller_cases(user, phone: str):
    phone = phone.strip()
    if len(phone) < 3:
        return Case.objects.none()
    return (
        Case.objects.visible_to(user)
        .filter(requester_phone=phone)
        .select_related("category")
        .order_by("-created")[:CALLER_CASES]
    )


def previous_answers(user, category) -> list[dict]:
    """The answers given on the spot before to consultations of this category, among the
    cases this operator may see: the console's knowledge base."""
    if category is None:
        return []
    cases = Case.objects.visible_to(user).filter(category=category, state="closed")
    ids = [str(pk) for pk in cases.order_by("-created").values_list("pk", flat=True)[:200]]
    events = (
        AuditEvent.objects.filter(object_type="cases.case", object_id__in=ids, action="case.answer")
        .exclude(note="")
        .order_by("-created")
    )
    seen, answers = set(), []
    for event in events:
        if event.note in seen:
            continue
        seen.add(event.note)
        answers.append({"note": event.note, "object_repr": event.object_repr})
        if len(answers) >= ANSWER_SUGGESTIONS:
            break
    return answers
