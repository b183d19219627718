"""Risk reports: the street's list with filters, a report, the form, closing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.disputes.access import (
    RISK_CLOSERS,
    RISK_REPORTERS,
    access_risk_report,
    grids_for,
    holds_at,
)
from shanzhi.disputes.actions.risks import do_close_risk_report, do_report_risk
from shanzhi.disputes.forms import NoteForm, RiskFilterForm, RiskReportForm
from shanzhi.disputes.models import RiskReport, RiskStatus
from shanzhi.disputes.views.common import (
    add_errors,
    form_messages,
    require_staff_reader,
    tell_errors,
)
from shanzhi.registry.access import may_read_at

PAGE_SIZE = 50


@require_safe
@login_required
def risk_list(request):
    require_staff_reader(request.user)
    form = RiskFilterForm(request.GET or None, user=request.user)
    reports = RiskReport.objects.visible_to(request.user).select_related("grid", "reported_by")
    if form.is_valid():
        data = form.cleaned_data
        if data["area"]:
            reports = reports.filter(path__startswith=data["area"].path)
        for name in ("level", "status", "category"):
            if data[name]:
                reports = reports.filter(**{name: data[name]})
        if data["group_petition"]:
            reports = reports.filter(group_petition=True)
        if data["since"]:
            reports = reports.filter(reported_at__date__gte=data["since"])
        if data["until"]:
            reports = reports.filter(reported_at__date__lte=data["until"])
    elif form.is_bound:
        reports = reports.none()
    totals = reports.aggregate(
        open=Count("pk", filter=Q(status=RiskStatus.OPEN)),
        group=Count("pk", filter=Q(status=RiskStatus.OPEN, group_petition=True)),
        high=Count("pk", filter=Q(status=RiskStatus.OPEN, level="high")),
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "disputes/risk_list.html",
        {
            "form": form,
            "page": page,
            "totals": totals,
            "query": query.urlencode(),
            "may_report": grids_for(request.user, RISK_REPORTERS).exists(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def risk_new(request):
    form = RiskReportForm(request.POST or None, user=request.user)
    if not form.fields["grid"].queryset.exists():
        raise PermissionDenied(_("Only grid workers and community or street staff report risks."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = do_report_risk(actor=request.user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Risk reported."))
            return redirect("disputes:risk", report.pk)
    return render(
        request, "disputes/risk_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_safe
@login_required
def risk_detail(request, pk):
    report = access_risk_report(request.user, pk)
    people = [p for p in report.people.all() if may_read_at(request.user, p.path)]
    return render(
        request,
        "disputes/risk_detail.html",
        {
            "report": report,
            "people": people,
            "may_close": report.status == RiskStatus.OPEN
            and holds_at(request.user, report.path, RISK_CLOSERS),
            "close_form": NoteForm(),
        },
    )


@require_POST
@login_required
def risk_close(request, pk):
    report = access_risk_report(request.user, pk, for_write=True)
    form = NoteForm(request.POST)
    if not form.is_valid():
        form_messages(request, form)
    else:
        try:
            do_close_risk_report(report, actor=request.user, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as exc:
            tell_errors(request, exc)
        else:
            messages.success(request, _("Risk report closed."))
    return redirect("disputes:risk", report.pk)
