"""Early warnings for the street, with the evidence they were raised on, and the daily runs
that compute them (claimed by one host at a time)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.org.models import Region


class WarningKind(models.TextChoices):
    SPIKE = "spike", _("More matters than usual")  # a grid × category count above baseline
    SAME_MATTER = "same_matter", _("Several people, the same matter")


class EarlyWarningQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shanzhi.disputes.access import WARNING_READERS, area_filter

        return self.filter(area_filter(user, WARNING_READERS))

    def open(self):
        return self.filter(acknowledged_at__isnull=True)


class EarlyWarning(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=WarningKind.choices)
    street = models.ForeignKey(
        Region, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        Region,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    category = models.ForeignKey(
        "duties.MatterCategory",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    day = models.DateField(_("last day counted"))
    # What makes two warnings the same one: grid and category, or the group's first case.
    key = models.CharField(max_length=64)
    # The evidence, as it was when the warning was raised.
    count = models.PositiveIntegerField(_("count"))
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    factor = models.FloatField(_("factor"), null=True, blank=True)
    weekly = models.JSONField(_("weeks before"), default=list)
    requesters = models.PositiveIntegerField(_("requesters"), default=0)
    case_numbers = models.JSONField(_("cases"), default=list)
    created = models.DateTimeField(default=timezone.now, editable=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledgement = models.TextField(_("what is done about it"), blank=True)

    objects = EarlyWarningQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-created", "-pk"]
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "day"], name="warning_once_a_day")
        ]
        indexes = [models.Index(fields=["street", "kind", "day"], name="warning_street_day")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.day}"


class WarningRun(models.Model):
    """One day's computation. A host claims it with a conditional UPDATE; a claim left
    unfinished for long (the host died) may be taken over."""

    day = models.DateField(unique=True)
    claimed_by = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    warnings = models.PositiveIntegerField(default=0)

    def __str__(self):
        return str(self.day)
