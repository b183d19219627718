"""The governance structure: the region tree, the bodies that act in it, and who holds
which role where (memberships, including grid assignments), plus the merged grid layers.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shanzhi.core.roles import Role
from shanzhi.lib import geo, identity


class Level(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
    GRID = "grid", _("Grid")
    MICRO_GRID = "micro_grid", _("Micro-grid")


# Which level may sit directly under which (the district is the root of a deployment).
ALLOWED_PARENTS = {
    Level.DISTRICT: (),
    Level.STREET: (Level.DISTRICT,),
    Level.COMMUNITY: (Level.STREET,),
    Level.NEIGHBOURHOOD: (Level.COMMUNITY,),
    Level.GRID: (Level.COMMUNITY, Level.NEIGHBOURHOOD),
    Level.MICRO_GRID: (Level.GRID,),
}
# Code length per level. District 6 (GB/T 2260), street +3 (GB/T 10114), community +3,
# grid +3 = 15 digits under the community code. Neighbourhood (+2 under the community)
# and micro-grid (+3 under the grid) follow the same pattern by local convention.
CODE_LENGTHS = {
    Level.DISTRICT: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
    Level.NEIGHBOURHOOD: 14,
    Level.GRID: 15,
    Level.MICRO_GRID: 18,
}
GRID_LEVELS = (Level.GRID, Level.MICRO_GRID)


class RegionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def grids(self):
        return self.filter(level=Level.GRID)

    def within(self, region: "Region"):
        """The region and everything below it."""
        return self.filter(path__startswith=region.path)

    def visible_to(self, user):
        from shanzhi.org.access import scope_of

        return scope_of(user).filter_regions(self)

    def for_roster(self):
        """Grids with the people published on the roster: active grid workers and leaders."""
        published = Membership.objects.published().select_related("user").order_by("role", "pk")
        return self.prefetch_related(
            models.Prefetch("memberships", queryset=published, to_attr="roster")
        )


def attach_ancestors(regions) -> None:
    """Set ``street_unit`` and ``community_unit`` on each region with one query."""
    regions = list(regions)
    ids = {int(p) for r in regions for p in r.path.strip("/").split("/") if p}
    by_id = Region.objects.in_bulk(ids)
    for region in regions:
        chain = [by_id.get(int(p)) for p in region.path.strip("/").split("/") if p]
        levels = {unit.level: unit for unit in chain if unit is not None}
        region.street_unit = levels.get(Level.STREET)
        region.community_unit = levels.get(Level.COMMUNITY)


class Region(models.Model):
    """A unit of the region tree: district, street, community, neighbourhood, grid or
    micro-grid. Units are deactivated, never deleted, so history stays readable."""

    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=18,
        unique=True,
        error_messages={"unique": _("Another unit already has this code.")},
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/<root pk>/<child pk>/…/<own pk>/": scope checks are one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    geometry = models.JSONField(
        _("boundary (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON Polygon or MultiPolygon in WGS84/CGCS2000 longitude, latitude."),
    )
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self):
        return f"{self.name}（{self.code}）"

    # --- one-object rules -------------------------------------------------------
    def clean(self):
        errors = {}
        allowed = ALLOWED_PARENTS.get(self.level, ())
        if self.parent is None and allowed:
            errors["parent"] = _("A %(level)s must belong to a %(parents)s.") % {
                "level": self.get_level_display(),
                "parents": " / ".join(str(Level(p).label) for p in allowed),
            }
        elif self.parent is not None and self.parent.level not in allowed:
            errors["parent"] = _("A %(level)s cannot be placed under a %(parent)s.") % {
                "level": self.get_level_display(),
                "parent": self.parent.get_level_display(),
            }
        if self.pk and self.parent_id:
            if self.parent.path.startswith(self.path):
                errors["parent"] = _("A unit cannot be placed under itself or its own children.")
            elif self._parent_changed() and self.children.exists():
                errors["parent"] = _("Move or deactivate its sub-units before moving this unit.")
        stored = self._stored()
        code_error = self._code_error()
        if not code_error and stored and stored.code != self.code and self.children.exists():
            # Sub-unit codes start with this code; changing it would orphan them all.
            code_error = _("A unit with sub-units keeps its code.")
        if code_error:
            errors["code"] = code_error
        if self.level in GRID_LEVELS and not self.geometry:
            errors["geometry"] = _("A grid needs its boundary.")
        if self.geometry and "parent" not in errors:
            try:
                shape = self._checked_shape()
                if stored and stored.geometry != self.geometry:
                    self._check_holds_children(shape)
                self.geometry = geo.to_geojson(shape)
            except geo.GeometryError as exc:
                errors["geometry"] = exc.message
        if stored and stored.is_active and not self.is_active:
            refusal = self._deactivation_refusal()
            if refusal:
                errors["is_active"] = refusal
        if errors:
            raise ValidationError(errors)

    def _stored(self) -> "Region | None":
        if self.pk is None:
            return None
        return (
            Region.objects.filter(pk=self.pk)
            .only("code", "parent_id", "geometry", "is_active")
            .first()
        )

    def _parent_changed(self) -> bool:
        stored = Region.objects.filter(pk=self.pk).values_list("parent_id", flat=True).first()
        return stored != self.parent_id

    def _check_holds_children(self, shape) -> None:
        """A new boundary must still hold every active sub-unit."""
        tolerance = settings.GRID_OVERLAP_TOLERANCE_M2
        for child in self.children.active().filter(geometry__isnull=False):
            outside = geo.area_m2(geo.parse_polygon(child.geometry).difference(shape))
            if outside > tolerance:
                raise geo.GeometryError(
                    "child_outside",
                    _(
                        "%(unit)s would extend %(area)s m² outside this boundary "
                        "(tolerance %(tolerance)s m²)."
                    ),
                    unit=str(child),
                    area=round(outside, 1),
                    tolerance=tolerance,
                )

    def _deactivation_refusal(self) -> str | None:
        """Why this unit cannot be deactivated now, or None."""
        children = self.children.active().count()
        if children:
            return ngettext(
                "This unit still has %(n)d active sub-unit; deactivate or move it first.",
                "This unit still has %(n)d active sub-units; deactivate or move them first.",
                children,
            ) % {"n": children}
        holders = Membership.objects.active().filter(region_id=self.pk).count()
        if holders:
            return ngettext(
                "%(n)d person still holds a role in this unit; end or move the role first.",
                "%(n)d people still hold a role in this unit; end or move their roles first.",
                holders,
            ) % {"n": holders}
        return None

    def code_prefix(self) -> str:
        """The ancestor code this unit's code must start with."""
        if self.parent is None:
            return ""
        if self.level == Level.GRID and self.parent.level == Level.NEIGHBOURHOOD:
            return self.parent.parent.code if self.parent.parent else ""
        return self.parent.code

    def _code_error(self):
        length = CODE_LENGTHS.get(self.level)
        if length is None or not self.code:
            return None
        if not re.fullmatch(rf"\d{{{length}}}", self.code):
            return _("The code of a %(level)s has exactly %(n)d digits.") % {
                "level": self.get_level_display(),
                "n": length,
            }
        prefix = self.code_prefix() if self.parent_id else ""
        if prefix and not self.code.startswith(prefix):
            return _("The code must start with the code of its parent unit, %(prefix)s.") % {
                "prefix": prefix
            }
        if self.code.endswith("000") and self.level in (Level.STREET, Level.COMMUNITY, Level.GRID):
            return _("The last three digits of the code (the sequence number) cannot be 000.")
        return None

    def overlap_scope(self) -> "Region | None":
        """The unit within which units of this level must not overlap: the community for a
        grid (whether it sits directly in the community or in a neighbourhood of it), the
        parent for every other level (None for a district)."""
        if self.parent_id is None:
            return None
        if self.level == Level.GRID and self.parent.level == Level.NEIGHBOURHOOD:
            return self.parent.parent
        return self.parent

    def _checked_shape(self):
        tolerance = settings.GRID_OVERLAP_TOLERANCE_M2
        shape = geo.parse_polygon(self.geometry)
        if self.parent_id and self.parent.geometry:
            geo.check_inside(shape, geo.parse_polygon(self.parent.geometry), tolerance)
        others = (
            Region.objects.active()
            .filter(level=self.level, geometry__isnull=False)
            .exclude(pk=self.pk)
        )
        scope = self.overlap_scope()
        if scope is None:
            others = others.filter(parent__isnull=True)
        elif self.level == Level.GRID and scope.path:
            others = others.filter(path__startswith=scope.path)
        else:
            others = others.filter(parent_id=scope.pk)
        geo.check_no_overlap(
            shape,
            ((str(s), geo.parse_polygon(s.geometry)) for s in others),
            tolerance,
        )
        return shape

    def ancestors(self) -> list["Region"]:
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        by_id = Region.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def community(self) -> "Region | None":
        if self.level == Level.COMMUNITY:
            return self
        return next((r for r in self.ancestors() if r.level == Level.COMMUNITY), None)


