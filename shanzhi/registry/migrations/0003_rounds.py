"""The grid workers' rounds: visit plans, visits, proposed changes, rounds settings."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import shanzhi.registry.rounds.models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_dispatcher_label"),
        ("registry", "0002_import_jobs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RoundsConfig",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "workers_apply_directly",
                    models.BooleanField(
                        default=False,
                        verbose_name="grid workers' changes apply without confirmation",
                    ),
                ),
                (
                    "changed",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="changed"),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="changed by",
                    ),
                ),
                (
                    "community",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.region",
                        verbose_name="community",
                    ),
                ),
            ],
            options={
                "verbose_name": "rounds setting",
                "verbose_name_plural": "rounds settings",
            },
        ),
        migrations.CreateModel(
            name="VisitPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "path",
                    models.CharField(db_index=True, default="", editable=False, max_length=255),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("routine", "Routine round (例行走访)"),
                            ("care", "Care visit (关爱走访)"),
                            ("rental_check", "Rental housing check (出租房屋检查)"),
                            ("info_collection", "Information collection (信息采集)"),
                        ],
                        max_length=20,
                        verbose_name="purpose",
                    ),
                ),
                (
                    "care_kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("elderly_alone", "Elderly, living alone (独居老人)"),
                            ("disabled", "Disabled (残疾人)"),
                            ("low_income", "Low income (低保/低收入)"),
                            ("left_behind", "Left behind (留守人员)"),
                        ],
                        max_length=16,
                        verbose_name="care need",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                (
                    "created",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="planned"
                    ),
                ),
                (
                    "grid",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.region",
                        verbose_name="grid",
                    ),
                ),
                (
                    "planned_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="planned by",
                    ),
                ),
            ],
            options={
                "verbose_name": "visit plan",
                "verbose_name_plural": "visit plans",
            },
        ),
        migrations.CreateModel(
            name="Visit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "path",
                    models.CharField(db_index=True, default="", editable=False, max_length=255),
                ),
                ("due", models.DateField(verbose_name="visit by")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("planned", "Planned"),
                            ("recorded", "Recorded"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="planned",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("met", "Met the household"),
                            ("nobody_home", "Nobody home"),
                            ("refused", "Refused the visit"),
                            ("moved_away", "Moved away"),
                        ],
                        max_length=12,
                        verbose_name="outcome",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("visited_at", models.DateTimeField(blank=True, null=True, verbose_name="visited")),
                ("lon", models.FloatField(blank=True, null=True, verbose_name="longitude")),
                ("lat", models.FloatField(blank=True, null=True, verbose_name="latitude")),
                ("place", models.CharField(blank=True, max_length=200, verbose_name="place")),
                (
                    "photo",
                    models.FileField(
                        blank=True,
                        upload_to=shanzhi.registry.rounds.models.photo_path,
                        verbose_name="photo",
                    ),
                ),
                ("photo_type", models.CharField(blank=True, editable=False, max_length=20)),
                (
                    "recorded_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="recorded"
                    ),
                ),
                (
                    "cancel_reason",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="reason for cancelling"
                    ),
                ),
                (
                    "dwelling",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
                        to="registry.dwelling",
                        verbose_name="dwelling",
                    ),
                ),
                (
                    "grid",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.region",
                        verbose_name="grid",
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
                        to="registry.household",
                        verbose_name="household",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
                        to="registry.person",
                        verbose_name="person",
                    ),
                ),
                (
                    "worker",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="grid worker",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
                        to="registry.visitplan",
                        verbose_name="plan",
                    ),
                ),
            ],
            options={
                "verbose_name": "visit",
                "verbose_name_plural": "visits",
                "ordering": ["due", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ProposedChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "path",
                    models.CharField(db_index=True, default="", editable=False, max_length=255),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("phone", "Phone number changed"),
                            ("moved_out", "Moved out of the area"),
                            ("new_member", "New household member"),
                            ("new_tenant", "Tenant moved in"),
                            ("hazard", "Rental housing hazard found"),
                            ("care_need", "Care need noticed"),
                        ],
                        max_length=12,
                        verbose_name="change",
                    ),
                ),
                ("based_on", models.PositiveIntegerField(verbose_name="based on version")),
                ("seen", models.JSONField(default=dict, verbose_name="as seen on the visit")),
                ("values", models.JSONField(default=dict, verbose_name="proposed values")),
                (
                    "original_values",
                    models.JSONField(blank=True, default=dict, verbose_name="as proposed"),
                ),
                ("secret_encrypted", models.TextField(blank=True, editable=False)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for confirmation"),
                            ("applied", "Applied"),
                            ("rejected", "Rejected"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="proposed"
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                ("reason", models.CharField(blank=True, max_length=300, verbose_name="reason")),
                (
                    "applied_directly",
                    models.BooleanField(default=False, verbose_name="applied without confirmation"),
                ),
                ("applied_on", models.PositiveIntegerField(blank=True, null=True)),
                ("last_error", models.TextField(blank=True, verbose_name="could not be applied")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "dwelling",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="round_proposals",
                        to="registry.dwelling",
                        verbose_name="dwelling",
                    ),
                ),
                (
                    "grid",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.region",
                        verbose_name="grid",
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="round_proposals",
                        to="registry.household",
                        verbose_name="household",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="round_proposals",
                        to="registry.person",
                        verbose_name="person",
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="proposed by",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="proposals",
                        to="registry.visit",
                        verbose_name="visit",
                    ),
                ),
            ],
            options={
                "verbose_name": "proposed change",
                "verbose_name_plural": "proposed changes",
                "ordering": ["created", "pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("state", "pending")),
                        fields=["path", "created"],
                        name="proposed_change_pending",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("dwelling__isnull", True),
                                ("household__isnull", False),
                                ("person__isnull", True),
                            ),
                            models.Q(
                                ("dwelling__isnull", False),
                                ("household__isnull", True),
                                ("person__isnull", True),
                            ),
                            models.Q(
                                ("dwelling__isnull", True),
                                ("household__isnull", True),
                                ("person__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="proposed_change_one_target",
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(
                condition=models.Q(("state", "planned")),
                fields=["worker", "due"],
                name="visit_worker_planned",
            ),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["path", "state", "due"], name="visit_area_state_due"),
        ),
        migrations.AddConstraint(
            model_name="visit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("dwelling__isnull", True),
                        ("household__isnull", False),
                        ("person__isnull", True),
                    ),
                    models.Q(
                        ("dwelling__isnull", False),
                        ("household__isnull", True),
                        ("person__isnull", True),
                    ),
                    models.Q(
                        ("dwelling__isnull", True),
                        ("household__isnull", True),
                        ("person__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="visit_one_target",
            ),
        ),
    ]
