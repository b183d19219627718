"""The only code that changes telephone calls: the telephone system's events, and the
link from a call to the case the operator registered during it.

The telephone system may send an event twice (a retry after a timeout) or late (its
queue delivered out of order). ``do_record_call_event`` is idempotent and tolerates the
order: a call is created once, by its ``offered`` event; an event that says nothing new
changes nothing and writes no audit event; an instant only moves the way the facts allow
(the first offer and answer are kept, the last hang-up). What cannot be true — an answer
before the offer, a time in the future, an operator the platform does not know — is
refused with a message saying why, and nothing is stored.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from shanzhi.console.access import may_use_console, serves_area
from shanzhi.console.models import Call
from shanzhi.core import audit
from shanzhi.core.actions import diff

EVENTS = ("offered", "answered", "ended", "abandoned")
# How far ahead of the platform's clock an event may be stamped: the telephone system's
# clock and ours are not exactly in step.
CLOCK_SKEW = timedelta(seconds=60)
AUDITED = ("caller", "line", "offered_at", "answered_at", "ended_at", "operator_id", "case_id")


@dataclass
class CallEventOutcome:
    call: Call
    created: bool  # the event created the call
    changed: bool  # the event changed the call (False: a repeat, nothing stored)


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i:s")


def _snapshot(call: Call) -> dict:
    data = {name: getattr(call, name) for name in AUDITED}
    if data["caller"]:
        data["caller"] = Call.AUDIT_MASKED_FIELDS["caller"](data["caller"])
    return data


def find_operator(integration, username: str):
    """The console user the telephone system names as agent, serving its area; refused
    as unknown otherwise (no such active account, not a dispatcher, another area)."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    region = integration.unit_region
    if (
        user is None
        or not may_use_console(user)
        or not serves_area(user, region.path if region else "")
    ):
        raise ValidationError(
            {
                "agent": _(
                    "No operator %(agent)s here: name the operator by their username; they "
                    "must be a dispatcher of this telephone system's area."
                )
                % {"agent": username}
            }
        )
    return user


def _same_or_fill(call: Call, field: str, value: str, message: str) -> None:
    stored = getattr(call, field)
    if not value or value == stored:
        return
    if stored:
        raise ValidationError({field: message})
    setattr(call, field, value)


def _apply(call: Call, event: str, at, operator) -> None:
    """Change ``call`` (not saved) as ``event`` at ``at`` says, or refuse."""
    if event == "offered":
        call.offered_at = min(call.offered_at, at)
        return
    if at < call.offered_at:
        raise ValidationError(
            {
                "at": _(
                    "Call %(call)s was offered at %(offered)s: it cannot have been "
                    "answered or ended before that (%(at)s)."
                )
                % {"call": call.call_id, "offered": _when(call.offered_at), "at": _when(at)}
            }
        )
    if event == "answered":
        if call.ended_at is not None and at > call.ended_at:
            raise ValidationError(
                {
                    "at": _("Call %(call)s ended at %(ended)s, before this answer (%(at)s).")
                    % {"call": call.call_id, "ended": _when(call.ended_at), "at": _when(at)}
                }
            )
        if call.answered_at is not None and call.operator_id != operator.pk:
            raise ValidationError(
                {
                    "agent": _(
                        "Call %(call)s was answered by another operator; a transfer is not "
                        "recorded."
                    )
                    % {"call": call.call_id}
                }
            )
        if call.answered_at is None or at < call.answered_at:
            call.answered_at, call.operator = at, operator
        return
    # "ended", or "abandoned": ended without an answer.
    if event == "abandoned" and call.answered_at is not None:
        raise ValidationError(
            {
                "event": _("Call %(call)s was answered at %(answered)s: it was not abandoned.")
                % {"call": call.call_id, "answered": _when(call.answered_at)}
            }
        )
    if call.answered_at is not None and at < call.answered_at:
        raise ValidationError(
            {
                "at": _("Call %(call)s was answered at %(answered)s, after this hang-up (%(at)s).")
                % {"call": call.call_id, "answered": _when(call.answered_at), "at": _when(at)}
            }
        )
    if call.ended_at is None or at > call.ended_at:
        call.ended_at = at