class BodyKind(models.TextChoices):
    DEPARTMENT = "department", _("District department")
    STREET_OFFICE = "street_office", _("Street office")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    STATIONED_AGENCY = "stationed_agency", _("Stationed agency")
    GRID_COUNCIL = "grid_council", _("Grid council")
    ENFORCEMENT_BRIGADE = "enforcement_brigade", _("Comprehensive enforcement brigade")
    COMMAND_CENTRE = "command_centre", _("Command and dispatch centre")
    OTHER = "other", _("Other body")


# The level of the area each kind of body serves.
BODY_LEVELS = {
    BodyKind.DEPARTMENT: (Level.DISTRICT,),
    BodyKind.STREET_OFFICE: (Level.STREET,),
    BodyKind.RESIDENTS_COMMITTEE: (Level.COMMUNITY,),
    BodyKind.STATIONED_AGENCY: (Level.STREET, Level.COMMUNITY),
    BodyKind.GRID_COUNCIL: (Level.GRID, Level.NEIGHBOURHOOD),
    BodyKind.ENFORCEMENT_BRIGADE: (Level.STREET,),
    BodyKind.COMMAND_CENTRE: (Level.DISTRICT, Level.STREET),
    BodyKind.OTHER: tuple(Level),
}


class BodyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        from shanzhi.org.access import scope_of

        return scope_of(user).filter_bodies(self)


