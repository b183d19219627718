"""The personal-data access log: every full value shown and every export of personal
data, with who, what, which field, why and where. Auditors of the area read it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.protection import PURPOSES


class AccessKind(models.TextChoices):
    REVEAL = "reveal", _("Full value shown")
    EXPORT = "export", _("Export of personal data")


class PersonalDataAccessQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shanzhi.registry.access import access_log_filter

        return self.filter(access_log_filter(user))


class PersonalDataAccess(models.Model):
    """One entry of the access log. Append-only, like the audit log; the same access
    is also an audit event, so that the hash chain shows if an entry went missing."""

    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("who"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=AccessKind.choices)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The field shown in full; for an export, the fields exported unmasked (if any).
    field = models.CharField(_("fields"), max_length=100, blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=[(k, v) for k, v in PURPOSES.items()]
    )
    count = models.PositiveIntegerField(_("records"), default=1)
    watermark = models.CharField(_("watermark"), max_length=300, blank=True)
    # The area of the object (for an export: of the area exported).
    path = models.CharField(max_length=255, db_index=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
        indexes = [models.Index(fields=["object_type", "object_id"], name="data_access_object")]

    def __str__(self):
        return f"{self.actor_label} · {self.get_kind_display()} · {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("the access log is append-only")
