from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shanzhi.core import crypto
from shanzhi.lib import hashchain, identity


def validate_mobile(value: str) -> None:
    if not identity.is_valid_mobile(value):
        raise ValidationError(
            _("“%(value)s” is not a valid mainland mobile number (11 digits starting with 1)."),
            code="invalid_mobile",
            params={"value": value},
        )


class User(AbstractUser):
    """A person who signs in: resident, grid worker, official, adviser or auditor.

    What a user may see and do follows from their memberships (``org.Membership``).
    """

    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    phone = models.CharField(
        _("mobile phone"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_mobile],
        error_messages={"unique": _("This mobile number is already registered.")},
        help_text=_("Can be used instead of the username to sign in."),
    )
    # The ID number is kept encrypted; only its mask is stored in clear for display.
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)

    objects = UserManager()

    # Personal contact details are written to the append-only audit log masked: the log
    # shows that a number changed without keeping it forever (``core.actions.snapshot``).
    AUDIT_MASKED_FIELDS = {"phone": identity.mask_mobile, "email": identity.mask_email}

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.real_name or self.username

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    def set_id_number(self, value: str) -> None:
        value = identity.normalize_id_number(value or "")
        if value and not identity.is_valid_id_number(value):
            raise ValidationError(
                _("The ID number is not valid: it needs 18 characters with a correct check digit."),
                code="invalid_id_number",
            )
        self.id_number_encrypted = crypto.encrypt(value)
        self.id_number_masked = identity.mask_id_number(value)

    def reveal_id_number(self) -> str:
        """The full ID number. Callers must check the viewer's duty and log the access."""
        return crypto.decrypt(self.id_number_encrypted)

    def clean(self):
        super().clean()
        if self.phone:
            self.phone = identity.normalize_mobile(self.phone)


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def within(self, paths):
        """Events about objects under any of these org-tree paths (empty paths skipped)."""
        query = models.Q(pk__in=[])
        for path in paths:
            if path:
                query |= models.Q(scope_path__startswith=path)
        return self.filter(query)


class AuditEvent(models.Model):
    """One entry of the append-only audit log, chained to the previous one by SHA-256."""

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    created = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        "core.User",
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept apart from the foreign key so that the record still says who acted if the
    # user is later renamed.
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Materialised path of the org unit the object belongs to ("/1/4/17/"), so that an
    # auditor of a street reads the events of that street only.
    scope_path = models.CharField(_("scope"), max_length=255, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")

    @property
    def actor_display(self) -> str:
        """Who acted, for display: the stored name, or "system" in the reader's language
        (the system is stored as an empty label; early events stored "system")."""
        if self.actor_id is None and self.actor_label in ("", "system"):
            return gettext("System")
        return self.actor_label

    def content(self) -> dict:
        """What the hash covers."""
        return {
            "seq": self.seq,
            "created": self.created,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "legal_basis": self.legal_basis,
            "note": self.note,
            "scope_path": self.scope_path,
        }


class AuditHead(models.Model):
    """The single row holding the chain's last sequence number and hash.

    Appending locks this row, so concurrent writers cannot fork the chain, and a deleted
    tail of the log no longer matches it.
    """

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=hashchain.GENESIS)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"#{self.last_seq} {self.last_hash[:12]}"


class NotificationChannel(models.TextChoices):
    IN_APP = "inapp", _("In the platform")
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """The outbox: one message to one person on one channel. Written in the same
    transaction as the change it reports; delivered afterwards by a background task."""

    recipient = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    # A text message to someone without an account (a caller who gave a phone number).
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False)
                | (models.Q(channel="sms") & ~models.Q(phone="")),
                name="notification_has_an_addressee",
            )
        ]

    def __str__(self):
        return self.subject
