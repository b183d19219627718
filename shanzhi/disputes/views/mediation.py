"""Disputes in mediation: the list, registering one, a dispute's page with the steps the
user may take now, each step, and the agreement document to print and sign."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.cases import clocks as clock_ops
from shanzhi.cases.access import parties_of
from shanzhi.cases.engine import TransitionConflict
from shanzhi.cases.models import Case
from shanzhi.cases.procedure import Party
from shanzhi.disputes.access import DISPUTE_REGISTRARS, access_dispute, grids_for, handles
from shanzhi.disputes.actions import agreements, mediation
from shanzhi.disputes.forms import NoteForm
from shanzhi.disputes.forms_mediation import (
    AcceptForm,
    AgreementForm,
    ConcludeForm,
    ConfirmationForm,
    DisputeForm,
    EndForm,
    FollowUpForm,
    PeriodForm,
    SessionForm,
)
from shanzhi.disputes.models import AgreementKind, Committee, DisputeCategory
from shanzhi.disputes.procedure import PROCEDURE
from shanzhi.disputes.views.common import (
    add_errors,
    form_messages,
    require_staff_reader,
    tell_errors,
)
from shanzhi.duties.calendar import current_calendar

PAGE_SIZE = 50


@require_safe
@login_required
def dispute_list(request):
    require_staff_reader(request.user)
    cases = (
        Case.objects.visible_to(request.user)
        .filter(procedure=PROCEDURE.key, dispute__isnull=False)
        .select_related("dispute__committee", "dispute__grid")
        .distinct()
        .order_by("-created", "-pk")
    )
    state = request.GET.get("state", "")
    if state in PROCEDURE.by_state:
        cases = cases.filter(state=state)
    category = request.GET.get("category", "")
    if category in DisputeCategory.values:
        cases = cases.filter(dispute__category=category)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    now, calendar = timezone.now(), current_calendar()
    deadlines = clock_ops.next_deadlines([case.pk for case in page.object_list])
    for case in page.object_list:
        case.light = clock_ops.light(deadlines.get(case.pk), now, calendar)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "disputes/dispute_list.html",
        {
            "page": page,
            "states": [(s.key, s.label) for s in PROCEDURE.states],
            "categories": DisputeCategory.choices,
            "chosen": {"state": state, "category": category},
            "query": query.urlencode(),
            "may_register": grids_for(request.user, DISPUTE_REGISTRARS).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def dispute_new(request):
    form = DisputeForm(request.POST or None, user=request.user)
    if not form.fields["grid"].queryset.exists():
        raise PermissionDenied(_("You do not register disputes."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dispute = mediation.do_register_dispute(
                actor=request.user,
                grid=data["grid"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                scale=data["scale"],
                people_involved=data["people_involved"],
                parties=form.parties(),
                channel=data["channel"],
                address=data["address"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Dispute %(number)s registered.") % {"number": dispute.case.number}
            )
            return redirect("disputes:dispute", dispute.case.number)
    return render(
        request, "disputes/dispute_form.html", {"form": form}, status=400 if form.errors else 200
    )


def committees_for(case):
    """Active committees whose setting-up body serves the case's place."""
    parts = [p for p in case.scope_path.strip("/").split("/") if p]
    prefixes = ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]
    return Committee.objects.active().filter(path__in=prefixes).select_related("body")


def _clock_rows(case, now):
    calendar = current_calendar()
    rows = []
    for clock in case.clocks.all():
        clock.light = clock_ops.light(clock, now, calendar)
        if clock.stopped_at is None and clock.paused_at is None:
            clock.left = clock_ops.amount_text(
                clock_ops.time_left(clock, now, calendar), clock.unit
            )
        rows.append(clock)
    return rows


