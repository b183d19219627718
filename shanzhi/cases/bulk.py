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

# Actions that need no input beyond an optional note, or whose input the case carries
# ("dispatch as proposed" uses the body the dispatch catalogue proposed).
BULK_ACTIONS = {"accept", "start", "close", "register", "verify", "dispatch_as_proposed"}
MAX_CASES = 100


@require_POST
@login_required
def bulk(request):
    action = request.POST.get("action", "")
    numbers = request.POST.getlist("case")[:MAX_CASES]
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if action not in BULK_ACTIONS or not numbers:
        messages.error(request, _("Choose cases and an action."))
        return redirect(back or "case_queue")
    done, failed = 0, []
    cases = Case.objects.visible_to(request.user).filter(number__in=numbers).distinct()
    for case in cases.select_related("category", "routed_body", "responsible_body__region"):
        try:
            if action == "dispatch_as_proposed":
                if case.routed_body is None:
                    raise ValidationError(_("no proposed body"))
                do_transition(case, "dispatch", actor=request.user, body=case.routed_body)
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
