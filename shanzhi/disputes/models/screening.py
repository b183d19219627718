"""Screening campaigns (矛盾纠纷排查): the street or a community asks its grid workers to
check a list of things in every grid by a date. Each grid's checklist is filled on a
phone; what is found becomes a dispute for mediation or a case of the engine."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.org.models import Region


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open")  # checklists are being filled
    CLOSED = "closed", _("Closed")  # finished: no checklist changes any more


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shanzhi.disputes.access import campaign_filter

        return self.filter(campaign_filter(user))


class Campaign(models.Model):
    area = models.ForeignKey(
        Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    instructions = models.TextField(_("instructions"), blank=True)
    # The things to check, copied into every grid's checklist when it starts.
    items = models.JSONField(_("items to check"), default=list)
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("started"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("screening campaign")
        verbose_name_plural = _("screening campaigns")

    def __str__(self):
        return self.title


class ChecklistStatus(models.TextChoices):
    PENDING = "pending", _("To fill")  # waits for the grid's worker
    SUBMITTED = "submitted", _("Filled")  # every item answered


class ChecklistQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shanzhi.disputes.access import checklist_filter

        return self.filter(checklist_filter(user))

    def overdue(self, today=None):
        """Still to fill after the campaign's due date: the one definition of overdue."""
        return self.filter(
            status=ChecklistStatus.PENDING,
            campaign__status=CampaignStatus.OPEN,
            campaign__due__lt=today or timezone.localdate(),
        )


class GridChecklist(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checklists")
    grid = models.ForeignKey(
        Region, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("grid workers"), related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ChecklistStatus.choices,
        default=ChecklistStatus.PENDING,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("filled"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        ordering = ["grid__code"]
        verbose_name = _("grid checklist")
        verbose_name_plural = _("grid checklists")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "grid"], name="one_checklist_per_grid")
        ]

    def __str__(self):
        return f"{self.campaign} · {self.grid}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == ChecklistStatus.PENDING
            and self.campaign.status == CampaignStatus.OPEN
            and self.campaign.due < timezone.localdate()
        )


class ItemResult(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked yet")
    NOTHING = "nothing", _("Nothing found")
    FOUND = "found", _("Something found")


class FindingKind(models.TextChoices):
    """What a finding becomes."""

    DISPUTE = "dispute", _("A dispute for mediation")
    GRID_EVENT = "grid_event", _("A grid event")
    SERVICE_REQUEST = "service_request", _("A service request")


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(GridChecklist, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("item"), max_length=200)
    # Something found that the list did not ask about.
    extra = models.BooleanField(_("found besides the list"), default=False)
    result = models.CharField(
        _("result"), max_length=10, choices=ItemResult.choices, default=ItemResult.UNCHECKED
    )
    note = models.TextField(_("what was found"), blank=True)
    # The case the finding became (a mediation case for a dispute).
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="screening_finding",
    )
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    converted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.text
