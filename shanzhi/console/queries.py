"""Read-only figures and suggestions for the console, all from the audit log and the
operator's visible cases."""

from datetime import datetime, time

from django.utils import timezone

from shanzhi.cases.models import Case
from shanzhi.core.models import AuditEvent

ANSWER_SUGGESTIONS = 5
CALLER_CASES = 10


def shift_figures(user, now=None) -> dict:
    """Cases this operator registered today and their average handling time."""
    now = timezone.localtime(now or timezone.now())
    start = timezone.make_aware(datetime.combine(now.date(), time.min), now.tzinfo)
    today = AuditEvent.objects.filter(actor=user, created__gte=start, created__lte=now)
    registered = today.filter(action="case.create", object_type="cases.case").count()
    seconds = [
        e["seconds"]
        for e in today.filter(action="console.call").values_list("after", flat=True)
        if isinstance(e, dict) and isinstance(e.get("seconds"), int)
    ]
    average = round(sum(seconds) / len(seconds)) if seconds else None
    return {"registered": registered, "timed": len(seconds), "average_seconds": average}


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
