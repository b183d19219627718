"""The hotline console's one state change: take a call. The case is registered and, in
the same transaction, either answered on the spot (a consultation) or dispatched to the
proposed body; the call's handling time is recorded as an audit event beside it. With
the telephone system's call id (a screen pop), the case is linked to that call and the
handling time runs from the moment the call was answered."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Case, Channel, RequestKind
from shanzhi.console.calls import do_link_call, linkable_call
from shanzhi.console.models import Call
from shanzhi.core import audit

# Longer than any telephone call: an older opening instant is a stale page, not a call.
MAX_HANDLING_SECONDS = 4 * 3600


@dataclass
class CallOutcome:
    case: Case
    dispatched: bool
    call: Call | None = None  # the telephone call the case was linked to
    call_missing: bool = False  # a call id was given, but no call of this operator has it


def _plausible(seconds: int) -> int | None:
    return seconds if 0 <= seconds <= MAX_HANDLING_SECONDS else None


def handling_seconds(opened_ms, now) -> int | None:
    """Seconds from the form's opening to now, or None when unknown or implausible."""
    if opened_ms is None:
        return None
    return _plausible(int(now.timestamp() - opened_ms / 1000))


def do_take_call(
    *,
    actor,
    action: str,
    title: str,
    description: str,
    category=None,
    address: str = "",
    lon: float | None = None,
    lat: float | None = None,
    requester_phone: str = "",
    requester_name: str = "",
    answer: str = "",
    opened_ms: int | None = None,
    call_id: str = "",
    now=None,
) -> CallOutcome:
    """``action`` is "answer" (consultation answered on the spot, closes the case) or
    "dispatch" (to the proposed body; left in the dispatch queue when none is proposed).
    ``call_id``: the telephone system's id of the call the operator answered; the case is
    linked to it when the operator did answer it, and registered all the same when not
    (``call_missing``): a caller is never kept waiting for the telephone system."""
    now = now or timezone.now()
    call = linkable_call(actor, call_id)
    kind = RequestKind.CONSULTATION if action == "answer" else ""
    intake = Intake(
        procedure="service_request",
        channel=Channel.PHONE,
        title=title,
        description=description,
        category=category,
        kind=kind,
        lon=lon,
        lat=lat,
        address=address,
        requester_name=requester_name,
        requester_phone=requester_phone,
    )
    dispatched = False
    with transaction.atomic():
        case = do_create_case(intake, actor=actor, now=now)
        if action == "answer":
            case = do_transition(case, "answer", actor=actor, note=answer, now=now)
        elif case.routed_body is not None:
            case = do_transition(case, "dispatch", actor=actor, body=case.routed_body, now=now)
            dispatched = True
        if call is not None:
            call = do_link_call(call, case, actor=actor, now=now)
            seconds = _plausible(int((now - call.answered_at).total_seconds()))
            measured = {"from": "answered", "call": call.call_id}
        else:
            seconds = handling_seconds(opened_ms, now)
            measured = {"from": "form"}
        if seconds is not None:
            audit.record(
                actor,
                "console.call",
                case,
                after={"seconds": seconds, **measured},
                scope_path=case.scope_path,
            )
    return CallOutcome(case, dispatched, call=call, call_missing=bool(call_id) and call is None)
