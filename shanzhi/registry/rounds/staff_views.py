"""Rounds pages of the community and street staff (and grid leaders, who plan): visits in
my area, planning visits, the proposed changes waiting for confirmation, one change side
by side with the record as it is now, and the community's setting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from shanzhi.org.models import Region
from shanzhi.registry.access import readable_filter
from shanzhi.registry.actions import EditConflict
from shanzhi.registry.forms import GridForm
from shanzhi.registry.rounds import changes, targets
from shanzhi.registry.rounds.access import (
    access_change,
    assignable_workers,
    care_kinds_at,
    configurable_communities,
    confirmable_filter,
    may_confirm_at,
    plannable_grids,
    require_confirmer,
    require_planner,
    require_rounds_user,
)
from shanzhi.registry.rounds.actions import (
    do_confirm_change,
    do_plan_visits,
    do_reject_change,
    do_set_rounds_config,
)
from shanzhi.registry.rounds.forms import (
    EDITABLE,
    FORMS,
    ConfigForm,
    PlanForm,
    PlanGridForm,
    RejectForm,
)
from shanzhi.registry.rounds.models import (
    ChangeState,
    ProposedChange,
    RoundsConfig,
    Visit,
    VisitState,
)
from shanzhi.registry.rounds.views import add_errors, page, rows

AREA_SHOWN = 200
CHANGES_SHOWN = 100
STATES = {
    "planned": Q(state=VisitState.PLANNED),
    "recorded": Q(state=VisitState.RECORDED),
    "cancelled": Q(state=VisitState.CANCELLED),
}


@require_safe
@login_required
def area(request):
    """Visits in my area, by date; a grid and a state narrow the list."""
    require_rounds_user(request.user)
    grids = Region.objects.active().grids().filter(readable_filter(request.user)).order_by("code")
    form = GridForm(request.GET or None, grids=grids)
    form.fields["grid"].required = False
    visits = Visit.objects.visible_to(request.user).select_related(
        "plan", "worker", "household", "dwelling", "person"
    )
    if request.GET and form.is_valid() and form.cleaned_data["grid"]:
        visits = visits.filter(grid=form.cleaned_data["grid"])
    state = request.GET.get("state", "planned")
    today = timezone.localdate()
    if state == "overdue":
        visits = visits.overdue(today)
    elif state in STATES:
        visits = visits.filter(STATES[state])
    pending = (
        ProposedChange.objects.visible_to(request.user)
        .pending()
        .filter(confirmable_filter(request.user))
        .count()
    )
    return page(
        request,
        "registry/rounds/area.html",
        {
            "form": form,
            "state": state,
            "state_choices": [
                ("planned", _("Planned")),
                ("overdue", _("Overdue")),
                ("recorded", _("Recorded")),
                ("cancelled", _("Cancelled")),
                ("all", _("All")),
            ],
            "visits": rows(visits.order_by("due", "pk")[:AREA_SHOWN], today),
            "may_plan": plannable_grids(request.user).exists(),
            "pending": pending,
        },
    )


@login_required
def plan(request):
    """Plan visits: choose the grid, then who visits what, why and by when."""
    if request.method not in ("GET", "HEAD", "POST"):
        raise Http404
    user = request.user
    require_planner(user)
    grid_form = PlanGridForm(request.GET or None, grids=plannable_grids(user))
    grid = grid_form.cleaned_data["grid"] if request.GET and grid_form.is_valid() else None
    form, status = None, 200
    if grid is not None:
        form = PlanForm(
            request.POST or None,
            grid=grid,
            workers=assignable_workers(grid),
            care_kinds=care_kinds_at(user, grid.path),
        )
        if request.method == "POST":
            status = 400
            if form.is_valid():
                data = form.cleaned_data
                try:
                    visit_plan = do_plan_visits(
                        actor=user,
                        grid=grid,
                        purpose=data["purpose"],
                        care_kind=data["care_kind"],
                        worker=data["worker"],
                        due=data["due"],
                        households=data["households"],
                        dwellings=data["dwellings"],
                        people=data["people"],
                        note=data["note"],
                    )
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    n = visit_plan.visits.count()
                    messages.success(
                        request,
                        ngettext(
                            "%(n)d visit planned for %(worker)s.",
                            "%(n)d visits planned for %(worker)s.",
                            n,
                        )
                        % {"n": n, "worker": data["worker"].display_name},
                    )
                    return redirect(reverse("registry:rounds_area") + f"?grid={grid.pk}")
    elif request.method == "POST":
        status = 400
    return page(
        request,
        "registry/rounds/plan.html",
        {"grid_form": grid_form, "grid": grid, "form": form},
        status=status,
    )


@require_safe
@login_required
def change_list(request):
    """The proposed changes waiting for my confirmation, oldest first."""
    require_confirmer(request.user)
    pending = (
        ProposedChange.objects.visible_to(request.user)
        .pending()
        .filter(confirmable_filter(request.user))
        .select_related("visit", "proposed_by", "person", "household", "dwelling")
        .order_by("created", "pk")[:CHANGES_SHOWN]
    )
    listed = []
    for change in pending:
        now = changes.facts(change.kind, change.target)
        listed.append(
            (
                change,
                targets.label(change.target),
                changes.shown_values(change.kind, change.values),
                now != change.seen,
            )
        )
    return page(request, "registry/rounds/changes.html", {"changes": listed})


def _edit_form(change, user, data=None):
    if change.kind not in EDITABLE:
        return None
    initial = {k: v for k, v in change.values.items() if not k.endswith("_masked")}
    form = FORMS[change.kind](
        data,
        prefix="edit",
        target=change.target,
        care_kinds=care_kinds_at(user, change.path),
        keep=change.secret,
        initial=initial,
    )
    for name in changes.SECRET_FIELDS:
        if name in form.fields and change.values.get(f"{name}_masked"):
            form.fields[name].widget.attrs["placeholder"] = change.values[f"{name}_masked"]
            form.fields[name].help_text = _("Leave empty to keep the proposed value.")
    return form


def _change_page(request, change, *, edit_form=None, reject_form=None, conflict=None, status=200):
    user = request.user
    now = changes.facts(change.kind, change.target)
    kinds = care_kinds_at(user, change.path)
    pending = change.state == ChangeState.PENDING
    return page(
        request,
        "registry/rounds/change.html",
        {
            "change": change,
            "label": targets.label(change.target),
            "seen": changes.shown_facts(change.seen, care_kinds=kinds),
            "now": changes.shown_facts(now, care_kinds=kinds),
            "now_version": now.get("_version"),
            "proposed": changes.shown_values(change.kind, change.values),
            "original": changes.shown_values(change.kind, change.original_values),
            "moved_on": pending and now != change.seen,
            "conflict": conflict,
            "token": changes.token(now),
            "may_decide": pending and may_confirm_at(user, change.path),
            "edit_form": edit_form or (_edit_form(change, user) if pending else None),
            "reject_form": reject_form or RejectForm(),
        },
        status=status,
    )


@login_required
def change_detail(request, pk):
    """A proposed change side by side with the record as it was and as it is; confirm
    it, apply it on the current version, edit it, or reject it."""
    if request.method not in ("GET", "HEAD", "POST"):
        raise Http404
    if request.method != "POST":
        return _change_page(request, access_change(request.user, pk))
    change = access_change(request.user, pk, for_decision=True)
    user, action = request.user, request.POST.get("action", "")
    token = request.POST.get("token", "")
    edit_form = reject_form = None
    try:
        if action == "confirm":
            do_confirm_change(change, actor=user)
        elif action == "apply_current":
            do_confirm_change(change, actor=user, on_current=token)
        elif action == "edit":
            edit_form = _edit_form(change, user, request.POST)
            if edit_form is None or not edit_form.is_valid() or edit_form.is_empty():
                if edit_form is not None and edit_form.is_bound and not edit_form.errors:
                    edit_form.add_error(
                        None, _("Change a value, or confirm the change as proposed.")
                    )
                return _change_page(request, change, edit_form=edit_form, status=400)
            do_confirm_change(change, actor=user, on_current=token, values=edit_form.values())
        elif action == "reject":
            reject_form = RejectForm(request.POST)
            if not reject_form.is_valid():
                return _change_page(request, change, reject_form=reject_form, status=400)
            do_reject_change(change, actor=user, reason=reject_form.cleaned_data["reason"])
        else:
            messages.error(request, _("Choose what to do with the change."))
            return _change_page(request, change, status=400)
    except EditConflict as exc:
        return _change_page(
            request, change, edit_form=edit_form, conflict=" ".join(exc.messages), status=409
        )
    except ValidationError as exc:
        form = edit_form or reject_form
        if form is not None:
            add_errors(form, exc)
        else:
            messages.error(request, changes.message_of(exc))
        return _change_page(
            request, change, edit_form=edit_form, reject_form=reject_form, status=400
        )
    change.refresh_from_db()
    messages.success(
        request,
        _("%(change)s about %(target)s: %(state)s.")
        % {
            "change": change.get_kind_display(),
            "target": targets.label(change.target),
            "state": change.get_state_display(),
        },
    )
    return redirect("registry:rounds_changes")


@login_required
def config(request):
    """Whether a community's grid workers' changes apply without confirmation."""
    if request.method not in ("GET", "HEAD", "POST"):
        raise Http404
    require_confirmer(request.user)
    communities = configurable_communities(request.user)
    form, status = ConfigForm(request.POST or None, communities=communities), 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                do_set_rounds_config(
                    form.cleaned_data["community"],
                    actor=request.user,
                    workers_apply_directly=form.cleaned_data["workers_apply_directly"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The setting is saved."))
                return redirect("registry:rounds_config")
    settings_of = {
        c.community_id: c
        for c in RoundsConfig.objects.filter(community__in=communities).select_related("changed_by")
    }
    listed = [(c, settings_of.get(c.pk)) for c in communities[:200]]
    return page(
        request, "registry/rounds/config.html", {"form": form, "communities": listed}, status=status
    )
