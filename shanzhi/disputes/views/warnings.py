"""Early warnings with their evidence, and acknowledging one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from shanzhi.cases.models import Case
from shanzhi.disputes.access import WARNING_ACKNOWLEDGERS, WARNING_READERS, access_warning, holds_at
from shanzhi.disputes.actions.warnings import do_acknowledge_warning, spike_rule
from shanzhi.disputes.forms import NoteForm
from shanzhi.disputes.models import EarlyWarning, WarningKind
from shanzhi.disputes.views.common import form_messages, require_staff_reader, tell_errors

PAGE_SIZE = 30


@require_safe
@login_required
def warning_list(request):
    require_staff_reader(request.user, WARNING_READERS)
    warnings = EarlyWarning.objects.visible_to(request.user).select_related(
        "street", "grid", "category", "acknowledged_by"
    )
    if request.GET.get("open"):
        warnings = warnings.open()
    kind = request.GET.get("kind", "")
    if kind in WarningKind.values:
        warnings = warnings.filter(kind=kind)
    page = Paginator(warnings, PAGE_SIZE).get_page(request.GET.get("page"))
    # The evidence's cases: linked only for those the viewer may open.
    numbers = {n for w in page.object_list for n in w.case_numbers}
    visible = set(
        Case.objects.visible_to(request.user)
        .filter(number__in=numbers)
        .values_list("number", flat=True)
    )
    for warning in page.object_list:
        warning.cases = [(n, n in visible) for n in warning.case_numbers]
        warning.may_acknowledge = warning.acknowledged_at is None and holds_at(
            request.user, warning.path, WARNING_ACKNOWLEDGERS
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "disputes/warning_list.html",
        {
            "page": page,
            "rule": spike_rule(),
            "kinds": WarningKind.choices,
            "kind": kind,
            "only_open": bool(request.GET.get("open")),
            "query": query.urlencode(),
            "form": NoteForm(),
        },
    )


@require_POST
@login_required
def warning_acknowledge(request, pk):
    warning = access_warning(request.user, pk, for_write=True)
    form = NoteForm(request.POST)
    if not form.is_valid():
        form_messages(request, form)
    else:
        try:
            do_acknowledge_warning(warning, actor=request.user, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as exc:
            tell_errors(request, exc)
        else:
            messages.success(request, _("Warning acknowledged."))
    return redirect("disputes:warnings")
