"""Pages of following a case ("me too", ``cases.follow``): follow one of the suggested
nearby cases from the report form, and stop following a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shanzhi.cases.access import access_case
from shanzhi.cases.follow import case_for_token, do_follow_case, do_unfollow_case


@require_POST
@login_required
def follow(request):
    try:
        case = case_for_token(request.POST.get("token", ""))
        do_follow_case(case, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect("case_report")
    messages.success(
        request,
        _(
            "You follow case %(number)s: you will be told of its steps and how it ends, "
            "and you find it among your cases."
        )
        % {"number": case.number},
    )
    return redirect("case_detail", case.number)


@require_POST
@login_required
def unfollow(request, number):
    case = access_case(request.user, number)
    if do_unfollow_case(case, actor=request.user):
        messages.success(request, _("You no longer follow case %(number)s.") % {"number": number})
    else:
        messages.info(request, _("You did not follow case %(number)s.") % {"number": number})
    return redirect("my_cases")
