"""What an importer does with an import: upload a sheet, choose how to import it, resume
an interrupted one, discard one. Each runs in one transaction with its audit event and
queues the background run once the transaction commits."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.registry.io.access import require_importer
from shanzhi.registry.io.models import (
    RUNNING_STATES,
    ImportJob,
    ImportKind,
    ImportMode,
    ImportState,
)
from shanzhi.registry.io.sheets import SheetError, check_package


def _enqueue(job) -> None:
    from shanzhi.registry.io.tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(job.pk))


@transaction.atomic
def do_start_import(*, actor, kind: str, upload) -> ImportJob:
    """Store an uploaded sheet and queue its check. The package itself (an .xlsx, no
    macros, within the size limits) is checked here, so that a wrong file is refused at
    once; the rows are checked in the background."""
    from shanzhi.registry.io.runner import limits

    require_importer(actor)
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose what the sheet holds.")})
    if upload is None:
        raise ValidationError({"file": _("Choose the file to upload.")})
    name = (upload.name or "upload.xlsx")[-200:]
    if upload.size > limits().max_bytes:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)d MB: split it into several files.")
                % {"mb": limits().max_bytes // 2**20}
            }
        )
    job = ImportJob(kind=kind, file_name=name, file_size=upload.size, uploaded_by=actor)
    job.file.save("upload.xlsx", upload, save=False)
    try:
        check_package(job.file.path, name=name, limits=limits())
    except SheetError as exc:
        job.file.delete(save=False)
        raise ValidationError({"file": exc.message}, code=exc.code) from None
    job.save()
    audit.record(
        actor,
        "registry.import.start",
        job,
        after={"kind": kind, "file_name": name, "size": upload.size},
    )
    _enqueue(job)
    return job


def _transition(job, *, actor, allowed, action: str, after: dict, **changes) -> ImportJob:
    """Move the job on with a conditional UPDATE: a double click, or a second tab, finds
    the state already changed and is refused."""
    now = timezone.now()
    moved = ImportJob.objects.filter(pk=job.pk, state__in=allowed, claim="").update(
        updated=now, **changes
    )
    if not moved:
        raise ValidationError(
            _("This import has moved on meanwhile: reload the page to see where it stands.")
        )
    job.refresh_from_db()
    audit.record(actor, action, job, after=after)
    return job


@transaction.atomic
def do_choose_import_mode(job, mode: str, *, actor) -> ImportJob:
    """Start writing a checked import: all rows (refused while any row has an error) or
    the valid rows only."""
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Choose how to import the rows.")})
    job.refresh_from_db()
    if mode == ImportMode.ALL_OR_NOTHING and job.error_rows:
        raise ValidationError(
            {
                "mode": _(
                    "%(n)d rows have errors, so importing all rows is not possible: correct "
                    "them and upload the file again, or import the valid rows only."
                )
                % {"n": job.error_rows}
            }
        )
    if mode == ImportMode.VALID_ONLY and job.error_rows >= job.total_rows:
        raise ValidationError({"mode": _("No row is valid: there is nothing to import.")})
    if not job.file:
        raise ValidationError(_("The uploaded file was deleted: upload it again."))
    job = _transition(
        job,
        actor=actor,
        allowed=[ImportState.AWAITING_CHOICE],
        action="registry.import.choose",
        after={"mode": mode},
        state=ImportState.IMPORTING,
        mode=mode,
        heartbeat=None,
    )
    _enqueue(job)
    return job


@transaction.atomic
def do_resume_import(job, *, actor, mode: str = "") -> ImportJob:
    """Continue an import that failed or stopped (a worker or server was restarted):
    the check starts again, a write continues after the last committed batch. A failed
    write may be continued with the valid rows only."""
    job.refresh_from_db()
    stalled = job.is_stalled()
    if not (job.may_resume or stalled or (job.state == ImportState.FAILED and not job.mode)):
        raise ValidationError(_("This import is not interrupted: there is nothing to resume."))
    if not job.file:
        raise ValidationError(_("The uploaded file was deleted: upload it again."))
    if mode and mode not in ImportMode.values:
        raise ValidationError({"mode": _("Choose how to import the rows.")})
    state = ImportState.IMPORTING if job.mode else ImportState.VALIDATING
    changes = {"state": state, "message": "", "heartbeat": None, "claim": ""}
    if mode and job.mode:
        changes["mode"] = mode
    # A stalled run still holds its claim: take it away (the conditional UPDATE below
    # matches the claim seen, so a run that reports meanwhile keeps the job).
    allowed = [ImportState.FAILED, *RUNNING_STATES]
    moved = ImportJob.objects.filter(pk=job.pk, state__in=allowed, claim=job.claim).update(
        updated=timezone.now(), **changes
    )
    if not moved:
        raise ValidationError(
            _("This import has moved on meanwhile: reload the page to see where it stands.")
        )
    job.refresh_from_db()
    audit.record(actor, "registry.import.resume", job, after={"state": state, "mode": job.mode})
    _enqueue(job)
    return job


@transaction.atomic
def do_discard_import(job, *, actor) -> ImportJob:
    """Drop a checked import without writing anything (or a failed check)."""
    job.refresh_from_db()
    if job.state == ImportState.FAILED and job.rows_done:
        raise ValidationError(
            _("Rows of this import were written already: resume it to finish the import.")
        )
    job = _transition(
        job,
        actor=actor,
        allowed=[ImportState.AWAITING_CHOICE, ImportState.FAILED],
        action="registry.import.discard",
        after={},
        state=ImportState.CANCELLED,
        finished=timezone.now(),
    )
    file = job.file
    if file:
        transaction.on_commit(lambda: file.delete(save=False))
        ImportJob.objects.filter(pk=job.pk).update(file="")
    return job
