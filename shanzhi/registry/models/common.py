"""What every registry table shares: the grid and area path used for scoped queries, the
effective dating of facts that change over time, and the version counter that detects
edits based on stale data."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.org.models import Level, Region


def validate_grid(grid: Region | None) -> None:
    """Records are kept per base grid (网格), the unit grid workers are responsible for."""
    if grid is None:
        raise ValidationError({"grid": _("Choose the grid.")})
    if grid.level != Level.GRID:
        raise ValidationError(
            {"grid": _("%(unit)s is not a grid: records are kept per grid.") % {"unit": grid}}
        )
    if not grid.is_active:
        raise ValidationError({"grid": _("%(unit)s is no longer active.") % {"unit": grid}})


class AreaQuerySet(models.QuerySet):
    """Rows placed in the org tree by a copied area path (``path_lookup``)."""

    path_lookup = "path"

    def visible_to(self, user):
        from shanzhi.registry.access import readable_filter

        return self.filter(readable_filter(user, self.path_lookup))

    def in_area(self, region: Region):
        if not region.path:  # an unsaved unit's empty path would match everything
            return self.none()
        return self.filter(**{f"{self.path_lookup}__startswith": region.path})


class InGrid(models.Model):
    """A row that belongs to a grid. ``path`` is the grid's path copied at write time, so
    that "everything in this community" is one indexed prefix match (as ``Case.scope_path``).
    """

    grid = models.ForeignKey(
        Region,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        abstract = True

    def place_in(self, grid: Region) -> None:
        self.grid = grid
        self.path = grid.path


class Versioned(models.Model):
    """``version`` grows by one with every change, so that a change prepared from version
    n (a form, a proposal from a grid worker's round) is refused once someone else has
    changed the row (``actions.common.check_version``)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class EffectiveQuerySet(AreaQuerySet):
    def current(self):
        """In effect now: not yet closed."""
        return self.filter(valid_to__isnull=True)

    def as_of(self, day, *, known_at=None):
        """In effect on ``day``: started on or before it, ended after it.

        With ``known_at`` (a datetime), as the registry knew it then: rows recorded later
        are left out and rows closed later count as open. So a count for a past day made
        last month comes out the same today, even after back-dated corrections.
        """
        in_effect = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        if known_at is None:
            return self.filter(in_effect)
        open_then = Q(valid_to__isnull=True) | Q(valid_to__gt=day) | Q(closed_at__gt=known_at)
        return self.filter(Q(recorded_at__lte=known_at, valid_from__lte=day) & open_then)


class EffectiveDated(models.Model):
    """A fact in effect from ``valid_from`` (生效) until ``valid_to`` (失效, exclusive; empty
    while current). A change closes the current row and opens a new one: nothing is
    overwritten, so any past day can be read again. ``recorded_at`` and ``closed_at`` say
    when the registry learnt of the start and the end (for ``as_of(..., known_at=)``).

    A row closed on the day it started (``valid_to == valid_from``) was corrected the same
    day: it is kept as history but is in effect on no day.
    """

    valid_from = models.DateField(_("in effect from"), default=timezone.localdate)
    valid_to = models.DateField(_("in effect until"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_from > timezone.localdate():
            raise ValidationError({"valid_from": _("The date lies in the future.")})
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("The end date is before the date it took effect.")}
            )


def effective_range_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
        name=name,
    )


def hidden(value) -> str:
    """Audit mask for secrets that must not be kept even masked (blind indexes)."""
    return "*"
