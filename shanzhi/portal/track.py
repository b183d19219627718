"""Pages for following a case: the tracking page (case number + phone suffix, no sign-in
needed), its view of one case with the rating, and a signed-in resident's own cases."""

import math
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.cases.engine import TransitionConflict
from shanzhi.cases.models import Case, Follow
from shanzhi.cases.views import REQUESTER_EVENTS, REQUESTER_NOTES
from shanzhi.core.audit import action_label
from shanzhi.core.auth import client_ip
from shanzhi.core.models import AuditEvent
from shanzhi.lib import publicdata
from shanzhi.org.models import attach_ancestors
from shanzhi.portal.forms import RatingForm, TrackForm
from shanzhi.portal.public import synthetic_marker
from shanzhi.portal.tracking import (
    access_tracked_case,
    do_check_receipt,
    do_open_phone_link,
    do_rate_tracked_case,
    evaluation_step,
    grant,
    grant_seconds,
    phone_proof,
    tracker_account,
)

MY_CASES_PAGE_SIZE = 20
# The cases a resident follows ("me too"), newest first; they follow few at a time.
FOLLOWED_SHOWN = 50
# The answers that carry the body's reply to the requester.
REPLY_EVENTS = ("case.reply", "case.answer", "case.redirect")


@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")[:40]})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = do_check_receipt(data["number"], data["suffix"], address=client_ip(request))
        if result.case is not None:
            grant(request, result.case)
            return redirect("track_case", result.case.number)
        if result.wait:
            status = 429
            form.add_error(
                None,
                _(
                    "Too many unsuccessful attempts. To protect the requesters' privacy, "
                    "tracking is paused here: try again in %(minutes)d minutes, sign in, or "
                    "call the hotline."
                )
                % {"minutes": math.ceil(result.wait / 60)},
            )
        else:
            # The same answer for a wrong number and a wrong suffix: no oracle.
            form.add_error(
                None,
                _("No case matches this number and phone suffix. Check both and try again."),
            )
    return render(request, "portal/track_form.html", {"form": form}, status=status)


def _timeline(case):
    """The steps a requester sees, with the notes meant for them (the reply)."""
    procedure = case.procedure_def
    events = [
        e
        for e in AuditEvent.objects.for_object(case).order_by("seq")
        if e.action in REQUESTER_EVENTS
    ]
    for event in events:
        event.label = action_label(event.action)
        event.state_label = procedure.state_label(event.after.get("state", ""))
        event.shown_note = event.note if event.action in REQUESTER_NOTES else ""
    return events


@require_safe
def track_case(request, number):
    try:
        case = access_tracked_case(request, number)
    except PermissionDenied as exc:
        messages.info(request, str(exc))
        return redirect(reverse("track") + "?" + urlencode({"number": number[:40]}))
    events = _timeline(case)
    replies = [e for e in events if e.action in REPLY_EVENTS]
    if case.grid:
        attach_ancestors([case.grid])
    step = evaluation_step(case)
    return render(
        request,
        "portal/track_case.html",
        {
            "case": case,
            "title": publicdata.redact(case.title),
            "community": case.grid.community_unit if case.grid else None,
            "events": events,
            "reply": replies[-1] if replies else None,
            "rating_step": step,
            "may_rate": step is not None
            and (tracker_account(case) is not None or phone_proof(request, case) is not None),
            "rating_form": RatingForm(),
            "own_case": request.user.is_authenticated and case.requester_id == request.user.pk,
            "grant_minutes": grant_seconds() // 60,
            "synthetic": synthetic_marker() in case.description,
        },
    )


@require_safe
def track_link(request, token):
    """The link a text message brought to a caller's phone: opens their case's tracking
    page, where they may rate it as its requester (``cases.phone_link``)."""
    opened = do_open_phone_link(token)
    if opened is None:
        messages.error(
            request,
            _(
                "This link is not valid or has expired. Enter the case number and the last "
                "four digits of your phone number instead."
            ),
        )
        return redirect("track")
    case, proof = opened
    grant(request, case, proof)
    return redirect("track_case", case.number)


@require_POST
def track_rate(request, number):
    case = access_tracked_case(request, number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("track_case", number)
    try:
        do_rate_tracked_case(
            case,
            satisfaction=form.cleaned_data["satisfaction"],
            proof=phone_proof(request, case),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except (PermissionDenied, TransitionConflict) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you: your rating has been recorded."))
    return redirect("track_case", number)


@require_safe
@login_required
def my_cases(request):
    """The cases the signed-in person raised, newest first, each opening the case page with
    its full history; and the cases they follow instead of reporting them again."""
    cases = (
        Case.objects.filter(requester=request.user)
        .select_related("category")
        .only("number", "procedure", "state", "title", "created", "satisfaction", "category")
        .order_by("-created", "-pk")
    )
    page = Paginator(cases, MY_CASES_PAGE_SIZE).get_page(request.GET.get("page"))
    followed = (
        Follow.objects.filter(user=request.user)
        .select_related("case__category")
        .order_by("-created", "-pk")[:FOLLOWED_SHOWN]
    )
    return render(request, "portal/my_cases.html", {"page": page, "followed": followed})
