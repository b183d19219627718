"""Places and things: buildings (楼栋), dwellings (房屋) with rented dwellings (出租房屋) and
their tenants, and city components (城市部件).

Buildings, dwellings and components are changed in place (a new version, the old values
in the audit log); tenancies are effective-dated, because who lived where when matters
for safety checks and for the population counts of a past day.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shanzhi.lib import codes
from shanzhi.registry import addresses
from shanzhi.registry.models.common import (
    AreaQuerySet,
    EffectiveDated,
    EffectiveQuerySet,
    InGrid,
    Versioned,
    effective_range_check,
    validate_grid,
)


class BuildingUse(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    MIXED = "mixed", _("Residential and commercial")
    COMMERCIAL = "commercial", _("Commercial")
    OFFICE = "office", _("Offices")
    PUBLIC = "public", _("Public service (school, hospital …)")
    INDUSTRIAL = "industrial", _("Industrial or warehouse")
    OTHER = "other", _("Other")


class BuildingQuerySet(AreaQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def address_suggestions(self, text: str, limit: int = 10):
        """Buildings whose address starts with, or else contains, what was typed (for
        autocompletion in the portal and the hotline console: building addresses are
        not personal data)."""
        key = addresses.normalise(text)
        if not key:
            return self.none()
        starts = list(
            self.active().filter(address_key__startswith=key).order_by("address_key")[:limit]
        )
        if len(starts) < limit:
            seen = [b.pk for b in starts]
            starts += list(
                self.active()
                .filter(address_key__contains=key)
                .exclude(pk__in=seen)
                .order_by("address_key")[: limit - len(starts)]
            )
        return starts


class Building(InGrid, Versioned):
    """A building (楼栋) in a grid."""

    name = models.CharField(_("building"), max_length=50, help_text=_("For example 3号楼."))
    address = models.CharField(_("address"), max_length=200)
    address_key = models.CharField(max_length=200, db_index=True, editable=False)
    use = models.CharField(
        _("use"), max_length=12, choices=BuildingUse.choices, default=BuildingUse.RESIDENTIAL
    )
    floors = models.PositiveSmallIntegerField(_("floors above ground"), null=True, blank=True)
    units = models.PositiveSmallIntegerField(_("entrances (单元)"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        ordering = ["path", "address_key"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(
                fields=["address_key"],
                condition=Q(is_active=True),
                name="building_address_unique",
                violation_error_message=_("A building with this address is already registered."),
            )
        ]

    def __str__(self):
        return self.address

    def clean(self):
        super().clean()
        errors = {}
        try:
            validate_grid(self.grid if self.grid_id else None)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        self.address = self.address.strip()
        self.address_key = addresses.normalise(self.address)
        if not self.address_key:
            errors["address"] = _("Enter the address.")
        if self.floors is not None and not 1 <= self.floors <= 200:
            errors["floors"] = _("A building has between 1 and 200 floors above ground.")
        if self.units is not None and not 1 <= self.units <= 99:
            errors["units"] = _("A building has between 1 and 99 entrances.")
        if (self.lon is None) != (self.lat is None):
            errors["lon"] = _("Give both longitude and latitude, or neither.")
        if errors:
            raise ValidationError(errors)


class DwellingUse(models.TextChoices):
    OWN = "own", _("Lived in by the owner")
    RENTED = "rented", _("Rented out (出租)")
    PARTLY_RENTED = "partly_rented", _("Lived in by the owner, partly rented out")
    VACANT = "vacant", _("Vacant")
    OTHER = "other", _("Other use (shop, office …)")


# A dwelling with tenants: the 出租房屋 checked for safety hazards.
RENTAL_USES = (DwellingUse.RENTED, DwellingUse.PARTLY_RENTED)


class DwellingQuerySet(AreaQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def rentals(self):
        return self.filter(use__in=RENTAL_USES)


class Dwelling(InGrid, Versioned):
    """A dwelling (房屋) in a building. Its grid is the building's."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="dwellings"
    )
    unit = models.CharField(_("entrance (单元)"), max_length=10, blank=True)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=20)
    address = models.CharField(_("address"), max_length=200, editable=False)
    address_key = models.CharField(max_length=200, db_index=True, editable=False)
    use = models.CharField(_("use"), max_length=16, choices=DwellingUse.choices)
    owner = models.ForeignKey(
        "registry.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_dwellings",
    )
    owner_organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("owning organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_dwellings",
    )
    area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    hazard_notes = models.TextField(
        _("safety hazards"),
        blank=True,
        help_text=_("For a rented dwelling: fire, gas, electricity, crowding, what was found."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = DwellingQuerySet.as_manager()

    class Meta:
        ordering = ["building", "unit", "room"]
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")
        constraints = [
            models.UniqueConstraint(
                fields=["address_key"],
                condition=Q(is_active=True),
                name="dwelling_address_unique",
                violation_error_message=_("This dwelling is already registered."),
            )
        ]

    def __str__(self):
        return self.address

    @property
    def is_rental(self) -> bool:
        return self.use in RENTAL_USES

    def clean(self):
        super().clean()
        errors = {}
        if self.building_id:
            self.place_in(self.building.grid)
            self.address = addresses.dwelling_address(self.building.address, self.unit, self.room)
            self.address_key = addresses.normalise(self.address)
            floors = self.building.floors
            if self.floor is not None and floors and self.floor > floors:
                errors["floor"] = _("The building has only %(n)d floors.") % {"n": floors}
            if not self.building.is_active and self.is_active:
                errors["building"] = _("This building is no longer in use.")
        if not self.room.strip():
            errors["room"] = _("Enter the room number.")
        if self.owner_id and self.owner_organisation_id:
            errors["owner"] = _("The owner is a person or an organisation, not both.")
        if errors:
            raise ValidationError(errors)


class TenancyQuerySet(EffectiveQuerySet):
    path_lookup = "dwelling__path"


class Tenancy(EffectiveDated):
    """A tenant living in a rented dwelling for a period."""

    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="tenancies"
    )
    tenant = models.ForeignKey(
        "registry.Person",
        verbose_name=_("tenant"),
        on_delete=models.PROTECT,
        related_name="tenancies",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = TenancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling", "tenant"],
                condition=Q(valid_to__isnull=True),
                name="tenancy_once",
                violation_error_message=_("This person is already a tenant of this dwelling."),
            ),
            effective_range_check("tenancy_valid_range"),
        ]

    def __str__(self):
        return f"{self.dwelling} · {self.tenant}"