def _locked(integration, call_id: str) -> Call | None:
    # Only the call's row is locked (the operator is read through a nullable join).
    return (
        Call.objects.select_for_update(of=("self",))
        .filter(integration=integration, call_id=call_id)
        .select_related("operator")
        .first()
    )


def do_record_call_event(
    integration,
    *,
    call_id: str,
    event: str,
    at,
    caller: str = "",
    line: str = "",
    agent: str = "",
    now=None,
) -> CallEventOutcome:
    """Record one event of the telephone system ``integration`` about its call
    ``call_id``: ``offered`` (entered the queue; creates the call), ``answered`` (by the
    operator named ``agent``), ``ended``, or ``abandoned`` (ended without an answer)."""
    now = now or timezone.now()
    if event not in EVENTS:
        raise ValidationError(
            {"event": _("Choose one of: %(values)s.") % {"values": ", ".join(EVENTS)}}
        )
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        raise ValidationError(
            {
                "at": _("%(at)s is in the future: check the telephone system's clock.")
                % {"at": _when(at)}
            }
        )
    operator = find_operator(integration, agent) if agent else None
    if event == "answered" and operator is None:
        raise ValidationError({"agent": _("Name the operator who answered (their username).")})
    region = integration.unit_region
    with transaction.atomic():
        call, created = _locked(integration, call_id), False
        if call is None:
            if event != "offered":
                raise ValidationError(
                    {
                        "call_id": _(
                            "Call %(call)s has not been offered: send its offered event first."
                        )
                        % {"call": call_id}
                    }
                )
            try:
                with transaction.atomic():
                    call = Call.objects.create(
                        integration=integration,
                        call_id=call_id,
                        caller=caller,
                        line=line,
                        offered_at=at,
                        scope_path=region.path if region else "",
                    )
                created = True
            except IntegrityError:  # the same offer, sent twice at the same moment
                call = _locked(integration, call_id)
                if call is None:
                    raise
        before = {} if created else _snapshot(call)
        if not created:
            _same_or_fill(
                call,
                "caller",
                caller,
                _("Call %(call)s came from another number.") % {"call": call_id},
            )
            _same_or_fill(
                call, "line", line, _("Call %(call)s came in on another line.") % {"call": call_id}
            )
            _apply(call, event, at, operator)
        old, new = diff(before, _snapshot(call))
        if not new:
            return CallEventOutcome(call, created=False, changed=False)
        if not created:
            call.save()
        audit.record(
            integration.user,
            f"call.{event}",
            call,
            before=old,
            after=new,
            scope_path=call.scope_path,
        )
    return CallEventOutcome(call, created=created, changed=True)


def linkable_call(actor, call_id: str) -> Call | None:
    """The call ``call_id`` that ``actor`` answered (the latest, should two telephone
    systems use the same id), or None."""
    if not call_id:
        return None
    return (
        Call.objects.filter(call_id=call_id, operator=actor)
        .select_related("operator")
        .order_by("-offered_at", "-pk")
        .first()
    )


def do_link_call(call: Call, case, *, actor, now=None) -> Call:
    """Record that ``actor`` saved ``case`` during ``call`` (run inside the console's
    transaction). The call keeps the first case registered during it; each save moves
    the end of the handling time."""
    now = now or timezone.now()
    if call.operator_id != actor.pk:
        raise ValidationError(_("This call was answered by another operator."))
    call = Call.objects.select_for_update().get(pk=call.pk)
    before = _snapshot(call)
    if call.case_id is None:
        call.case = case
    call.case_saved_at = now
    call.save(update_fields=["case", "case_saved_at", "updated"])
    old, new = diff(before, _snapshot(call))
    audit.record(
        actor,
        "call.link",
        call,
        before=old,
        after={**new, "case_saved_at": now, "registered": case.number},
        scope_path=call.scope_path,
    )
    return call
