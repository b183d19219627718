"""Extension requests (延期申请): the handling body asks for more time on the clock a
procedure extends, with a reason and an amount; the dispatch centre or a supervisor
approves (at most the amount asked) or refuses, with a note.

The three steps are transitions of the procedure (``Transition.extension_step``), so the
engine checks who may take them and in which states, and writes their audit events;
this module keeps the request rows. At most one request of a case waits for a decision.
A waiting request lapses when the step it was asked for ends: when a transition stops,
restarts or cancels the clock it is for (a reply, a re-dispatch, rework, a merge).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from shanzhi.cases import clocks
from shanzhi.cases.access import not_implicated, parties_of
from shanzhi.cases.models import Case, ExtensionRequest, ExtensionStatus
from shanzhi.core.notify import notify
from shanzhi.core.roles import Role
from shanzhi.org.models import Level, Membership, Region

MAX_AMOUNT = 365  # as the message says


def pending(case) -> ExtensionRequest | None:
    return (
        ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.PENDING)
        .select_related("requested_by")
        .first()
    )


def check(case, transition, request: ExtensionRequest | None, amount) -> None:
    """Refuse a step that does not fit the case's request, or a wrong amount."""
    step = transition.extension_step
    if step == "request" and request is not None:
        raise ValidationError(
            _("An extension request is already waiting for a decision on this case.")
        )
    if step in ("approve", "reject") and request is None:
        raise ValidationError(_("There is no extension request waiting for a decision."))
    if step not in ("request", "approve"):
        return
    unit = clocks.unit_of(case, case.procedure_def.extended_clock)
    if unit is None:
        raise ValidationError(_("No time limit is running that could be extended."))
    if amount is None or not 0 < amount <= MAX_AMOUNT:
        raise ValidationError({"extension": _("Give a positive extension of at most 365.")})
    if unit in ("calendar_days", "working_days") and amount != int(amount):
        raise ValidationError({"extension": _("This limit runs in whole days.")})
    if step == "approve" and amount > request.requested:
        raise ValidationError(
            {
                "extension": _("At most the %(amount)s asked for can be granted.")
                % {"amount": clocks.amount_text(request.requested, request.unit)}
            }
        )


def apply(case, transition, request, amount, *, actor, note: str, now) -> dict:
    """Carry out the step; what the audit event records of it."""
    step = transition.extension_step
    name = case.procedure_def.extended_clock
    if step == "request":
        request = ExtensionRequest.objects.create(
            case=case,
            clock=name,
            unit=clocks.unit_of(case, name),
            requested=amount,
            reason=note,
            requested_by=actor,
            requested_at=now,
        )
        _tell(
            approvers(case),
            lambda: (
                _("Extension request on %(number)s: %(amount)s")
                % {"number": case.number, "amount": clocks.amount_text(amount, request.unit)}
            ),
            note,
            case,
        )
        return {"extension_requested": amount}
    status = ExtensionStatus.APPROVED if step == "approve" else ExtensionStatus.REJECTED
    decided = ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionStatus.PENDING).update(
        status=status,
        granted=amount if step == "approve" else None,
        decided_by=actor,
        decided_at=now,
        decision_note=note,
    )
    if not decided:  # the case's version check makes this unreachable; never decide twice
        raise ValidationError(_("There is no extension request waiting for a decision."))
    if step == "approve":
        clocks.extend(case, request.clock, amount, now)

        def subject():
            return _("Extension granted on %(number)s: %(amount)s") % {
                "number": case.number,
                "amount": clocks.amount_text(amount, request.unit),
            }
    else:

        def subject():
            return _("Extension refused on %(number)s") % {"number": case.number}

    _tell([request.requested_by], subject, note, case)
    result = {"extension_requested": request.requested}
    if step == "approve":
        result["extension"] = amount
    return result


def lapse(case, transition, now) -> int:
    """A waiting request lapses when the transition ends the step it was asked for."""
    name = case.procedure_def.extended_clock
    if name not in (*transition.stops, *transition.starts, *transition.cancels):
        return 0
    return ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.LAPSED, decided_at=now
    )


def lapse_on_new_unit(case, now) -> int:
    """A waiting request lapses when its clock now counts in another unit (a
    re-categorisation gave it a new limit): the amount asked means something else."""
    request = pending(case)
    if request is None:
        return 0
    running = case.clocks.filter(
        name=case.procedure_def.extended_clock, stopped_at__isnull=True
    ).values_list("unit", flat=True)
    if request.unit in running:
        return 0
    return ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.LAPSED, decided_at=now
    )


def approvers(case) -> list:
    """Who decides: the dispatchers and leaders of the case's street (or of the district
    when it is not in a street)."""
    region = case.street or (
        Region.objects.active().filter(level=Level.DISTRICT).order_by("pk").first()
    )
    if region is None:
        return []
    return [
        m.user
        for m in Membership.objects.active()
        .filter(region=region, role__in=(Role.STREET_DISPATCHER, Role.LEADER))
        .select_related("user")
    ]


def waiting_for(user, limit: int = 200) -> list[ExtensionRequest]:
    """Requests waiting for a decision that ``user`` may take, oldest first."""
    visible = Case.objects.visible_to(user).values("pk")
    requests = (
        ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING)
        .filter(case__in=Subquery(visible))
        .select_related("case__responsible_body__region", "case__category", "requested_by")
        .order_by("requested_at", "pk")[:limit]
    )
    found = []
    for request in requests:
        approve = request.case.procedure_def.extension_transition("approve")
        if (
            approve is not None
            and request.case.state in approve.sources
            and parties_of(user, request.case) & set(approve.parties)
        ):
            found.append(request)
    return found


def _tell(users, subject, body: str, case) -> None:
    """Notify ``users`` (never anyone implicated with the body the case reports on);
    ``subject()`` is written in the deployment's language."""
    users = not_implicated(case, users)
    with translation.override(settings.LANGUAGE_CODE):
        notify(users, subject(), body, reverse("case_detail", args=[case.number]))
