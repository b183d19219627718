"""The hotline operator console (``/console/``): one screen for one call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from shanzhi.console.access import access_console
from shanzhi.console.actions import do_take_call
from shanzhi.console.calls import linkable_call
from shanzhi.console.forms import CallForm, ScreenPop
from shanzhi.console.queries import caller_cases, previous_answers, shift_figures
from shanzhi.duties.models import MatterCategory


def _page(request, form, status=200, pop_error=""):
    # A malformed id is reported once and not carried on: the next save goes through.
    call_id = "" if "call_id" in form.errors else (form["call_id"].value() or "")
    context = {
        "form": form,
        "shift": shift_figures(request.user),
        "call_id": call_id,
        "call": linkable_call(request.user, call_id) if call_id else None,
        "pop_error": pop_error,
    }
    return render(request, "console/console.html", context, status=status)


def _screen_pop(request):
    """The empty form, or the form the telephone system popped up for a call, with the
    caller's number filled in and the call's id carried along to the save."""
    pop = ScreenPop(request.GET)
    if not pop.is_valid():
        return CallForm(), _(
            "The call in the address is not valid (its id or number is malformed or too "
            "long); the case will not be linked to a call."
        )
    data = pop.cleaned_data
    return CallForm(initial={"requester_phone": data["caller"], "call_id": data["call"]}), ""


@require_http_methods(["GET", "POST"])
@login_required
def console(request):
    access_console(request.user)
    if request.method == "GET":
        form, pop_error = _screen_pop(request)
        return _page(request, form, pop_error=pop_error)
    form = CallForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        outcome = do_take_call(
            actor=request.user,
            action=data["do"],
            title=data["title"],
            description=data["description"],
            category=data["category"],
            address=data["address"],
            lon=data["lon"],
            lat=data["lat"],
            requester_phone=data["requester_phone"],
            requester_name=data["requester_name"],
            answer=data["answer"],
            opened_ms=data["opened_at"],
            call_id=data["call_id"],
        )
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            form.add_error(None, message)
        return _page(request, form, status=400)
    case = outcome.case
    if data["do"] == "answer":
        messages.success(
            request, _("Case %(number)s answered and closed.") % {"number": case.number}
        )
    elif outcome.dispatched:
        messages.success(
            request,
            _("Case %(number)s dispatched to %(body)s.")
            % {"number": case.number, "body": case.responsible_body},
        )
    else:
        messages.warning(
            request,
            _("Case %(number)s registered; no body is proposed, so it waits in the dispatch queue.")
            % {"number": case.number},
        )
    if outcome.call is not None:
        messages.info(
            request,
            _("Case %(number)s is linked to call %(call)s.")
            % {"number": case.number, "call": outcome.call.call_id},
        )
    elif outcome.call_missing:
        messages.warning(
            request,
            _(
                "Call %(call)s is not among the calls you answered (the telephone system "
                "has not reported it), so case %(number)s is not linked to it."
            )
            % {"call": data["call_id"], "number": case.number},
        )
    return redirect("console")


@require_safe
@login_required
def caller(request):
    """Fragment: the caller's earlier cases among those the operator may see."""
    access_console(request.user)
    phone = request.GET.get("requester_phone", "")[:20]
    return render(
        request,
        "console/caller.html",
        {"cases": caller_cases(request.user, phone), "phone": phone.strip()},
    )


@require_safe
@login_required
def answers(request):
    """Fragment: answers given before to consultations of the chosen category."""
    access_console(request.user)
    category = None
    raw = request.GET.get("category", "")
    if raw.isdigit():
        category = MatterCategory.objects.filter(pk=int(raw)).first()
    return render(
        request, "console/answers.html", {"answers": previous_answers(request.user, category)}
    )
