"""Pages for oversight of the handling bodies: the extension requests waiting for a
decision, the open supervision orders (issued, or to answer), and answering an order.
Views parse, check access, call the action, respond."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from shanzhi.cases import clocks, extensions
from shanzhi.cases.access import access_case
from shanzhi.cases.forms import AnswerSupervisionForm
from shanzhi.cases.supervision import do_answer_supervision, open_orders


@require_safe
@login_required
def extension_requests(request):
    """Requests for more time that the signed-in dispatcher or supervisor may decide."""
    rows = extensions.waiting_for(request.user)
    for row in rows:
        row.amount_text = clocks.amount_text(row.requested, row.unit)
    return render(request, "cases/extension_requests.html", {"requests": rows})


@require_safe
@login_required
def supervision_orders(request):
    """Open supervision orders: those the user issued, and those addressed to a body the
    user acts for; overdue ones are marked."""
    now = timezone.now()
    issued, to_answer = open_orders(request.user, now)
    for order in (*issued, *to_answer):
        order.state = order.status(now)
    return render(
        request,
        "cases/supervision_orders.html",
        {
            "issued": issued,
            "to_answer": to_answer,
            "overdue": sum(order.state == "overdue" for order in issued),
        },
    )


@require_POST
@login_required
def answer_supervision(request, number, pk):
    case = access_case(request.user, number)
    order = case.supervisions.select_related("case", "body", "issued_by").filter(pk=pk).first()
    if order is None:
        raise Http404(_("No such supervision order on this case."))
    form = AnswerSupervisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("case_detail", number)
    try:
        do_answer_supervision(order, actor=request.user, note=form.cleaned_data["note"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Supervision order answered."))
    return redirect("case_detail", number)
