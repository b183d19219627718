"""The petitioner's pages (信访工作条例 Art. 21: online, letter, visit and phone petitions
flow online, and the petitioner checks and evaluates their handling): a signed-in
resident submits a petition online, sees each of their petitions with every step, its
documents, rates the handling and asks for a review or re-review in time."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.cases.engine import TransitionConflict, allowed_transitions
from shanzhi.duties.calendar import current_calendar
from shanzhi.petitions import access, actions, pages, periods, procedures
from shanzhi.petitions.forms import EvaluationForm, PetitionForm, ReviewRequestForm
from shanzhi.petitions.identity import Petitioner
from shanzhi.petitions.models import FileKind, Petition, PetitionChannel, Review, ReviewLevel
from shanzhi.petitions.steps import do_take_step
from shanzhi.petitions.views import form_errors

PAGE_SIZE = 20


def _own(user, number):
    """The petitioner's own petition, review or re-review."""
    case = access.access_petition(user, number)
    if not access.is_petitioner(user, case):
        raise Http404(access.NOT_FOUND)
    return case


@require_safe
@login_required
def mine(request):
    petitions = (
        Petition.objects.filter(case__requester=request.user)
        .select_related("case")
        .order_by("-received_at", "-pk")
    )
    page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "petitions/mine.html", {"page": page})


def _review_window(case, level):
    """(may ask now, last day) for a review of ``case`` at ``level``, or (False, None)."""
    if case.state not in actions.ANSWERED or Review.objects.filter(review_of=case).exists():
        return False, None
    if level > ReviewLevel.REREVIEW:
        return False, None
    answered = actions.answered_at(case)
    if answered is None:
        return False, None
    ends = periods.request_deadline(answered, current_calendar())
    return timezone.now() <= ends, ends


@require_safe
@login_required
def mine_detail(request, number):
    case = _own(request.user, number)
    petition = case.root
    cases = pages.chain(petition)
    last = cases[-1]
    level = len(cases)  # the next review's level: 1 after the petition, 2 after a review
    may_ask, ends = _review_window(last, level)
    rating = next(
        (
            t
            for t in allowed_transitions(request.user, last, owner=procedures.OWNER)
            if t.action == "evaluate"
        ),
        None,
    )
    return render(
        request,
        "petitions/mine_detail.html",
        {
            "case": case,
            "petition": petition,
            "chain": cases,
            "last": last,
            "events": pages.timeline(cases, petitioner=True),
            "documents": pages.documents_of(cases),
            "clocks": pages.clock_rows(last),
            "may_ask": may_ask,
            "ask_ends": ends,
            "level": ReviewLevel(level) if level <= ReviewLevel.REREVIEW else None,
            "review_form": ReviewRequestForm(),
            "rating": rating,
            "rating_form": EvaluationForm(),
        },
    )


@require_POST
@login_required
def evaluate(request, number):
    case = _own(request.user, number)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
        return redirect("petitions:mine_detail", number)
    try:
        do_take_step(
            case, "evaluate", actor=request.user, satisfaction=form.cleaned_data["satisfaction"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except (PermissionDenied, TransitionConflict) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you: your rating has been recorded."))
    return redirect("petitions:mine_detail", number)


@require_POST
@login_required
def ask_review(request, number):
    """The petitioner asks for a review (复查) or a re-review (复核) online."""
    case = _own(request.user, number)
    petition = case.root
    level = ReviewLevel.REREVIEW if request.POST.get("level") == "2" else ReviewLevel.REVIEW
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("petitions:mine_detail", number)
    try:
        review = actions.do_request_review(
            petition, level, actor=request.user, reasons=form.cleaned_data["reasons"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Your request is registered as %(number)s.") % {"number": review.case.number},
        )
    return redirect("petitions:mine_detail", number)


@require_http_methods(["GET", "POST"])
@login_required
def submit(request):
    """A signed-in resident petitions online (Art. 17: 信息网络)."""
    form = PetitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registration = actions.Registration(
            petition_class=data["petition_class"],
            channel=PetitionChannel.ONLINE,
            petitioner=Petitioner(
                name=data["name"] or request.user.display_name,
                id_number=data["id_number"],
                phone=data["phone"] or (request.user.phone or ""),
                address=data["address"],
                anonymous=data["anonymous"],
            ),
            subject=data["subject"],
            request=data["request"],
            facts=data["facts"],
            place=data["place"],
            accused=data["accused"],
            accused_body=data["accused_body"],
            account=request.user,
            files=[(FileKind.OTHER, f) for f in data["files"]],
        )
        try:
            petition = actions.do_submit_online(registration, actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your petition is registered as %(number)s.") % {"number": petition.case.number},
            )
            return redirect("petitions:mine_detail", petition.case.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "petitions/submit.html", {"form": form}, status=status)
