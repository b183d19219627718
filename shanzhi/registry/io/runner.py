"""Running an import in the background: check every row, then (once the importer has
chosen) write the rows batch by batch.

A run first claims the job with a conditional UPDATE (``claim`` empty → its token), and
every batch re-checks the claim inside its transaction, so two workers never run one
import at once, and a run that lost its claim writes nothing more. Each batch is one
transaction that writes the rows, advances ``rows_done`` and writes the batch's audit
event: either all of that commits or none of it. A resumed run skips the first
``rows_done`` rows of the write order, so no row is written twice.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.registry.io.kinds import IMPORTERS
from shanzhi.registry.io.models import (
    RUNNING_STATES,
    ImportIssue,
    ImportJob,
    ImportMode,
    ImportState,
)
from shanzhi.registry.io.people import WriteConflict
from shanzhi.registry.io.rows import Problems, common_path, sheet_rows
from shanzhi.registry.io.sheets import Limits, SheetError, check_package, estimate_rows

log = logging.getLogger(__name__)

PROGRESS_EVERY = 1000  # rows between two progress reports while checking
ISSUES_PER_ROW = 5  # problems stored per row (the rest are counted)


def limits() -> Limits:
    return Limits(
        max_bytes=getattr(settings, "REGISTRY_IMPORT_MAX_BYTES", Limits.max_bytes),
        max_rows=getattr(settings, "REGISTRY_IMPORT_MAX_ROWS", Limits.max_rows),
    )


def batch_size() -> int:
    return getattr(settings, "REGISTRY_IMPORT_BATCH", 2000)


class LostClaim(Exception):
    """Another run took the job over (after this one was thought stalled)."""


def claim(job_id: int) -> str | None:
    token = uuid.uuid4().hex
    now = timezone.now()
    taken = ImportJob.objects.filter(pk=job_id, state__in=RUNNING_STATES, claim="").update(
        claim=token, heartbeat=now, updated=now
    )
    return token if taken else None


def beat(job: ImportJob, token: str, **fields) -> None:
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job.pk, claim=token).update(
        heartbeat=now, updated=now, **fields
    ):
        raise LostClaim


def run(job_id: int, *, max_batches: int | None = None) -> str:
    """Advance the job as far as it goes; returns its state. ``max_batches`` stops a
    write early, as an interruption would (for tests and the benchmark)."""
    token = claim(job_id)
    if token is None:
        return ImportJob.objects.filter(pk=job_id).values_list("state", flat=True).first() or ""
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    try:
        if job.state == ImportState.VALIDATING:
            validate(job, token)
        else:
            write(job, token, max_batches=max_batches)
    except LostClaim:
        pass
    except SheetError as exc:
        fail(job, token, exc.message, drop_file=True)
    except WriteConflict as exc:
        fail(job, token, conflict_message(job, exc), conflict=exc)
    except Exception:
        log.exception("registry import %s stopped", job_id)
        job.refresh_from_db()
        fail(
            job,
            token,
            _(
                "The import stopped on an unexpected error after %(done)s rows. Nothing of "
                "the batch being written was stored: resume it to continue."
            )
            % {"done": job.rows_done},
        )
    return ImportJob.objects.filter(pk=job_id).values_list("state", flat=True).get()


def conflict_message(job, exc: WriteConflict) -> str:
    return _(
        "Row %(row)d can no longer be imported: %(reason)s Nothing of its batch was "
        "stored (%(done)s rows were imported before it). Correct the registry and resume, "
        "or resume with the valid rows only."
    ) % {"row": exc.row, "reason": exc.text, "done": job.rows_done}


def fail(job, token, message: str, *, drop_file=False, conflict=None) -> None:
    with transaction.atomic():
        if conflict is not None:
            ImportIssue.objects.create(
                job=job, row=conflict.row, column=conflict.column, message=conflict.text[:500]
            )
        if not ImportJob.objects.filter(pk=job.pk, claim=token).update(
            state=ImportState.FAILED, message=message, claim="", updated=timezone.now()
        ):
            return
    if drop_file:
        delete_file(job)


def delete_file(job) -> None:
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


# --- Checking ---------------------------------------------------------------------------


def validate(job: ImportJob, token: str) -> None:
    ImportIssue.objects.filter(job=job).delete()
    beat(job, token, rows_checked=0, error_rows=0, issue_count=0, message="")
    path = job.file.path
    check_package(path, name=job.file_name, limits=limits())
    estimate = estimate_rows(path)
    problems = Problems()
    importer = IMPORTERS[job.kind](job.uploaded_by, problems)
    error_rows: set[int] = set()
    issues = 0
    checked = 0
    for row in sheet_rows(path, job.kind, limits=limits(), problems=problems):
        importer.check(row)
        checked += 1
        if checked % PROGRESS_EVERY == 0:
            issues += store(job, problems, error_rows)
            beat(job, token, rows_checked=checked, total_rows=max(estimate, checked))
    importer.finish()
    issues += store(job, problems, error_rows)
    beat(
        job,
        token,
        state=ImportState.AWAITING_CHOICE,
        total_rows=checked,
        rows_checked=checked,
        error_rows=len(error_rows),
        issue_count=issues,
        claim="",
    )


def store(job, problems: Problems, error_rows: set[int]) -> int:
    found = problems.pop_all()
    issues = []
    for row, items in found.items():
        known = ImportIssue.objects.filter(job=job, row=row).count() if row in error_rows else 0
        error_rows.add(row)
        for column, message in items[: max(0, ISSUES_PER_ROW - known)]:
            issues.append(ImportIssue(job=job, row=row, column=column, message=message))
    ImportIssue.objects.bulk_create(issues, batch_size=500)
    return sum(len(items) for items in found.values())


# --- Writing ----------------------------------------------------------------------------


def write(job: ImportJob, token: str, *, max_batches: int | None = None) -> None:
    valid_only = job.mode == ImportMode.VALID_ONLY
    skip = set(ImportIssue.objects.filter(job=job).values_list("row", flat=True))
    if not valid_only:
        skip = set()
    importer = IMPORTERS[job.kind](job.uploaded_by, Problems())
    rows = sheet_rows(job.file.path, job.kind, limits=limits(), problems=Problems())
    done = job.rows_done
    position = 0
    batch: list = []
    batch_rows = 0
    batches = 0
    for count, unit, row_number in importer.sequence(rows, skip, done):
        found = importer.problems.pop_all()
        position += count
        if position <= done:
            continue  # written (or left out) by an earlier run
        if unit is None and row_number not in skip:
            reasons = [m for _c, m in found.get(row_number, [])]
            unit = WriteConflict(
                row_number, "", " ".join(reasons) or _("The row is no longer valid.")
            )
        batch.append((count, unit, row_number))
        batch_rows += count
        if batch_rows >= batch_size():
            commit(job, token, importer, batch, valid_only=valid_only, skip=skip)
            batch, batch_rows = [], 0
            batches += 1
            if max_batches is not None and batches >= max_batches:
                return
    if batch:
        commit(job, token, importer, batch, valid_only=valid_only, skip=skip)
    finish(job, token)


def commit(job, token, importer, batch, *, valid_only: bool, skip: set[int]) -> None:
    conflicts: list[WriteConflict] = []

    def conflict(exc: WriteConflict) -> None:
        if not valid_only:
            raise exc
        conflicts.append(exc)

    units = []
    left_out = 0
    for count, unit, _row in batch:
        if isinstance(unit, WriteConflict):
            conflict(unit)
            left_out += count
        elif unit is None:
            left_out += count
        else:
            units.append(unit)
    rows = sum(count for count, _u, _r in batch)
    first, last = batch[0][2], max(r for _c, _u, r in batch)
    with transaction.atomic():
        beat(job, token)
        counts = importer.write(units, conflict) if units else {"written": 0, "left_out": 0}
        left_out += counts.pop("left_out")
        ImportIssue.objects.bulk_create(
            [
                ImportIssue(job=job, row=c.row, column=c.column, message=c.text[:500])
                for c in conflicts
            ]
        )
        beat(
            job,
            token,
            rows_done=F("rows_done") + rows,
            written=F("written") + counts["written"],
            skipped=F("skipped") + left_out,
            issue_count=F("issue_count") + len(conflicts),
        )
        audit.record(
            job.uploaded_by,
            f"registry.import.{job.kind}",
            job,
            after={"rows": [first, last], "left_out": left_out, **counts},
            note=job.file_name,
            scope_path=common_path(importer.path_of(u) for u in units),
        )


def finish(job, token) -> None:
    with transaction.atomic():
        beat(job, token, state=ImportState.DONE, finished=timezone.now(), claim="")
        job.refresh_from_db()
        audit.record(
            job.uploaded_by,
            "registry.import.done",
            job,
            after={
                "kind": job.kind,
                "mode": job.mode,
                "rows": job.total_rows,
                "written": job.written,
                "left_out": job.skipped,
            },
            note=job.file_name,
        )
    delete_file(job)


def purge_expired() -> int:
    """Delete the uploaded files of finished imports and of imports left alone for
    ``REGISTRY_IMPORT_KEEP_DAYS`` days (7 by default); the jobs and their problems stay."""
    days = getattr(settings, "REGISTRY_IMPORT_KEEP_DAYS", 7)
    count = 0
    for job in ImportJob.objects.expired(days).exclude(state__in=RUNNING_STATES)[:200]:
        delete_file(job)
        count += 1
    return count
