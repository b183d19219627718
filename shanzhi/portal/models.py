"""Rows the public pages keep: the checks made on the tracking page, which its
brute-force limits count (docs/portal.md)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TrackingAttempt(models.Model):
    """One check of a case number and phone suffix on the tracking page. A check that
    succeeds removes its row; a failed one stays as long as the longest limit's window
    and is then deleted, with the client address it holds."""

    at = models.DateTimeField(_("time"), default=timezone.now)
    address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    number = models.CharField(_("case number typed"), max_length=24)

    class Meta:
        verbose_name = _("tracking attempt")
        verbose_name_plural = _("tracking attempts")
        indexes = [
            models.Index(fields=["number", "at"], name="tracking_number_at"),
            models.Index(fields=["address", "at"], name="tracking_address_at"),
            models.Index(fields=["at"], name="tracking_at"),
        ]

    def __str__(self):
        return f"{self.number} {self.at:%Y-%m-%d %H:%M:%S}"