class ComponentState(models.TextChoices):
    GOOD = "good", _("In good order (完好)")
    DAMAGED = "damaged", _("Damaged (破损)")
    LOST = "lost", _("Missing (丢失)")
    DISUSED = "disused", _("Disused (废弃)")
    REMOVED = "removed", _("Removed (移除)")


# Which state may follow which. A removed component is gone for good: a new one at the
# same place gets a new code.
COMPONENT_TRANSITIONS = {
    ComponentState.GOOD: {
        ComponentState.DAMAGED,
        ComponentState.LOST,
        ComponentState.DISUSED,
        ComponentState.REMOVED,
    },
    # Repaired, or worse.
    ComponentState.DAMAGED: {
        ComponentState.GOOD,
        ComponentState.LOST,
        ComponentState.DISUSED,
        ComponentState.REMOVED,
    },
    # Found or replaced in place.
    ComponentState.LOST: {ComponentState.GOOD, ComponentState.REMOVED},
    # Back in use.
    ComponentState.DISUSED: {ComponentState.GOOD, ComponentState.REMOVED},
    ComponentState.REMOVED: set(),
}

# Major classes of components (GB/T 30428.2 practice; the 2026 catalogue may renumber
# them, so unknown classes are accepted and shown by their code).
COMPONENT_CLASSES = {
    "01": _("Public utilities"),
    "02": _("Roads and traffic"),
    "03": _("Cityscape and environment"),
    "04": _("Landscaping"),
    "05": _("Buildings and land"),
    "06": _("Other facilities"),
}


class Component(InGrid, Versioned):
    """A city component (城市部件): a manhole cover, a street lamp, a bench … with its
    17-digit code and its state."""

    code = models.CharField(
        _("component code"),
        max_length=17,
        unique=True,
        error_messages={"unique": _("A component with this code is already registered.")},
    )
    major_class = models.CharField(_("major class"), max_length=2, editable=False)
    minor_class = models.CharField(_("minor class"), max_length=3, editable=False)
    name = models.CharField(_("name"), max_length=100)
    state = models.CharField(
        _("state"), max_length=10, choices=ComponentState.choices, default=ComponentState.GOOD
    )
    owner_body = models.ForeignKey(
        "org.Body",
        verbose_name=_("owning body (权属单位)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    maintainer = models.CharField(_("maintained by"), max_length=100, blank=True)
    address = models.CharField(_("location"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("city component")
        verbose_name_plural = _("city components")
        indexes = [
            models.Index(fields=["path", "major_class", "state"], name="component_area_class_state")
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def class_label(self) -> str:
        return str(COMPONENT_CLASSES.get(self.major_class, self.major_class))

    def clean(self):
        super().clean()
        errors = {}
        try:
            validate_grid(self.grid if self.grid_id else None)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        try:
            code = codes.parse_component_code(self.code)
        except codes.CodeError as exc:
            errors["code"] = exc.message
        else:
            self.code = code.value
            self.major_class, self.minor_class = code.major, code.minor
            if self.grid_id and not self.grid.code.startswith(code.division):
                errors["code"] = gettext(
                    "The code starts with division %(division)s, but the grid lies in "
                    "division %(grid)s."
                ) % {"division": code.division, "grid": self.grid.code[:6]}
        if (self.lon is None) != (self.lat is None):
            errors["lon"] = _("Give both longitude and latitude, or neither.")
        if errors:
            raise ValidationError(errors)
