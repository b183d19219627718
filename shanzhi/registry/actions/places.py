"""Buildings, dwellings, tenancies and city components.

Creates take an unsaved instance; updates take a dict of changes and the version they
were based on, so that a change proposed earlier (on a grid worker's round) is refused
with ``EditConflict`` if the row moved on meanwhile, instead of silently overwriting.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.core.actions import save_audited
from shanzhi.registry.access import require_grid_in_area, require_writer
from shanzhi.registry.actions.common import (
    actor_or_none,
    close,
    effective_day,
    update_audited,
)
from shanzhi.registry.models import (
    COMPONENT_TRANSITIONS,
    Building,
    Component,
    ComponentState,
    Dwelling,
    Person,
    PersonRecord,
    Tenancy,
)

BUILDING_FIELDS = ("name", "address", "use", "floors", "units", "lon", "lat", "is_active", "grid")
DWELLING_FIELDS = (
    "unit",
    "floor",
    "room",
    "use",
    "owner",
    "owner_organisation",
    "area_m2",
    "hazard_notes",
    "is_active",
)
COMPONENT_FIELDS = ("name", "state", "owner_body", "maintainer", "address", "lon", "lat", "grid")


def _scope(obj) -> str:
    return obj.path


@transaction.atomic
def do_create_building(building: Building, *, actor, note: str = "") -> Building:
    require_grid_in_area(actor, building.grid)
    building.place_in(building.grid)
    save_audited(
        building, actor=actor, action="registry.building.create", note=note, scope_path=_scope
    )
    return building


@transaction.atomic
def do_update_building(
    building: Building, changes: dict, *, actor, based_on: int | None = None, note: str = ""
) -> Building:
    """Change a building. A new address is carried to its dwellings; a building moves to
    another grid only while nobody is recorded as living in it (move the people first,
    so that their history says when they changed grid)."""
    require_writer(actor, building.path)

    def check(stored, changed):
        dwellings = Dwelling.objects.filter(building=stored)
        if "grid" in changed:
            stored.place_in(stored.grid)
            require_grid_in_area(actor, stored.grid)
            lived_in = PersonRecord.objects.current().filter(dwelling__building=stored).exists()
            if lived_in or Tenancy.objects.current().filter(dwelling__building=stored).exists():
                raise ValidationError(
                    {"grid": _("People live in this building: move them before the building.")}
                )
        if "is_active" in changed and not stored.is_active and dwellings.filter(is_active=True):
            raise ValidationError(
                {"is_active": _("Take its dwellings out of use before the building.")}
            )

    stored = update_audited(
        building,
        changes,
        BUILDING_FIELDS,
        actor=actor,
        action="registry.building.update",
        based_on=based_on,
        note=note,
        check=check,
    )
    for dwelling in Dwelling.objects.filter(building=stored).select_related("building"):
        old = (dwelling.address, dwelling.path)
        dwelling.building = stored
        dwelling.full_clean()  # derives the address and the grid from the building
        if (dwelling.address, dwelling.path) != old:
            dwelling.save(update_fields=["address", "address_key", "grid", "path"])
    return stored


@transaction.atomic
def do_create_dwelling(dwelling: Dwelling, *, actor, note: str = "") -> Dwelling:
    require_writer(actor, dwelling.building.path)
    dwelling.place_in(dwelling.building.grid)
    save_audited(
        dwelling, actor=actor, action="registry.dwelling.create", note=note, scope_path=_scope
    )
    return dwelling


@transaction.atomic
def do_update_dwelling(
    dwelling: Dwelling, changes: dict, *, actor, based_on: int | None = None, note: str = ""
) -> Dwelling:
    require_writer(actor, dwelling.path)

    def check(stored, changed):
        tenants = Tenancy.objects.current().filter(dwelling=stored)
        if "use" in changed and not stored.is_rental and tenants.exists():
            raise ValidationError(
                {"use": _("End the tenancies before the dwelling stops being rented.")}
            )
        leaving_use = "is_active" in changed and not stored.is_active
        if leaving_use and (
            tenants.exists() or PersonRecord.objects.current().filter(dwelling=stored).exists()
        ):
            raise ValidationError(
                {"is_active": _("People live in this dwelling: move them out first.")}
            )
        if "owner" in changed and stored.owner_id:
            require_writer(actor, Person.objects.get(pk=stored.owner_id).path)

    return update_audited(
        dwelling,
        changes,
        DWELLING_FIELDS,
        actor=actor,
        action="registry.dwelling.update",
        based_on=based_on,
        note=note,
        check=check,
    )


@transaction.atomic
def do_start_tenancy(
    dwelling: Dwelling, tenant: Person, *, actor, valid_from=None, note: str = ""
) -> Tenancy:
    """``tenant`` rents ``dwelling`` from ``valid_from``."""
    dwelling = Dwelling.objects.select_for_update().get(pk=dwelling.pk)
    require_writer(actor, dwelling.path)
    require_writer(actor, tenant.path)
    if not dwelling.is_rental:
        raise ValidationError(
            {"dwelling": _("This dwelling is not recorded as rented out: change its use first.")}
        )
    if tenant.is_anonymised or not tenant.records.filter(valid_to__isnull=True).exists():
        raise ValidationError({"tenant": _("This person no longer lives in the area.")})
    tenancy = Tenancy(
        dwelling=dwelling,
        tenant=tenant,
        note=note.strip(),
        valid_from=effective_day(valid_from),
        recorded_by=actor_or_none(actor),
    )
    tenancy.full_clean()
    tenancy.save()
    audit.record(
        actor,
        "registry.tenancy.start",
        dwelling,
        after={"tenant": tenant.pk, "valid_from": tenancy.valid_from},
        scope_path=dwelling.path,
    )
    return tenancy


@transaction.atomic
def do_end_tenancy(tenancy: Tenancy, *, actor, valid_to=None, note: str = "") -> Tenancy:
    tenancy = (
        Tenancy.objects.select_for_update(of=("self",))
        .select_related("dwelling")
        .get(pk=tenancy.pk)
    )
    require_writer(actor, tenancy.dwelling.path)
    if tenancy.valid_to is not None:
        raise ValidationError(_("This tenancy has already ended."))
    day = effective_day(valid_to, not_before=tenancy.valid_from, field="valid_to")
    close(tenancy, day)
    audit.record(
        actor,
        "registry.tenancy.end",
        tenancy.dwelling,
        after={"tenant": tenancy.tenant_id, "valid_to": day},
        note=note,
        scope_path=tenancy.dwelling.path,
    )
    return tenancy


@transaction.atomic
def do_create_component(component: Component, *, actor, note: str = "") -> Component:
    require_grid_in_area(actor, component.grid)
    component.place_in(component.grid)
    save_audited(
        component, actor=actor, action="registry.component.create", note=note, scope_path=_scope
    )
    return component


@transaction.atomic
def do_update_component(
    component: Component, changes: dict, *, actor, based_on: int | None = None, note: str = ""
) -> Component:
    """Change a component, its state following ``COMPONENT_TRANSITIONS``. The code is
    its identity and does not change."""
    require_writer(actor, component.path)

    def check(stored, changed):
        if "state" in changed:
            old = Component.objects.filter(pk=stored.pk).values_list("state", flat=True).get()
            if stored.state not in COMPONENT_TRANSITIONS.get(old, set()):
                raise ValidationError(
                    {
                        "state": _("A component cannot go from “%(old)s” to “%(new)s”.")
                        % {"old": ComponentState(old).label, "new": stored.get_state_display()}
                    }
                )
        if "grid" in changed:
            stored.place_in(stored.grid)
            require_grid_in_area(actor, stored.grid)

    return update_audited(
        component,
        changes,
        COMPONENT_FIELDS,
        actor=actor,
        action="registry.component.update",
        based_on=based_on,
        note=note,
        check=check,
    )
