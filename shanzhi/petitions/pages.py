"""What the petition pages show of a case: its time limits, its steps, the chain of
the petition and its reviews, and its documents. Read-only helpers for the views."""

from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.cases import clocks as clock_ops
from shanzhi.cases.models import Case
from shanzhi.core.audit import action_label
from shanzhi.core.models import AuditEvent
from shanzhi.duties.calendar import current_calendar
from shanzhi.petitions import procedures
from shanzhi.petitions.models import Document, Review

# The steps a petitioner sees with their note: what they are told.
PETITIONER_NOTES = {"case.not_accept", "case.separate", "case.route", "case.reply", "case.close"}
# Steps that are not a petitioner's business (internal checks and readings).
INTERNAL = {
    "case.object",
    "case.uphold_objection",
    "case.reject_objection",
    "case.request_extension",
    "case.reject_extension",
    "case.supervise",
    "case.answer_supervision",
    "case.refused",
    "case.reveal_requester",
    "petition.reveal",
    "petition.read_document",
    "petition.read_file",
    "petition.leader",
    "petition.reclassify",
    "petition.document",
}


def clock_rows(case, now=None) -> list:
    now = now or timezone.now()
    calendar = current_calendar()
    rows = list(case.clocks.all())
    for clock in rows:
        clock.light = clock_ops.light(clock, now, calendar)
        clock.left_text = _left(clock, now, calendar)
    return rows


def _left(clock, now, calendar) -> str:
    if clock.stopped_at is not None:
        if clock.on_time is None:
            return _("ended without a verdict")
        return _("on time") if clock.on_time else _("late")
    amount = clock_ops.amount_text(clock_ops.time_left(clock, now, calendar), clock.unit)
    if clock.paused_at is not None:
        return _("paused, %(time)s left") % {"time": amount}
    if clock.light == "closed":
        return _("closed")
    if now > clock.due_at:
        return _("overdue by %(time)s") % {"time": amount}
    return _("%(time)s left") % {"time": amount}


def chain(petition) -> list[Case]:
    """The petition's case and its review and re-review cases, in order."""
    reviews = Review.objects.filter(petition=petition).select_related("case").order_by("level")
    return [petition.case, *(r.case for r in reviews)]


def timeline(cases, *, petitioner: bool) -> list:
    """The steps of ``cases`` in order; a petitioner sees every step of the procedure
    (not the internal checks) and the notes meant for them."""
    events = []
    for case in cases:
        procedure = case.procedure_def
        for event in AuditEvent.objects.for_object(case).select_related("actor").order_by("seq"):
            if petitioner and event.action in INTERNAL:
                continue
            step = procedure.by_action.get(event.action.removeprefix("case."))
            event.label = step.label if step is not None else action_label(event.action)
            event.case_number = case.number
            event.state_label = procedure.state_label(event.after.get("state", ""))
            if petitioner:
                event.note = event.note if event.action in PETITIONER_NOTES else ""
            events.append(event)
    events.sort(key=lambda e: e.seq)
    return events


def documents_of(cases) -> list[Document]:
    return list(Document.objects.filter(case__in=cases).select_related("case").order_by("pk"))


def is_petition_case(case) -> bool:
    return case.procedure in procedures.KEYS
