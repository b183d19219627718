import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("people", "People"),
                            ("households", "Households"),
                            ("buildings", "Buildings"),
                            ("organisations", "Organisations"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("validating", "Checking the rows"),
                            ("awaiting_choice", "Waiting for your choice"),
                            ("importing", "Importing"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                            ("cancelled", "Discarded"),
                        ],
                        default="validating",
                        max_length=16,
                        verbose_name="state",
                    ),
                ),
                (
                    "mode",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("all", "Import all rows, or nothing if any row has an error"),
                            (
                                "valid",
                                "Import the valid rows only, leaving out the rows with errors",
                            ),
                        ],
                        max_length=8,
                        verbose_name="mode",
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        blank=True, upload_to="registry/imports/%Y/%m/", verbose_name="file"
                    ),
                ),
                ("file_name", models.CharField(max_length=200, verbose_name="file name")),
                ("file_size", models.PositiveIntegerField(default=0, verbose_name="size (bytes)")),
                ("total_rows", models.PositiveIntegerField(default=0, verbose_name="rows")),
                (
                    "rows_checked",
                    models.PositiveIntegerField(default=0, verbose_name="rows checked"),
                ),
                (
                    "error_rows",
                    models.PositiveIntegerField(default=0, verbose_name="rows with errors"),
                ),
                ("issue_count", models.PositiveIntegerField(default=0, verbose_name="problems")),
                ("rows_done", models.PositiveIntegerField(default=0, verbose_name="rows done")),
                ("written", models.PositiveIntegerField(default=0, verbose_name="records written")),
                ("skipped", models.PositiveIntegerField(default=0, verbose_name="rows left out")),
                ("message", models.TextField(blank=True, verbose_name="message")),
                (
                    "created",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="uploaded"
                    ),
                ),
                (
                    "updated",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="last activity"
                    ),
                ),
                ("finished", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                ("claim", models.CharField(blank=True, editable=False, max_length=32)),
                ("heartbeat", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "registry import",
                "verbose_name_plural": "registry imports",
                "ordering": ["-created"],
            },
        ),
        migrations.CreateModel(
            name="ImportIssue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("row", models.PositiveIntegerField(verbose_name="row")),
                ("column", models.CharField(blank=True, max_length=40, verbose_name="column")),
                ("message", models.CharField(max_length=500, verbose_name="problem")),
                (
                    "job",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="issues",
                        to="registry.importjob",
                    ),
                ),
            ],
            options={
                "verbose_name": "import problem",
                "verbose_name_plural": "import problems",
                "ordering": ["job", "row", "pk"],
            },
        ),
        migrations.AddIndex(
            model_name="importjob",
            index=models.Index(fields=["uploaded_by", "-created"], name="import_job_owner"),
        ),
        migrations.AddIndex(
            model_name="importissue",
            index=models.Index(fields=["job", "row"], name="import_issue_row"),
        ),
    ]
