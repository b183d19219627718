"""Grid workers' rounds (走访): planned visits to households, dwellings and people, what
the worker recorded on the visit, and the changes to the registry they proposed.

- ``VisitPlan``: what a community staff member or grid leader asked for: which grid, why
  (a routine round, a care visit, a rental-housing check, an information-collection
  campaign), with a note. Its visits carry the worker and the date.
- ``Visit``: one household, dwelling or person to visit, by one grid worker, by a date.
  Recorded once, on the phone: outcome, notes, an optional photo, when and where.
- ``ProposedChange``: "what changed", found on the visit. It names its target and keeps
  the facts of the target as the worker saw them (with its version), so that a change
  made by someone else meanwhile is shown side by side and never silently overwritten.
  Community staff confirm or reject it; where the community has chosen so
  (``RoundsConfig``), the worker's changes apply at once and are audited the same way.
"""

import json
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shanzhi.core import audit, crypto
from shanzhi.org.models import Region
from shanzhi.registry.models.common import AreaQuerySet, InGrid
from shanzhi.registry.models.people import CareTagKind


class VisitPurpose(models.TextChoices):
    ROUTINE = "routine", _("Routine round (例行走访)")
    CARE = "care", _("Care visit (关爱走访)")
    RENTAL_CHECK = "rental_check", _("Rental housing check (出租房屋检查)")
    INFO_COLLECTION = "info_collection", _("Information collection (信息采集)")


# The care tags a care visit is planned for: the ones grid workers see and visit for
# (``protection.CARE_TAG_READERS``). Low income is handled by the community and street.
CARE_VISIT_KINDS = (CareTagKind.ELDERLY_ALONE, CareTagKind.DISABLED, CareTagKind.LEFT_BEHIND)


class VisitState(models.TextChoices):
    # Waiting for the worker; overdue once its date has passed (``VisitQuerySet.overdue``).
    PLANNED = "planned", _("Planned")
    # The worker recorded it; final.
    RECORDED = "recorded", _("Recorded")
    # Called off by a planner, with a reason; final.
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    MET = "met", _("Met the household")
    NOBODY_HOME = "nobody_home", _("Nobody home")
    REFUSED = "refused", _("Refused the visit")
    MOVED_AWAY = "moved_away", _("Moved away")


