"""Telephone calls to the hotline, as the telephone system (CTI/PBX) reports them through
the API (``api/calls.py``): offered to the queue, answered by an operator, ended. The
console links the case registered during a call to it, and measures the answer KPI and
handling times from these rows (``lib/callstats.py``)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.lib import identity
from shanzhi.lib.callstats import CallTimes


class CallState(models.TextChoices):
    """Where a call stands; derived from its instants, never stored."""

    RINGING = "ringing", _("Ringing")  # offered, not answered, not ended
    ANSWERED = "answered", _("In conversation")  # answered, not ended
    ENDED = "ended", _("Ended")  # answered, then ended
    ABANDONED = "abandoned", _("Abandoned")  # ended without being answered


# The named sets as conditions, for counting several of them in one query.
ANSWERED = Q(answered_at__isnull=False)
ABANDONED = Q(answered_at__isnull=True, ended_at__isnull=False)
RINGING = Q(answered_at__isnull=True, ended_at__isnull=True)


def answered_within(seconds: float) -> Q:
    return ANSWERED & Q(answered_at__lte=F("offered_at") + timedelta(seconds=seconds))


class CallQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(ANSWERED)

    def abandoned(self):
        """Ended without being answered (the caller hung up in the queue)."""
        return self.filter(ABANDONED)

    def ringing(self):
        return self.filter(RINGING)

    def within(self, seconds: float):
        """Answered at most ``seconds`` after being offered (the answer KPI's numerator)."""
        return self.filter(answered_within(seconds))

    def in_shift(self, start, end):
        """Offered in ``[start, end)``: a call belongs to the shift it rang in."""
        return self.filter(offered_at__gte=start, offered_at__lt=end)

    def serving(self, scope):
        """The calls of the lines that serve an operator's area (an ``org.access.Scope``):
        reported by integrations acting for that area, a unit inside it, or a unit that
        contains it (the district's hotline serves every street)."""
        if scope.everything:
            return self
        paths = [p for p in scope.region_paths if p]
        if not paths:
            return self.none()
        query, above = Q(pk__in=[]), set()
        for path in paths:
            query |= Q(scope_path__startswith=path)
            parts = [p for p in path.strip("/").split("/") if p]
            above |= {"/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts))}
        return self.filter(query | Q(scope_path__in=sorted(above)))


class Call(models.Model):
    """One telephone call to the hotline, identified by the telephone system's own id."""

    # The telephone system that reported it; its call ids are unique within it only.
    integration = models.ForeignKey(
        "api.Integration",
        verbose_name=_("telephone system"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The telephone system's id of the call, as it sends it with every event.
    call_id = models.CharField(_("call id"), max_length=64)
    # The calling number as the network presented it; empty when withheld.
    caller = models.CharField(_("caller number"), max_length=20, blank=True)
    # The hotline line or queue the call came in on (e.g. "12345", "12345-elderly").
    line = models.CharField(_("line"), max_length=40, blank=True)
    # Entered the queue: the call is offered (ringing) from then on. Never empty.
    offered_at = models.DateTimeField(_("offered"))
    # Picked up by an operator; empty while ringing, and for good once abandoned.
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Hung up, answered or not; empty while the call goes on.
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The operator who answered (the telephone system names them by username); empty
    # until answered.
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The first case the operator registered at the console during the call; empty
    # until a case is saved with the call's id.
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # When the operator last saved a case for the call: work after hanging up counts
    # in the handling time. Empty while no case is saved.
    case_saved_at = models.DateTimeField(_("case saved"), null=True, blank=True)
    # The telephone system's area (its integration's org unit), for who sees the call.
    scope_path = models.CharField(max_length=255, blank=True, editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = CallQuerySet.as_manager()

    # The calling number is written to the append-only audit log masked.
    AUDIT_MASKED_FIELDS = {"caller": identity.mask_mobile}

    class Meta:
        ordering = ["-offered_at", "-pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(fields=["integration", "call_id"], name="call_id_once"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("offered_at")),
                name="call_answered_after_offered",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("offered_at")),
                name="call_ended_after_offered",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(answered_at__isnull=True)
                | Q(ended_at__gte=F("answered_at")),
                name="call_ended_after_answered",
            ),
        ]
        indexes = [
            # The hotline's calls of a shift, and an operator's.
            models.Index(fields=["offered_at", "scope_path"], name="call_offered"),
            models.Index(fields=["operator", "offered_at"], name="call_operator_offered"),
        ]

    def __str__(self):
        return f"{self.call_id} · {timezone.localtime(self.offered_at):%Y-%m-%d %H:%M:%S}"

    @property
    def state(self) -> str:
        if self.ended_at is None:
            return CallState.RINGING if self.answered_at is None else CallState.ANSWERED
        return CallState.ABANDONED if self.answered_at is None else CallState.ENDED

    def times(self) -> CallTimes:
        return CallTimes(
            offered=self.offered_at,
            answered=self.answered_at,
            ended=self.ended_at,
            saved=self.case_saved_at,
        )
