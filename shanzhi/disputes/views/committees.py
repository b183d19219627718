"""Mediation committees: the list of the area's committees, and the form that keeps one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from shanzhi.disputes.access import (
    COMMITTEE_KEEPERS,
    MEDIATION_READERS,
    access_committee,
    holds_at,
)
from shanzhi.disputes.actions.committees import committee_problems, do_save_committee
from shanzhi.disputes.forms_mediation import CommitteeForm
from shanzhi.disputes.models import Committee
from shanzhi.disputes.views.common import add_errors, require_staff_reader


@require_safe
@login_required
def committee_list(request):
    require_staff_reader(request.user, MEDIATION_READERS)
    committees = list(Committee.objects.visible_to(request.user).select_related("body__region"))
    for committee in committees:
        committee.problems = committee_problems(committee)
        committee.serving = committee.members.filter(is_active=True)
        committee.may_edit = holds_at(request.user, committee.path, COMMITTEE_KEEPERS)
    return render(
        request,
        "disputes/committee_list.html",
        {
            "committees": committees,
            "may_add": CommitteeForm(user=request.user).fields["body"].queryset.exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def committee_edit(request, pk=None):
    committee = access_committee(request.user, pk, for_write=True) if pk else None
    initial = (
        {
            "body": committee.body_id,
            "name": committee.name,
            "term_start": committee.term_start,
            "term_end": committee.term_end,
            "is_active": committee.is_active,
        }
        if committee
        else {"is_active": True}
    )
    form = CommitteeForm(
        request.POST or None, user=request.user, committee=committee, initial=initial
    )
    if not form.fields["body"].queryset.exists():
        raise PermissionDenied(
            _("The staff of the community or street that set up the committee keep it.")
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = do_save_committee(
                actor=request.user,
                committee=committee,
                body=data["body"],
                name=data["name"],
                term_start=data["term_start"],
                term_end=data["term_end"],
                is_active=data["is_active"],
                members=form.members(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Committee saved."))
            return redirect("disputes:committee", saved.pk)
    return render(
        request,
        "disputes/committee_form.html",
        {"form": form, "committee": committee},
        status=400 if form.errors else 200,
    )