class VisitPlan(InGrid):
    """A set of visits asked for together: one grid, one purpose."""

    purpose = models.CharField(_("purpose"), max_length=20, choices=VisitPurpose.choices)
    care_kind = models.CharField(
        _("care need"), max_length=16, choices=CareTagKind.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.DateTimeField(_("planned"), default=timezone.now, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")

    def __str__(self):
        return gettext("Visit plan #%(pk)s") % {"pk": self.pk}


class VisitQuerySet(AreaQuerySet):
    def visible_to(self, user):
        """Visits in the viewer's area; a care visit only for those who see its care
        tag (a care visit tells which tag the person carries)."""
        from shanzhi.registry.rounds.access import visit_filter

        return self.filter(visit_filter(user))

    def planned(self):
        return self.filter(state=VisitState.PLANNED)

    def overdue(self, today=None):
        """Planned and its date has passed: the one definition of "overdue"."""
        return self.planned().filter(due__lt=today or timezone.localdate())

    def assigned_to(self, user):
        return self.filter(worker=user)

    def concerning(self, person):
        """Visits to the person, to a household they belonged to, or proposing a change
        about them."""
        return self.filter(
            Q(person=person) | Q(household__members__person=person) | Q(proposals__person=person)
        ).distinct()


def photo_path(instance, filename):
    # The name the phone gave the file is not kept: it may say who or where.
    ext = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}.get(
        instance.photo_type, ""
    )
    return f"registry/visits/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Visit(InGrid):
    """One visit: to a household, a dwelling or a person (exactly one), by a grid worker
    of the grid, by a date."""

    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="visits"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    dwelling = models.ForeignKey(
        "registry.Dwelling",
        verbose_name=_("dwelling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grid worker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due = models.DateField(_("visit by"))
    state = models.CharField(
        _("state"), max_length=10, choices=VisitState.choices, default=VisitState.PLANNED
    )
    # What the worker recorded.
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    visited_at = models.DateTimeField(_("visited"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    photo = models.FileField(_("photo"), upload_to=photo_path, blank=True)
    photo_type = models.CharField(max_length=20, blank=True, editable=False)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True, editable=False)
    # Why a planner called the visit off.
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(household__isnull=False, dwelling__isnull=True, person__isnull=True)
                    | Q(household__isnull=True, dwelling__isnull=False, person__isnull=True)
                    | Q(household__isnull=True, dwelling__isnull=True, person__isnull=False)
                ),
                name="visit_one_target",
            )
        ]
        indexes = [
            # A worker's visits still to make, by date.
            models.Index(
                fields=["worker", "due"],
                condition=Q(state="planned"),
                name="visit_worker_planned",
            ),
            models.Index(fields=["path", "state", "due"], name="visit_area_state_due"),
        ]

    def __str__(self):
        return gettext("Visit #%(pk)s") % {"pk": self.pk}

    @property
    def target(self):
        return self.household or self.dwelling or self.person

    def is_overdue(self, today=None) -> bool:
        return self.state == VisitState.PLANNED and self.due < (today or timezone.localdate())


class ChangeKind(models.TextChoices):
    PHONE = "phone", _("Phone number changed")
    MOVED_OUT = "moved_out", _("Moved out of the area")
    NEW_MEMBER = "new_member", _("New household member")
    NEW_TENANT = "new_tenant", _("Tenant moved in")
    HAZARD = "hazard", _("Rental housing hazard found")
    CARE_NEED = "care_need", _("Care need noticed")


class ChangeState(models.TextChoices):
    # Waits for community staff (also after a direct application failed).
    PENDING = "pending", _("Waiting for confirmation")
    # Applied to the registry (confirmed, or applied directly); final.
    APPLIED = "applied", _("Applied")
    # Rejected with a reason; final.
    REJECTED = "rejected", _("Rejected")


class ProposedChangeQuerySet(AreaQuerySet):
    def visible_to(self, user):
        from shanzhi.registry.rounds.access import change_filter

        return self.filter(change_filter(user))

    def pending(self):
        return self.filter(state=ChangeState.PENDING)


class ProposedChange(InGrid):
    """A change to the registry found on a visit. ``seen`` holds the target's facts as
    the worker saw them (keys starting with "_" are compared, not shown), ``seen["_version"]``
    the version they were based on. Values that the registry encrypts (phone, ID number)
    are kept encrypted in ``secret_encrypted``, with their masks in ``values``."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="proposals"
    )
    kind = models.CharField(_("change"), max_length=12, choices=ChangeKind.choices)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="round_proposals",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="round_proposals",
    )
    dwelling = models.ForeignKey(
        "registry.Dwelling",
        verbose_name=_("dwelling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="round_proposals",
    )
    based_on = models.PositiveIntegerField(_("based on version"))
    seen = models.JSONField(_("as seen on the visit"), default=dict)
    values = models.JSONField(_("proposed values"), default=dict)
    # What the worker proposed, when the staff member who confirmed it edited it.
    original_values = models.JSONField(_("as proposed"), default=dict, blank=True)
    secret_encrypted = models.TextField(blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.DateTimeField(_("proposed"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    applied_directly = models.BooleanField(_("applied without confirmation"), default=False)
    # The version the change was applied on: ``based_on``, or the current one when staff
    # chose to apply it anyway after a conflict.
    applied_on = models.PositiveIntegerField(null=True, blank=True)
    # Why applying it failed the last time (a direct application, kept for the staff).
    last_error = models.TextField(_("could not be applied"), blank=True)

    objects = ProposedChangeQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(household__isnull=False, dwelling__isnull=True, person__isnull=True)
                    | Q(household__isnull=True, dwelling__isnull=False, person__isnull=True)
                    | Q(household__isnull=True, dwelling__isnull=True, person__isnull=False)
                ),
                name="proposed_change_one_target",
            )
        ]
        indexes = [
            models.Index(
                fields=["path", "created"],
                condition=Q(state="pending"),
                name="proposed_change_pending",
            )
        ]

    def __str__(self):
        return gettext("Proposed change #%(pk)s") % {"pk": self.pk}

    @property
    def target(self):
        return self.household or self.dwelling or self.person

    @property
    def secret(self) -> dict:
        """The encrypted values (phone, ID number) in full: for applying the change only,
        never for display."""
        text = crypto.decrypt(self.secret_encrypted)
        return json.loads(text) if text else {}

    def set_secret(self, data: dict) -> None:
        data = {k: v for k, v in data.items() if v}
        self.secret_encrypted = crypto.encrypt(json.dumps(data, sort_keys=True)) if data else ""


class RoundsConfig(models.Model):
    """How a community handles its grid workers' proposed changes. Without a row, they
    wait for community staff. With ``workers_apply_directly``, they apply at once
    ("or the worker, when configured"), each still audited with its visit."""

    community = models.OneToOneField(
        Region, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    workers_apply_directly = models.BooleanField(
        _("grid workers' changes apply without confirmation"), default=False
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("rounds setting")
        verbose_name_plural = _("rounds settings")

    def __str__(self):
        return gettext("Rounds setting of %(community)s") % {"community": self.community}

    @classmethod
    def applies_directly(cls, grid: Region) -> bool:
        community = grid.community()
        if community is None:
            return False
        return cls.objects.filter(community=community, workers_apply_directly=True).exists()


# Labels of the audited actions, for the audit log pages. Registered here because the
# registry app imports this module while Django loads its models.
audit.register_actions(
    {
        "registry.rounds.plan": _("Visits planned"),
        "registry.rounds.cancel": _("Visit cancelled"),
        "registry.rounds.record": _("Visit recorded"),
        "registry.rounds.confirm": _("Proposed change confirmed"),
        "registry.rounds.apply_directly": _("Proposed change applied without confirmation"),
        "registry.rounds.reject": _("Proposed change rejected"),
        "registry.rounds.config": _("Rounds setting changed"),
    }
)
