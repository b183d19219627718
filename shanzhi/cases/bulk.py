"""Bulk actions on the work queue: the same transition on several cases at once, each
through the engine (its own checks, conditional update and audit event)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shanzhi.cases.engine import TransitionConflict, do_transition
from shanzhi.cases.models import Case
from shanzhi.cases.procedure import generic_procedures

MAX_CASES = 100
AS_PROPOSED = "_as_proposed"


def bulk_actions() -> dict[str, str]:
    """The bulk actions the procedures declare (``Transition.bulk``), key → label. A step
    that takes a body is offered "as proposed": to the body the dispatch catalogue
    proposed for each case."""
    actions = {}
    for procedure in generic_procedures():
        for t in procedure.transitions:
            if not t.bulk:
                continue
            if "body" in t.needs:
                actions.setdefault(
                    t.action + AS_PROPOSED,
                    _("%(action)s to the proposed body") % {"action": t.label},
                )
            else:
                actions.setdefault(t.action, str(t.label))
    return actions


@require_POST
@login_required
def bulk(request):
    action = request.POST.get("action", "")
    numbers = request.POST.getlist("case")[:MAX_CASES]
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if action not in bulk_actions() or not numbers:
        messages.error(request, _("Choose cases and an action."))
        return redirect(back or "case_queue")
    done, failed = 0, []
    cases = Case.objects.visible_to(request.user).filter(number__in=numbers).distinct()
    for case in cases.select_related("category", "routed_body", "responsible_body__region"):
        try:
            if action.endswith(AS_PROPOSED):
                if case.routed_body is None:
                    raise ValidationError(_("no proposed body"))
                do_transition(
                    case,
                    action.removesuffix(AS_PROPOSED),
                    actor=request.user,
                    body=case.routed_body,
                )
            else:
                do_transition(case, action, actor=request.user)
            done += 1
        except (ValidationError, PermissionDenied, TransitionConflict) as exc:
            failed.append(f"{case.number}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    missing = len(numbers) - done - len(failed)
    if done:
        messages.success(request, _("%(n)d cases done.") % {"n": done})
    for line in failed:
        messages.error(request, line)
    if missing:
        messages.error(request, _("%(n)d cases are not in your area.") % {"n": missing})
    return redirect(back or "case_queue")
