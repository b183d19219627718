"""Pages for spreadsheet imports ("my imports", one import with its progress and
problems) and exports (people, statistics). Thin: parse, check access, call the action
or the writer, respond."""

import io
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.org.models import Level, Region
from shanzhi.registry.access import may_read_at, readable_filter, require_reader
from shanzhi.registry.actions import do_export_people
from shanzhi.registry.io import export, workbook
from shanzhi.registry.io.access import access_import_job, require_importer
from shanzhi.registry.io.actions import (
    do_choose_import_mode,
    do_discard_import,
    do_resume_import,
    do_start_import,
)
from shanzhi.registry.io.columns import COLUMNS
from shanzhi.registry.io.forms import ExportForm, ModeForm, StatisticsForm, UploadForm
from shanzhi.registry.io.models import ImportJob, ImportKind
from shanzhi.registry.io.sheets import XLSX_CONTENT_TYPE

ISSUES_SHOWN = 200
JOBS_SHOWN = 50
AREA_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID)


def _errors(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc)]


def _download(content, name: str, content_type: str):
    response = FileResponse(content, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def imports(request):
    require_importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = do_start_import(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                return redirect("registry:io_job", pk=job.pk)
        status = 400
    jobs = ImportJob.objects.of(request.user)[:JOBS_SHOWN]
    return render(
        request,
        "registry/io/imports.html",
        {"form": form, "jobs": jobs, "kinds": ImportKind.choices},
        status=status,
    )


@require_safe
@login_required
def template(request, kind):
    require_importer(request.user)
    if kind not in COLUMNS:
        return HttpResponse(_("No such template."), status=404)
    content = io.BytesIO(workbook.build_template(kind))
    return _download(content, workbook.template_name(kind), XLSX_CONTENT_TYPE)


def _job_context(job) -> dict:
    issues = list(job.issues.all()[:ISSUES_SHOWN])
    labels = {c.key: str(c.label) for c in COLUMNS[job.kind]}
    for issue in issues:
        issue.column_label = labels.get(issue.column, "")
    return {
        "job": job,
        "issues": issues,
        "issues_more": job.issue_count > len(issues),
        "stalled": job.is_stalled(),
        "mode_form": ModeForm(),
    }


@require_safe
@login_required
def job_detail(request, pk):
    job = access_import_job(request.user, pk)
    template = "registry/io/_progress.html" if request.headers.get("HX-Request") else None
    context = _job_context(job)
    if template:
        response = render(request, template, context)
        if not job.is_running:
            response["HX-Refresh"] = "true"  # the whole page changes once it is checked
        return response
    return render(request, "registry/io/job.html", context)


def _act(request, pk, act):
    job = access_import_job(request.user, pk)
    require_importer(request.user)
    try:
        act(job)
    except ValidationError as exc:
        context = _job_context(job)
        context["action_errors"] = _errors(exc)
        return render(request, "registry/io/job.html", context, status=400)
    return redirect("registry:io_job", pk=job.pk)


@require_POST
@login_required
def job_choose(request, pk):
    form = ModeForm(request.POST)

    def act(job):
        if not form.is_valid():
            raise ValidationError(form.errors["mode"])
        do_choose_import_mode(job, form.cleaned_data["mode"], actor=request.user)

    return _act(request, pk, act)


@require_POST
@login_required
def job_resume(request, pk):
    mode = request.POST.get("mode", "")
    return _act(request, pk, lambda job: do_resume_import(job, actor=request.user, mode=mode))


@require_POST
@login_required
def job_discard(request, pk):
    return _act(request, pk, lambda job: do_discard_import(job, actor=request.user))


@require_safe
@login_required
def job_problems(request, pk):
    """The uploaded sheet with a column of problems per row."""
    job = access_import_job(request.user, pk)
    found = defaultdict(list)
    for row, column, message in job.issues.values_list("row", "column", "message"):
        found[row].append((column, message))
    content = export.annotated_copy(job, found)
    name = f"problems-{job.pk}-{job.file_name.rsplit('.', 1)[0][:60]}.xlsx"
    return _download(content, name, XLSX_CONTENT_TYPE)


def _areas(user):
    return (
        Region.objects.active()
        .filter(level__in=AREA_LEVELS)
        .filter(readable_filter(user))
        .defer("geometry")
        .order_by("path")
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def export_people(request):
    require_reader(request.user)
    form = ExportForm(request.POST or None, areas=_areas(request.user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = do_export_people(
                    actor=request.user,
                    area=data["area"],
                    purpose=data["purpose"],
                    reveal=data["reveal"],
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            except ValidationError as exc:
                for error in _errors(exc):
                    form.add_error(None, error)
            else:
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
                name = f"people-{data['area'].code}-{stamp}"
                if data["format"] == "csv":
                    response = StreamingHttpResponse(
                        export.people_csv(result), content_type="text/csv; charset=utf-8"
                    )
                    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
                    response["Cache-Control"] = "private, no-store"
                    return response
                title = _("People of %(area)s") % {"area": data["area"].name}
                content = export.people_xlsx(result, title=title)
                return _download(content, f"{name}.xlsx", XLSX_CONTENT_TYPE)
    return render(request, "registry/io/export.html", {"form": form}, status=status)


@require_safe
@login_required
def export_statistics(request):
    require_reader(request.user)
    form = StatisticsForm(request.GET or None, areas=_areas(request.user))
    if request.GET and form.is_valid():
        area = form.cleaned_data["area"]
        if not may_read_at(request.user, area.path):
            raise PermissionDenied(_("This area lies outside yours."))
        day = form.cleaned_data["day"] or timezone.localdate()
        if day > timezone.localdate():
            form.add_error("day", _("The date lies in the future."))
        else:
            stats = export.statistics(area, request.user, day)
            name = f"statistics-{area.code}-{day.isoformat()}"
            if form.cleaned_data["format"] == "csv":
                response = StreamingHttpResponse(
                    export.statistics_csv(stats), content_type="text/csv; charset=utf-8"
                )
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
                return response
            return _download(export.statistics_xlsx(stats), f"{name}.xlsx", XLSX_CONTENT_TYPE)
    status = 400 if request.GET else 200
    return render(request, "registry/io/statistics.html", {"form": form}, status=status)
