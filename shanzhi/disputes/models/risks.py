"""Risk reports (信访信息预报): grid workers and community staff tell the street of a
matter that may turn into petitions — how serious, how many people, whether a group
visit may follow."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.disputes.models.choices import DisputeCategory, RiskLevel
from shanzhi.org.models import Region


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")  # reported; the street and community keep an eye on it
    CLOSED = "closed", _("Closed")  # settled or no longer a risk, with a note saying why


class RiskReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shanzhi.disputes.access import RISK_READERS, area_filter

        return self.filter(area_filter(user, RISK_READERS))

    def open(self):
        return self.filter(status=RiskStatus.OPEN)


class RiskReport(models.Model):
    grid = models.ForeignKey(
        Region, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    # The grid's path, copied: "the risks of this community" is one prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    street = models.ForeignKey(
        Region, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    category = models.CharField(_("kind of matter"), max_length=24, choices=DisputeCategory.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    people_count = models.PositiveIntegerField(_("people involved"))
    people = models.ManyToManyField(
        "registry.Person", verbose_name=_("people in the registry"), blank=True, related_name="+"
    )
    group_petition = models.BooleanField(_("a group petition may follow"), default=False)
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_note = models.TextField(_("why it is closed"), blank=True)

    objects = RiskReportQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("risk report")
        verbose_name_plural = _("risk reports")
        indexes = [
            models.Index(fields=["street", "status", "reported_at"], name="risk_street_status"),
            models.Index(fields=["path", "status"], name="risk_path_status"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"
