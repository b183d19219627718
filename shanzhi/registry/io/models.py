"""Spreadsheet imports: one ``ImportJob`` per uploaded file, and the problems found in it.

States of an import (``ImportState``), in the order a file goes through them::

    validating ──→ awaiting_choice ──→ importing ──→ done
        │               │    (the importer     │
        │               │     chooses a mode)  └──→ failed (resume continues it)
        └──→ failed     └──→ cancelled
   (file refused)       (discarded)

The rows are checked in full before anything is written; then the importer chooses to
import "all or nothing" (only possible when no row has an error) or "the valid rows only".
The write runs in batches, each one transaction that also advances ``rows_done``, so an
interrupted import is resumed exactly after the last committed batch.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("People")
    HOUSEHOLDS = "households", _("Households")
    BUILDINGS = "buildings", _("Buildings")
    ORGANISATIONS = "organisations", _("Organisations")


class ImportState(models.TextChoices):
    # The file is being opened and every row checked (in the background).
    VALIDATING = "validating", _("Checking the rows")
    # Checked: the importer reads the problems and chooses how to import, or discards it.
    AWAITING_CHOICE = "awaiting_choice", _("Waiting for your choice")
    # Rows are being written, batch by batch (in the background).
    IMPORTING = "importing", _("Importing")
    # Every row chosen was written (or skipped as the importer chose).
    DONE = "done", _("Done")
    # The file was refused, or the write stopped on an error: see the message. An
    # interrupted write can be resumed.
    FAILED = "failed", _("Failed")
    # Discarded by the importer before anything was written.
    CANCELLED = "cancelled", _("Discarded")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("Import all rows, or nothing if any row has an error")
    VALID_ONLY = "valid", _("Import the valid rows only, leaving out the rows with errors")


# States in which a worker is (or should be) busy with the job.
RUNNING_STATES = (ImportState.VALIDATING, ImportState.IMPORTING)
FINAL_STATES = (ImportState.DONE, ImportState.CANCELLED)


class ImportJobQuerySet(models.QuerySet):
    def of(self, user):
        """The imports a user started ("my imports")."""
        return self.filter(uploaded_by=user)

    def expired(self, days: int):
        """Imports whose uploaded file is kept no longer: finished ones, and any other
        untouched for ``days`` days."""
        cutoff = timezone.now() - timezone.timedelta(days=days)
        return self.exclude(file="").filter(
            models.Q(state__in=FINAL_STATES) | models.Q(updated__lt=cutoff)
        )


class ImportJob(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=ImportState.choices, default=ImportState.VALIDATING
    )
    mode = models.CharField(_("mode"), max_length=8, choices=ImportMode.choices, blank=True)
    # The uploaded file, kept in the private media storage (not served) until the import
    # is finished, or for ``REGISTRY_IMPORT_KEEP_DAYS``.
    file = models.FileField(_("file"), upload_to="registry/imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    file_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    issue_count = models.PositiveIntegerField(_("problems"), default=0)
    # Data rows the write has gone past (written or left out), committed with each batch.
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    written = models.PositiveIntegerField(_("records written"), default=0)
    skipped = models.PositiveIntegerField(_("rows left out"), default=0)
    message = models.TextField(_("message"), blank=True)
    created = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    updated = models.DateTimeField(_("last activity"), default=timezone.now)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    # The worker run that holds the job: claimed and refreshed by conditional UPDATEs, so
    # that two workers never run the same import at once.
    claim = models.CharField(max_length=32, blank=True, editable=False)
    heartbeat = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        indexes = [models.Index(fields=["uploaded_by", "-created"], name="import_job_owner")]

    def __str__(self):
        return gettext("Import #%(pk)s (%(name)s)") % {"pk": self.pk, "name": self.file_name}

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    def is_stalled(self, now=None, after_s: int | None = None) -> bool:
        """Running, but no worker has reported for a while: it was interrupted (a worker
        stopped, a server restarted) and can be resumed."""
        if self.state not in RUNNING_STATES:
            return False
        after_s = after_s or getattr(settings, "REGISTRY_IMPORT_STALL_SECONDS", 120)
        last = self.heartbeat or self.updated
        return (now or timezone.now()) - last > timezone.timedelta(seconds=after_s)

    @property
    def may_resume(self) -> bool:
        return self.state == ImportState.FAILED and bool(self.mode) and bool(self.file)

    @property
    def percent(self) -> int:
        if self.state == ImportState.VALIDATING:
            done, total = self.rows_checked, self.total_rows
        elif self.state == ImportState.IMPORTING:
            done, total = self.rows_done, self.total_rows
        else:
            return 100 if self.state == ImportState.DONE else 0
        return min(100, int(100 * done / total)) if total else 0


class ImportIssue(models.Model):
    """A problem with one cell (or a whole row, ``column`` empty) of an uploaded sheet."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    # The row number as Excel shows it.
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=40, blank=True)
    message = models.CharField(_("problem"), max_length=500)

    class Meta:
        ordering = ["job", "row", "pk"]
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        indexes = [models.Index(fields=["job", "row"], name="import_issue_row")]

    def __str__(self):
        return f"{self.row}:{self.column} {self.message}"