class Body(models.Model):
    """An organ or organisation that holds duties: a district department, the street
    office, a residents' committee, an agency stationed in the street, a grid council."""

    kind = models.CharField(_("kind"), max_length=24, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name=_("area served"),
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("For a stationed agency: the department that stations it."),
    )
    phone = models.CharField(_("public phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    duties = models.TextField(_("main duties"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "kind", "name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="body_name_unique_in_region",
                violation_error_message=_("A body with this name already serves this area."),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.region_id and self.region.level not in BODY_LEVELS[self.kind]:
            errors["region"] = _("A %(kind)s serves a %(levels)s, not a %(level)s.") % {
                "kind": self.get_kind_display(),
                "levels": " / ".join(str(Level(x).label) for x in BODY_LEVELS[self.kind]),
                "level": self.region.get_level_display(),
            }
        if self.parent_id and self.pk and self._parent_cycle():
            errors["parent"] = _("A body cannot be placed under itself or its own sub-bodies.")
        if errors:
            raise ValidationError(errors)

    def _parent_cycle(self) -> bool:
        """Whether the chosen parent is this body or one of the bodies below it."""
        seen, current = set(), self.parent_id
        while current is not None and current not in seen:
            if current == self.pk:
                return True
            seen.add(current)
            current = Body.objects.filter(pk=current).values_list("parent_id", flat=True).first()
        return current is not None  # a cycle already stored above this body


# What kind of unit each role is held in. Roles held in a body scope to that body;
# roles held in a region scope to the region and everything below it.
ROLE_UNITS = {
    Role.RESIDENT: {"levels": (Level.COMMUNITY, Level.NEIGHBOURHOOD, Level.GRID)},
    Role.GRID_WORKER: {"levels": (Level.GRID, Level.MICRO_GRID)},
    Role.GRID_LEADER: {"levels": (Level.GRID,)},
    Role.COMMUNITY_STAFF: {"levels": (Level.COMMUNITY, Level.NEIGHBOURHOOD)},
    # A dispatcher works in a street's sub-centre or in the district's command centre
    # (the 12345 hotline), which also takes the cases located nowhere.
    Role.STREET_DISPATCHER: {"levels": (Level.STREET, Level.DISTRICT)},
    Role.STREET_STAFF: {"levels": (Level.STREET,)},
    Role.DEPARTMENT_HANDLER: {
        "bodies": (BodyKind.DEPARTMENT, BodyKind.STATIONED_AGENCY, BodyKind.ENFORCEMENT_BRIGADE)
    },
    Role.LEADER: {"levels": (Level.DISTRICT, Level.STREET, Level.COMMUNITY)},
    Role.LEGAL_ADVISER: {"levels": (Level.DISTRICT, Level.STREET, Level.COMMUNITY)},
    Role.SOCIAL_ORGANISATION: {"levels": (Level.STREET, Level.COMMUNITY)},
    Role.ADMINISTRATOR: {"levels": (Level.DISTRICT, Level.STREET)},
    Role.AUDITOR: {"levels": (Level.DISTRICT, Level.STREET)},
}


# The roles named on the public grid roster (网格公示).
ROSTER_ROLES = (Role.GRID_WORKER, Role.GRID_LEADER)


class MembershipQuerySet(models.QuerySet):
    def active(self):
        """Held today: started, and not yet ended."""
        today = timezone.localdate()
        return self.filter(started_on__lte=today).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=today)
        )

    def published(self):
        """What the public roster shows: active grid workers and leaders whose account
        is active. Nobody else's name may be found through the public pages."""
        return self.active().filter(role__in=ROSTER_ROLES, user__is_active=True)

    def visible_to(self, user):
        from shanzhi.org.access import scope_of

        return scope_of(user).filter_memberships(self)