@require_safe
@login_required
def dispute_detail(request, number):
    case, dispute = access_dispute(request.user, number)
    now = timezone.now()
    parties = parties_of(request.user, case)
    handler = handles(request.user, case)
    agreement = getattr(dispute, "agreement", None)
    state = case.state
    steps = {
        "accept": state == "applied" and bool(parties & {Party.DISPATCHER, Party.COMMUNITY}),
        "mediate": state == "mediating" and handler,
        "follow_up": state == "agreed" and bool(parties & {Party.HANDLER, Party.COMMUNITY}),
        "confirmation": handler
        and agreement is not None
        and agreement.kind == AgreementKind.WRITTEN
        and agreement.effective_at is not None
        and agreement.confirmation_requested_on is None,
    }
    committees = committees_for(case)
    context = {
        "case": case,
        "dispute": dispute,
        "parties": dispute.parties.select_related("person"),
        "show_phones": bool(parties & {Party.DISPATCHER, Party.HANDLER, Party.SUPERVISOR}),
        "mediators": dispute.mediators.select_related("member"),
        "sessions": dispute.sessions.select_related("recorded_by"),
        "agreement": agreement,
        "clocks": _clock_rows(case, now),
        "steps": steps,
        "may_print": agreement is not None
        and agreement.kind == AgreementKind.WRITTEN
        and (handler or bool(parties & {Party.DISPATCHER, Party.SUPERVISOR})),
        "accept_form": AcceptForm(committees=committees) if steps["accept"] else None,
        "decline_form": NoteForm() if steps["accept"] else None,
        "session_form": SessionForm(initial={"held_at": timezone.localtime(now)}),
        "period_form": PeriodForm(),
        "agreement_form": AgreementForm(
            initial={
                "kind": agreement.kind,
                "facts": agreement.facts,
                "terms": agreement.terms,
                "performance": agreement.performance,
            }
            if agreement
            else None
        ),
        "conclude_form": ConcludeForm(initial={"at": timezone.localtime(now)}),
        "end_form": EndForm(),
        "follow_up_form": FollowUpForm(),
        "confirmation_form": ConfirmationForm(initial={"requested_on": timezone.localdate(now)}),
    }
    return render(request, "disputes/dispute_detail.html", context)


def _accept(dispute, user, data, committees):
    return mediation.do_accept_dispute(
        dispute,
        actor=user,
        committee=data["committee"],
        mediators=data["mediators"],
        lead=data["lead"],
        note=data["note"],
    )


STEPS = {
    "accept": (AcceptForm, _accept, _("Taken up for mediation.")),
    "decline": (
        NoteForm,
        lambda d, u, data, c: mediation.do_decline_dispute(d, actor=u, note=data["note"]),
        _("Recorded: not mediated."),
    ),
    "session": (
        SessionForm,
        lambda d, u, data, c: mediation.do_record_session(d, actor=u, **data),
        _("Session recorded."),
    ),
    "period": (
        PeriodForm,
        lambda d, u, data, c: mediation.do_agree_period(d, actor=u, **data),
        _("The agreed period is in force."),
    ),
    "agreement": (
        AgreementForm,
        lambda d, u, data, c: agreements.do_write_agreement(d, actor=u, **data),
        _("Agreement terms saved."),
    ),
    "conclude": (
        ConcludeForm,
        lambda d, u, data, c: agreements.do_conclude_agreement(d, actor=u, at=data["at"]),
        _("The agreement is in effect."),
    ),
    "end": (
        EndForm,
        lambda d, u, data, c: mediation.do_end_mediation(d, actor=u, **data),
        _("Mediation ended; the other remedy is recorded."),
    ),
    "follow-up": (
        FollowUpForm,
        lambda d, u, data, c: mediation.do_record_follow_up(d, actor=u, **data),
        _("Follow-up visit recorded."),
    ),
    "confirmation": (
        ConfirmationForm,
        lambda d, u, data, c: agreements.do_record_confirmation_request(d, actor=u, **data),
        _("Request for judicial confirmation recorded."),
    ),
}


@require_POST
@login_required
def dispute_step(request, number, step):
    if step not in STEPS:
        raise Http404(_("No such step."))
    case, dispute = access_dispute(request.user, number)
    form_class, run, done = STEPS[step]
    committees = committees_for(case)
    form = (
        form_class(request.POST, committees=committees)
        if form_class is AcceptForm
        else form_class(request.POST)
    )
    if not form.is_valid():
        form_messages(request, form)
        return redirect("disputes:dispute", number)
    try:
        run(dispute, request.user, form.cleaned_data, committees)
    except (ValidationError, PermissionDenied, TransitionConflict) as exc:
        tell_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("disputes:dispute", number)


@require_safe
@login_required
def agreement_document(request, number):
    """The written agreement (调解协议书) to print: the matters of Art. 29, and places for
    the signatures, fingerprints and the committee's seal."""
    case, dispute = access_dispute(request.user, number)
    parties = parties_of(request.user, case)
    if not (handles(request.user, case) or parties & {Party.DISPATCHER, Party.SUPERVISOR}):
        raise PermissionDenied(_("The mediating body prints the agreement."))
    agreement = getattr(dispute, "agreement", None)
    if agreement is None or agreement.kind != AgreementKind.WRITTEN:
        raise Http404(_("This dispute has no written agreement."))
    return render(
        request,
        "disputes/agreement_document.html",
        {
            "case": case,
            "dispute": dispute,
            "agreement": agreement,
            "parties": dispute.parties.all(),
            "mediators": dispute.mediators.select_related("member"),
            "committee": dispute.committee,
            "copies": len(dispute.parties.all()) + 1,
            # A legal document, written in the deployment's language whoever prints it.
            "document_language": settings.LANGUAGE_CODE,
        },
    )
