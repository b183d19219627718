"""Pages of legal review: the list of requests, a request with its draft, diff and
opinion form, asking for a review, the instruments, and the printable opinion
(法制审核意见书). Thin: parse → access → action → respond."""

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.cases import clocks as clock_ops
from shanzhi.cases.engine import TransitionConflict
from shanzhi.cases.models import Clock
from shanzhi.duties.calendar import current_calendar
from shanzhi.legal import access, actions, instruments
from shanzhi.legal.forms import (
    AssignForm,
    ConsultationForm,
    DraftForm,
    InstrumentForm,
    OpinionForm,
    QualificationForm,
    RequestForm,
)
from shanzhi.legal.gate import current_draft, latest_opinion, refusal
from shanzhi.legal.models import Draft, Opinion, ReviewRequest

TABS = ("mine", "waiting", "overdue", "all")


def form_errors(form, exc: ValidationError) -> None:
    """Put an action's errors on the form's fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _lights(rows, now) -> None:
    running = clock_ops.next_deadlines([r.case_id for r in rows])
    calendar = current_calendar()
    for row in rows:
        clock = running.get(row.case_id)
        row.light = clock_ops.light(clock, now, calendar) if clock else ""


@require_safe
@login_required
def request_list(request):
    """Review requests: mine to review, waiting for a reviewer, overdue, all visible."""
    now = timezone.now()
    tab = request.GET.get("tab", "")
    visible = access.visible_requests(request.user).select_related(
        "case", "draft", "reviewer", "body"
    )
    overdue_cases = Clock.objects.running().filter(name="review", due_at__lt=now).values("case_id")
    queries = {
        "mine": visible.open().filter(reviewer=request.user),
        "waiting": visible.waiting(),
        "overdue": visible.open().filter(case_id__in=overdue_cases),
        "all": visible,
    }
    if tab not in TABS:
        tab = "mine" if queries["mine"].exists() else "all"
    rows = list(queries[tab][:100])
    _lights(rows, now)
    return render(request, "legal/list.html", {"rows": rows, "tab": tab, "tabs": _tab_labels()})


def _tab_labels():
    return [
        ("mine", _("Mine to review")),
        ("waiting", _("Waiting for a reviewer")),
        ("overdue", _("Overdue")),
        ("all", _("All")),
    ]


def _diff(draft: Draft) -> list[tuple[str, str]]:
    previous = draft.previous()
    if previous is None:
        return []
    lines = difflib.unified_diff(
        previous.text.splitlines(),
        draft.text.splitlines(),
        fromfile=f"v{previous.version}",
        tofile=f"v{draft.version}",
        lineterm="",
    )
    kinds = {"+": "added", "-": "removed", "@": "hunk"}
    return [(kinds.get(line[:1], ""), line) for line in lines]


def _clock_rows(case, now):
    calendar = current_calendar()
    rows = list(case.clocks.all())
    for clock in rows:
        clock.light = clock_ops.light(clock, now, calendar)
        clock.left_text = _left(clock, now, calendar)
    return rows


def _left(clock, now, calendar) -> str:
    if clock.stopped_at is not None:
        return _("on time") if clock.on_time else _("late")
    amount = clock_ops.amount_text(clock_ops.time_left(clock, now, calendar), clock.unit)
    if now > clock.due_at:
        return _("overdue by %(time)s") % {"time": amount}
    return _("%(time)s left") % {"time": amount}


def _detail(request, review: ReviewRequest, *, assign_form=None, opinion_form=None, status=200):
    user, now = request.user, timezone.now()
    opinion = Opinion.objects.filter(request=review).first()
    open_ = opinion is None
    current = current_draft(case=review.draft.case, instrument=review.draft.instrument)
    context = {
        "review": review,
        "case": review.case,
        "draft": review.draft,
        "current": current,
        "diff": _diff(review.draft),
        "opinion": opinion,
        "clocks": _clock_rows(review.case, now),
        "history": ReviewRequest.objects.filter(draft__in=_siblings(review.draft))
        .select_related("case", "draft", "opinion")
        .order_by("-requested_at"),
    }
    if open_ and review.reviewer_id is None and access.may_assign(user, review):
        context["assign_form"] = assign_form or AssignForm(
            advisers=access.qualified_advisers(review.scope_path)
        )
    if open_ and review.reviewer_id == user.pk:
        context["opinion_form"] = opinion_form or OpinionForm()
    if open_ and review.confirms_id and access.may_review(user, review):
        context["confirm"] = review.confirms
    return render(request, "legal/detail.html", context, status=status)


def _siblings(draft: Draft):
    return Draft.objects.filter(case_id=draft.case_id, instrument_id=draft.instrument_id)


@require_safe
@login_required
def detail(request, number):
    return _detail(request, access.access_request(request.user, number))


@require_POST
@login_required
def assign(request, number):
    review = access.access_request(request.user, number)
    if not access.may_assign(request.user, review):
        raise PermissionDenied(
            _("Only a legal adviser or leader over this area gives out reviews.")
        )
    form = AssignForm(request.POST, advisers=access.qualified_advisers(review.scope_path))
    if form.is_valid():
        try:
            actions.do_assign_review(
                review, reviewer=form.cleaned_data["reviewer"], actor=request.user
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except TransitionConflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The request was given to the reviewer."))
            return redirect("legal:detail", review.case.number)
    return _detail(request, review, assign_form=form, status=400)


@require_POST
@login_required
def opinion(request, number):
    review = access.access_request(request.user, number)
    if review.reviewer_id != request.user.pk:
        raise PermissionDenied(_("Only the reviewer this request was given to gives its opinion."))
    form = OpinionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_give_opinion(review, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        except TransitionConflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The opinion was given."))
            return redirect("legal:detail", review.case.number)
    return _detail(request, review, opinion_form=form, status=400)


@require_POST
@login_required
def confirm(request, number):
    review = access.access_request(request.user, number)
    try:
        actions.do_confirm_changes(review, actor=request.user)
    except (ValidationError, TransitionConflict) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, _("The changes were confirmed: this version passed."))
    return redirect("legal:detail", review.case.number)


@require_safe
@login_required
def opinion_document(request, number):
    """The printable legal review opinion (法制审核意见书)."""
    review = access.access_request(request.user, number)
    opinion = Opinion.objects.filter(request=review).select_related("reviewer").first()
    if opinion is None:
        raise Http404(_("This request has no opinion yet."))
    return render(
        request,
        "legal/opinion_document.html",
        {"review": review, "opinion": opinion, "draft": review.draft},
    )


def _draft_for(user, pk) -> Draft:
    draft = Draft.objects.select_related("instrument__body", "case").filter(pk=pk).first()
    if draft is None or not access.may_request(user, draft):
        raise Http404(_("No such draft in your area."))
    return draft


@require_http_methods(["GET", "POST"])
@login_required
def request_review(request, pk):
    """Ask for the legal review of the current version of a draft."""
    draft = _draft_for(request.user, pk)
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review = actions.do_request_review(
                    draft, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Legal review requested."))
                return redirect("legal:detail", review.case.number)
        status = 400
    return render(request, "legal/request.html", {"draft": draft, "form": form}, status=status)


# --- Instruments ----------------------------------------------------------------------


@require_safe
@login_required
def instrument_list(request):
    rows = access.visible_instruments(request.user).select_related("body")[:200]
    may_create = access.drafting_bodies(request.user).exists()
    return render(request, "legal/instruments.html", {"rows": rows, "may_create": may_create})


@require_http_methods(["GET", "POST"])
@login_required
def instrument_new(request):
    bodies = access.drafting_bodies(request.user)
    if not bodies.exists():
        raise PermissionDenied(_("You draft for no body."))
    form = InstrumentForm(request.POST or None, bodies=bodies)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                instrument = instruments.do_create_instrument(
                    actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The instrument was drafted."))
                return redirect("legal:instrument", instrument.pk)
        status = 400
    return render(request, "legal/instrument_new.html", {"form": form}, status=status)


def _instrument_page(request, instrument, *, draft_form=None, consultation_form=None, status=200):
    now = timezone.now()
    draft = current_draft(instrument=instrument)
    basis = instruments.ISSUE_BASES[instrument.kind]
    _draft, review_gap = refusal(instrument=instrument, basis=basis)
    may_draft = access.may_draft(request.user, instrument)
    context = {
        "instrument": instrument,
        "draft": draft,
        "opinion": latest_opinion(draft) if draft else None,
        "review_gap": review_gap,
        "issue_gap": instruments.issue_problem(instrument, now),
        "may_draft": may_draft and instrument.state != "issued",
        "requests": ReviewRequest.objects.filter(draft__instrument=instrument)
        .select_related("case", "draft", "opinion")
        .order_by("-requested_at"),
        "open_request": ReviewRequest.objects.open().filter(draft=draft).first() if draft else None,
    }
    if context["may_draft"]:
        context["draft_form"] = draft_form or DraftForm(
            initial={
                "title": draft.title if draft else instrument.title,
                "text": draft.text if draft else "",
            }
        )
        context["consultation_form"] = consultation_form or ConsultationForm(
            initial={
                "starts_on": instrument.consultation_starts,
                "ends_on": instrument.consultation_ends,
            }
        )
    return render(request, "legal/instrument.html", context, status=status)


@require_safe
@login_required
def instrument_detail(request, pk):
    return _instrument_page(request, access.access_instrument(request.user, pk))


@require_POST
@login_required
def instrument_draft(request, pk):
    instrument = access.access_instrument(request.user, pk, for_write=True)
    form = DraftForm(request.POST)
    if form.is_valid():
        try:
            draft = actions.do_save_draft(
                kind=instrument.kind, actor=request.user, instrument=instrument, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("Saved as version %(version)s.") % {"version": draft.version}
            )
            return redirect("legal:instrument", instrument.pk)
    return _instrument_page(request, instrument, draft_form=form, status=400)


@require_POST
@login_required
def instrument_consultation(request, pk):
    instrument = access.access_instrument(request.user, pk, for_write=True)
    form = ConsultationForm(request.POST)
    if form.is_valid():
        try:
            instruments.do_open_consultation(instrument, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The public consultation period was set."))
            return redirect("legal:instrument", instrument.pk)
    return _instrument_page(request, instrument, consultation_form=form, status=400)


@require_POST
@login_required
def instrument_issue(request, pk):
    instrument = access.access_instrument(request.user, pk, for_write=True)
    try:
        instruments.do_issue_instrument(instrument, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _instrument_page(request, instrument, status=400)
    messages.success(request, _("The instrument was issued."))
    return redirect("legal:instrument", instrument.pk)


# --- Reviewers' qualifications ---------------------------------------------------------


def _advisers_in_area(user):
    from shanzhi.core.models import User
    from shanzhi.core.roles import Role
    from shanzhi.org.models import Membership

    held = Membership.objects.active().filter(role=Role.LEGAL_ADVISER)
    if not access.everything(user):
        roots = access.leader_paths(user) + access.admin_paths(user) + access.adviser_paths(user)
        if not roots:
            raise PermissionDenied(
                _("The reviewers' qualifications are kept by leaders and administrators.")
            )
        held = held.filter(access.prefix_filter("region__path", roots))
    return (
        User.objects.filter(pk__in=held.values("user_id"))
        .select_related("legal_reviewer")
        .order_by("pk")
    )


def _reviewers_page(request, *, form=None, failed=None, status=200):
    advisers = list(_advisers_in_area(request.user))
    for adviser in advisers:
        adviser.may_record = actions.may_record_qualification(request.user, adviser)
        adviser.form = form if failed == adviser.pk else QualificationForm(prefix=f"q{adviser.pk}")
    return render(request, "legal/reviewers.html", {"advisers": advisers}, status=status)


@require_safe
@login_required
def reviewers(request):
    """The legal advisers of the area and their qualification records."""
    return _reviewers_page(request)


@require_POST
@login_required
def record_qualification(request, pk):
    adviser = _advisers_in_area(request.user).filter(pk=pk).first()
    if adviser is None:
        raise Http404(_("No such legal adviser in your area."))
    if not actions.may_record_qualification(request.user, adviser):
        raise PermissionDenied(
            _("Only a leader or administrator over the adviser's area records qualifications.")
        )
    form = QualificationForm(request.POST, prefix=f"q{adviser.pk}")
    if form.is_valid():
        try:
            actions.do_record_qualification(adviser, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The qualification was recorded."))
            return redirect("legal:reviewers")
    return _reviewers_page(request, form=form, failed=adviser.pk, status=400)


# --- The draft of a case's decision ----------------------------------------------------


def _case_for_draft(user, number):
    """An engine case whose decision ``user`` drafts (a handler, dispatcher or leader of
    it); 404 otherwise."""
    from shanzhi.cases.models import Case

    case = Case.objects.visible_to(user).filter(number=number).distinct().first()
    if (
        case is None
        # Only a case whose procedure has a step waiting on a check (the legal review
        # of its decision) has a draft decision.
        or not any(t.gates for t in case.procedure_def.transitions)
        or not access.may_request(user, Draft(case=case))
    ):
        raise Http404(_("No such draft in your area."))
    return case


@require_http_methods(["GET", "POST"])
@login_required
def case_draft(request, number):
    """The draft of a case's decision (e.g. a penalty decision that needs the legal
    review of Art. 58): its versions, its reviews, saving a new version, and the way to
    ask for review of the current one."""
    case = _case_for_draft(request.user, number)
    draft = current_draft(case=case)
    initial = {"title": draft.title if draft else _("Penalty decision (行政处罚决定书)")}
    if draft:
        initial["text"] = draft.text
    form = DraftForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = actions.do_save_draft(
                    kind="enforcement_decision",
                    actor=request.user,
                    case=case,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request, _("Saved as version %(version)s.") % {"version": saved.version}
                )
                return redirect("legal:case_draft", case.number)
        status = 400
    _draft, gap = refusal(case=case, basis="《行政处罚法》第五十八条")
    reviews = (
        ReviewRequest.objects.filter(draft__case=case)
        .select_related("case", "draft", "opinion")
        .order_by("-draft__version", "-pk")
    )
    asked = draft is not None and draft.requests.exists()
    return render(
        request,
        "legal/case_draft.html",
        {
            "case": case,
            "draft": draft,
            "form": form,
            "gap": gap,
            "reviews": reviews,
            "may_ask": draft is not None and not asked,
        },
        status=status,
    )