def validate_duty_phone(value: str) -> None:
    if identity.is_valid_mobile(value):
        return
    if not re.fullmatch(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{3,8}", value.strip()):
        raise ValidationError(
            _("“%(value)s” is not a phone number (a mobile or a landline like 025-12345678)."),
            params={"value": value},
        )


class Membership(models.Model):
    """A user holding a role in an org unit or a body. One person may hold several:
    a grid leader over several grids has one membership per grid (一长兼多格)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    title = models.CharField(_("post"), max_length=50, blank=True)
    duty_phone = models.CharField(
        _("duty phone (published)"),
        max_length=30,
        blank=True,
        validators=[validate_duty_phone],
        help_text=_("Published on the grid roster; leave empty to publish no number."),
    )
    started_on = models.DateField(_("since"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "role", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=False) | models.Q(body__isnull=False),
                name="membership_has_unit",
                violation_error_message=_("A membership needs an org unit or a body."),
            ),
        ]

    def __str__(self):
        unit = self.body or self.region
        return f"{self.user} · {self.get_role_display()} · {unit}"

    @property
    def unit(self):
        return self.body or self.region

    def clean(self):
        rule = ROLE_UNITS.get(self.role, {})
        errors = {}
        if "bodies" in rule:
            if not self.body_id:
                errors["body"] = _("A %(role)s is held in a body.") % {
                    "role": self.get_role_display()
                }
            elif self.body.kind not in rule["bodies"]:
                errors["body"] = _("A %(role)s cannot be held in a %(kind)s.") % {
                    "role": self.get_role_display(),
                    "kind": self.body.get_kind_display(),
                }
        elif self.role:
            region = self.region or (self.body.region if self.body_id else None)
            if region is None:
                errors["region"] = _("A %(role)s is held in an org unit.") % {
                    "role": self.get_role_display()
                }
            elif region.level not in rule["levels"]:
                errors["region"] = _("A %(role)s is held in a %(levels)s, not a %(level)s.") % {
                    "role": self.get_role_display(),
                    "levels": " / ".join(str(Level(x).label) for x in rule["levels"]),
                    "level": region.get_level_display(),
                }
        if self.region_id and self.body_id and self.body.region_id != self.region_id:
            errors["body"] = _(
                "%(body)s serves %(area)s, not %(region)s: choose the body alone, or a body "
                "serving this org unit."
            ) % {"body": self.body, "area": self.body.region, "region": self.region}
        if self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end date is before the start date.")
        if not errors and self.user_id and self.role:
            duplicate = (
                Membership.objects.active()
                .filter(user_id=self.user_id, role=self.role, region=self.region, body=self.body)
                .exclude(pk=self.pk)
            )
            if duplicate.exists():
                errors["role"] = _("This person already holds this role here.")
        if errors:
            raise ValidationError(errors)


class LayerKind(models.TextChoices):
    PARTY = "party", _("Party-building grid")
    SOCIAL = "social", _("Social-work grid")
    CULTURE = "culture", _("Culture grid")
    SAFETY = "safety", _("Public-safety grid")
    OTHER = "other", _("Other departmental grid")


class GridLayerQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shanzhi.org.access import scope_of

        return scope_of(user).filter_layers(self)


class GridLayer(models.Model):
    """A departmental grid system mapped onto the base grids (多网融合): departments use
    the existing grids instead of drawing their own."""

    kind = models.CharField(_("kind"), max_length=16, choices=LayerKind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    owner = models.ForeignKey(
        Body,
        verbose_name=_("responsible body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_layers",
    )
    description = models.TextField(_("description"), blank=True)

    objects = GridLayerQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("grid layer")
        verbose_name_plural = _("grid layers")

    def __str__(self):
        return self.name


class LayerCellQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shanzhi.org.access import scope_of

        return scope_of(user).filter_cells(self)


class LayerCell(models.Model):
    """One cell of a layer (e.g. a party-building grid), made of one or more base grids."""

    layer = models.ForeignKey(
        GridLayer, verbose_name=_("layer"), on_delete=models.CASCADE, related_name="cells"
    )
    name = models.CharField(_("name"), max_length=100)
    base_grids = models.ManyToManyField(
        Region,
        verbose_name=_("base grids"),
        through="LayerCellGrid",
        related_name="layer_cells",
    )

    objects = LayerCellQuerySet.as_manager()

    class Meta:
        ordering = ["layer", "name"]
        verbose_name = _("layer cell")
        verbose_name_plural = _("layer cells")
        constraints = [
            models.UniqueConstraint(fields=["layer", "name"], name="layer_cell_name_unique")
        ]

    def __str__(self):
        return f"{self.layer} · {self.name}"


class LayerCellGrid(models.Model):
    cell = models.ForeignKey(LayerCell, on_delete=models.CASCADE)
    grid = models.ForeignKey(
        Region,
        verbose_name=_("base grid"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": Level.GRID},
    )
    # Copied from the cell so that the database itself forbids putting one base grid
    # into two cells of the same layer.
    layer = models.ForeignKey(GridLayer, on_delete=models.CASCADE, editable=False)

    class Meta:
        verbose_name = _("base grid of a layer cell")
        verbose_name_plural = _("base grids of a layer cell")
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "grid"],
                name="grid_once_per_layer",
                violation_error_message=_("This base grid already belongs to another cell."),
            )
        ]

    def __str__(self):
        return f"{self.cell} · {self.grid}"

    def save(self, *args, **kwargs):
        self.layer_id = self.cell.layer_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.grid_id and self.grid.level != Level.GRID:
            raise ValidationError({"grid": _("Only base grids can be mapped into a layer.")})
        if self.cell_id:
            self.layer_id = self.cell.layer_id


class GridIndexVersion(models.Model):
    """A counter bumped whenever a grid boundary changes, so every server process knows
    when to rebuild its in-memory point-in-grid index."""

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return str(self.version)
