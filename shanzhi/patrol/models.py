"""What the patrol pages store of their own: the idempotency token of each submission, so
that a report queued offline and sent again never makes a second case."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PatrolSubmission(models.Model):
    """One accepted patrol report: the token the page generated, and the case it made."""

    token = models.UUIDField(_("submission token"), unique=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("patrol submission")
        verbose_name_plural = _("patrol submissions")

    def __str__(self):
        return str(self.token)
