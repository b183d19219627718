"""Rounds pages of the grid worker, made for a phone: my visits by date (overdue ones
marked), one visit with its record form and the changes found, the visit's photo, and
the visits of a person (for the person card). Thin: parse, check access, call the
action, respond."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from shanzhi.registry.access import access_person
from shanzhi.registry.rounds import changes, targets
from shanzhi.registry.rounds.access import (
    access_visit,
    care_kinds_at,
    confirms_somewhere,
    may_plan_at,
    may_visit_at,
    plans_somewhere,
    require_rounds_user,
)
from shanzhi.registry.rounds.actions import do_cancel_visit, do_record_visit
from shanzhi.registry.rounds.forms import CancelForm, RecordForm
from shanzhi.registry.rounds.models import ChangeState, ProposedChange, Visit, VisitState

MINE_SHOWN = 200
RECENT_SHOWN = 20
PERSON_VISITS_SHOWN = 50


def add_errors(form, exc: ValidationError) -> None:
    """An action's refusal, shown next to the field it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def page(request, template, context, status=200):
    """Render a rounds page, with what its navigation offers the viewer."""
    context["rounds_nav"] = {
        "may_plan": plans_somewhere(request.user),
        "may_confirm": confirms_somewhere(request.user),
    }
    return render(request, template, context, status=status)


def visits_for_person(user, person):
    """The visits concerning ``person`` that ``user`` may see, the latest first: to them,
    to their household, or proposing a change about them."""
    return (
        Visit.objects.visible_to(user)
        .concerning(person)
        .select_related("plan", "worker")
        .order_by("-due", "-pk")[:PERSON_VISITS_SHOWN]
    )


def rows(visits, today=None):
    today = today or timezone.localdate()
    return [(v, targets.label(v.target), v.is_overdue(today)) for v in visits]


@require_safe
@login_required
def mine(request):
    """My visits: those still to make by date, then the ones I recorded lately."""
    require_rounds_user(request.user)
    visits = (
        Visit.objects.visible_to(request.user)
        .assigned_to(request.user)
        .select_related("plan", "household", "dwelling", "person")
    )
    planned = list(visits.planned().order_by("due", "pk")[:MINE_SHOWN])
    recent = visits.filter(state=VisitState.RECORDED).order_by("-recorded_at")[:RECENT_SHOWN]
    today = timezone.localdate()
    return page(
        request,
        "registry/rounds/mine.html",
        {
            "planned": rows(planned, today),
            "overdue": sum(1 for v in planned if v.is_overdue(today)),
            "recent": rows(recent, today),
        },
    )


def proposal_rows(visit, user):
    shown = ProposedChange.objects.visible_to(user).filter(visit=visit).select_related("person")
    return [(c, targets.label(c.target), changes.shown_values(c.kind, c.values)) for c in shown]


def _visit_page(request, visit, *, form=None, found=None, cancel_form=None, status=200):
    user = request.user
    return page(
        request,
        "registry/rounds/visit.html",
        {
            "visit": visit,
            "label": targets.label(visit.target),
            "overdue": visit.is_overdue(),
            "form": form,
            "found": found,
            "proposals": proposal_rows(visit, user),
            "may_cancel": visit.state == VisitState.PLANNED and may_plan_at(user, visit.path),
            "cancel_form": cancel_form or CancelForm(),
        },
        status=status,
    )


def _may_record(user, visit) -> bool:
    return (
        visit.state == VisitState.PLANNED
        and visit.worker_id == user.pk
        and may_visit_at(user, visit.path)
    )


@login_required
def visit_detail(request, pk):
    """A visit; for the worker it was given to, the form that records it."""
    if request.method not in ("GET", "HEAD", "POST"):
        raise Http404
    user = request.user
    if request.method != "POST":
        visit = access_visit(user, pk)
        form = found = None
        if _may_record(user, visit):
            form = RecordForm()
            found = targets.change_forms(visit, care_kinds=care_kinds_at(user, visit.path))
        return _visit_page(request, visit, form=form, found=found)
    visit = access_visit(user, pk, for_record=True)
    form = RecordForm(request.POST, request.FILES)
    found = targets.change_forms(
        visit, care_kinds=care_kinds_at(user, visit.path), data=request.POST
    )
    if form.is_valid() & found.is_valid():  # both, so that every error shows at once
        data = form.cleaned_data
        photo = data["photo"]
        try:
            do_record_visit(
                visit,
                actor=user,
                outcome=data["outcome"],
                visited_at=data["visited_at"],
                notes=data["notes"],
                lon=data["lon"],
                lat=data["lat"],
                place=data["place"],
                photo=photo,
                photo_type=photo.content_type if photo else "",
                proposals=found.proposals(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            visit.refresh_from_db()
            count = visit.proposals.count()
            pending = visit.proposals.filter(state=ChangeState.PENDING).count()
            text = _("The visit to %(target)s is recorded.") % {
                "target": targets.label(visit.target)
            }
            if count:
                text += " " + ngettext(
                    "%(n)d change proposed, %(pending)d waiting for confirmation.",
                    "%(n)d changes proposed, %(pending)d waiting for confirmation.",
                    count,
                ) % {"n": count, "pending": pending}
            messages.success(request, text)
            return redirect("registry:rounds_mine")
    return _visit_page(request, visit, form=form, found=found, status=400)


@require_POST
@login_required
def cancel(request, pk):
    visit = access_visit(request.user, pk, for_cancel=True)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            do_cancel_visit(visit, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The visit is cancelled."))
            return redirect("registry:rounds_visit", pk=visit.pk)
    return _visit_page(request, visit, cancel_form=form, status=400)


@require_safe
@login_required
def photo(request, pk):
    """A visit's photo is personal data: served only to those who see the visit."""
    visit = access_visit(request.user, pk)
    if not visit.photo:
        raise Http404(_("This visit has no photo."))
    response = FileResponse(visit.photo.open("rb"), content_type=visit.photo_type or None)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def person_visits(request, pk):
    """The visits of a person, for the person card (loaded into it by htmx)."""
    person = access_person(request.user, pk)
    visits = rows(visits_for_person(request.user, person))
    template = (
        "registry/rounds/person_visits_list.html"
        if request.headers.get("HX-Request")
        else "registry/rounds/person_visits_page.html"
    )
    return render(request, template, {"person": person, "visits": visits})
