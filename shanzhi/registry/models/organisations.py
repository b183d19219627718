"""Organisations in the grid: resident units (驻区单位), enterprises and social
organisations, with their unified social credit code and contacts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.core import crypto
from shanzhi.lib import codes, idcard
from shanzhi.registry import blindindex
from shanzhi.registry.models.common import AreaQuerySet, InGrid, Versioned, hidden, validate_grid


class OrganisationKind(models.TextChoices):
    RESIDENT_UNIT = "resident_unit", _("Resident unit (驻区单位)")
    ENTERPRISE = "enterprise", _("Enterprise (企业)")
    SOCIAL_ORGANISATION = "social_org", _("Social organisation (社会组织)")


class OrganisationQuerySet(AreaQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Organisation(InGrid, Versioned):
    """An organisation located in a grid. The unified social credit code is optional:
    community social organisations that are only filed with the street (备案) have none."""

    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    has_party_organisation = models.BooleanField(_("has a party organisation"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    building = models.ForeignKey(
        "registry.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone_encrypted = models.TextField(blank=True, editable=False)
    contact_phone_index = models.CharField(max_length=64, blank=True, editable=False)
    contact_phone_masked = models.CharField(
        _("contact phone"), max_length=20, blank=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = OrganisationQuerySet.as_manager()

    AUDIT_MASKED_FIELDS = {"contact_name": idcard.mask_name, "contact_phone_index": hidden}

    class Meta:
        ordering = ["path", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~Q(uscc=""),
                name="organisation_uscc_unique",
                violation_error_message=_(
                    "An organisation with this unified social credit code is already registered."
                ),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def contact_phone(self) -> str:
        return crypto.decrypt(self.contact_phone_encrypted)

    def set_contact_phone(self, value: str) -> None:
        if not (value or "").strip():
            self.contact_phone_encrypted = self.contact_phone_index = ""
            self.contact_phone_masked = ""
            return
        try:
            value = codes.check_phone(value)
        except codes.CodeError as exc:
            raise ValidationError({"contact_phone": exc.message}, code=exc.code) from None
        self.contact_phone_encrypted = crypto.encrypt(value)
        self.contact_phone_index = blindindex.phone(value)
        self.contact_phone_masked = codes.mask_phone(value)

    def clean(self):
        super().clean()
        errors = {}
        try:
            validate_grid(self.grid if self.grid_id else None)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if not self.name.strip():
            errors["name"] = _("Enter the name.")
        if self.uscc:
            try:
                self.uscc = codes.parse_uscc(self.uscc).value
            except codes.CodeError as exc:
                errors["uscc"] = exc.message
        if self.building_id and self.grid_id and self.building.grid_id != self.grid_id:
            errors["building"] = _("The building lies in another grid than the one chosen.")
        if errors:
            raise ValidationError(errors)
