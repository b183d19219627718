"""Integrations: other systems that use the platform through its machine interfaces
(the JSON API, Open311), each with its own token, scopes and rate limit.

An integration acts as a service account (``user``) that holds, through an ordinary
membership, the role it was given in the org unit or body it acts for. Every request
is answered as that account, so the same access helpers as on the pages decide what
it may see and do (``cases.access``). The account has no password: it cannot sign in
to the pages.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.core.roles import Role
from shanzhi.org.models import Body, Membership, Region


class Scope(models.TextChoices):
    CASES_READ = "cases:read", _("Read cases")
    CASES_WRITE = "cases:write", _("Register cases and act on them")
    CATALOGUE_READ = "catalogue:read", _("Read the matter catalogue, grids and bodies")
    CALLS_WRITE = "calls:write", _("Report the hotline's telephone call events")
    REGISTRY_READ = "registry:read", _("Find people of the grid registry, masked")
    REGISTRY_REVEAL = "registry:reveal", _("Reveal a masked personal value for a purpose, logged")


# The roles an integration may act in: the case roles of dispatch centres, street and
# community offices, departments and leaders. Not grid workers or leaders (they are
# published on the grid roster), not administrators or auditors (they open the admin
# screens), not residents.
INTEGRATION_ROLES = (
    Role.STREET_DISPATCHER,
    Role.STREET_STAFF,
    Role.COMMUNITY_STAFF,
    Role.DEPARTMENT_HANDLER,
    Role.LEADER,
)


def validate_scopes(value) -> None:
    known = set(Scope.values)
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ValidationError(_("Scopes are a list of names."), code="invalid_scopes")
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValidationError(
            _("Unknown scopes: %(names)s.") % {"names": ", ".join(unknown)},
            code="unknown_scope",
        )


def default_rate_limit() -> int:
    return settings.API_RATE_LIMIT_PER_MINUTE


class IntegrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def within(self, scope):
        """Integrations acting in the area of an org scope (``org.access.Scope``)."""
        if scope.everything:
            return self
        roots = [p for p in scope.region_paths if p]
        if not roots:
            return self.none()
        query = Q(pk__in=[])
        for root in roots:
            query |= Q(region__path__startswith=root) | Q(body__region__path__startswith=root)
        return self.filter(query)

    def count_request(self, pk: int, *, window_start: int, limit: int, now) -> bool:
        """Count one request in the current fixed window, if the window's allowance is
        not used up; whether it was counted. One conditional UPDATE, so that every
        server process and host counts against the same allowance without a lock
        taken around it; the last use is written by the same statement."""
        counted = self.filter(
            Q(pk=pk) & (~Q(window_start=window_start) | Q(window_count__lt=limit))
        ).update(
            window_count=Case(
                When(window_start=window_start, then=F("window_count") + 1), default=Value(1)
            ),
            window_start=window_start,
            last_used=now,
        )
        return counted == 1


class Integration(models.Model):
    """Another system using the machine interfaces, with one token at a time."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="integration",
        editable=False,
    )
    role = models.CharField(
        _("role"),
        max_length=24,
        choices=[(r.value, r.label) for r in INTEGRATION_ROLES],
        blank=True,
        help_text=_(
            "The role it acts in. Without a role it registers cases and follows the cases "
            "it registered, nothing else."
        ),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The membership that gives the service account its role (none without a role).
    membership = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    scopes = models.JSONField(_("scopes"), default=list, validators=[validate_scopes])
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"),
        default=default_rate_limit,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
    )
    # Only a hash of the token is kept; the token itself is shown once when it is made.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_id = models.CharField(_("key id"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    last_used = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    # The fixed rate-limit window (start, in seconds since the epoch) and its count.
    window_start = models.BigIntegerField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    objects = IntegrationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self):
        return self.name

    @property
    def unit_region(self) -> Region | None:
        """The area it acts for: its org unit, or the area its body serves."""
        if self.region_id:
            return self.region
        return self.body.region if self.body_id else None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def clean(self):
        errors = {}
        if not self.region_id and not self.body_id:
            errors["region"] = _("Choose the org unit or the body the integration acts for.")
        if self.role and self.role not in INTEGRATION_ROLES:
            errors["role"] = _("An integration cannot act as a %(role)s.") % {
                "role": Role(self.role).label
            }
        if errors:
            raise ValidationError(errors)


class IdempotencyKey(models.Model):
    """A request that created something, remembered under the key its client sent, so
    that a retry with the same key gets the first answer instead of a second object.
    Stored in the same transaction as what it created: either both exist or neither."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    status_code = models.PositiveSmallIntegerField(default=201)
    response = models.JSONField()
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["integration", "key"], name="idempotency_key_once")
        ]

    def __str__(self):
        return f"{self.integration} · {self.key}"
