"""The only code that changes the governance structure. Each action runs in one
transaction, validates the whole object, writes an audit event and, where grid boundaries
change, tells every process to rebuild its point-in-grid index."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shanzhi.core import audit
from shanzhi.core.actions import diff, save_audited, snapshot
from shanzhi.core.roles import Role
from shanzhi.org.access import (
    require_grids_editor,
    require_layer_editor,
    require_person_editor,
    require_structure_editor,
)
from shanzhi.org.models import (
    GRID_LEVELS,
    GridIndexVersion,
    GridLayer,
    LayerCell,
    LayerCellGrid,
    Level,
    Membership,
    Region,
)

# Roles that work in the admin screens (scoped to their area): holding one opens them.
STAFF_MEMBERSHIP_ROLES = (Role.ADMINISTRATOR, Role.AUDITOR)


def bump_grid_index() -> None:
    """Tell every process that its point-in-grid index is stale."""
    GridIndexVersion.objects.filter(pk=1).update(version=F("version") + 1)


def _set_path(region: Region) -> None:
    parent_path = region.parent.path if region.parent_id else "/"
    path = f"{parent_path}{region.pk}/"
    if region.path != path:
        region.path = path
        Region.objects.filter(pk=region.pk).update(path=path)


def _lock_parent(region: Region) -> None:
    """Lock the units within which the new boundary is checked against its neighbours
    (the parent, and the community of a grid in a neighbourhood), so that two saves under
    the same unit are checked one after the other and cannot both pass the overlap check.
    On SQLite the IMMEDIATE transaction already serialises every writer."""
    parent = region.parent
    ids = [parent.pk]
    if region.level == Level.GRID and parent.level == Level.NEIGHBOURHOOD and parent.parent_id:
        ids.append(parent.parent_id)
    # Top-down (by path), the same order for every writer, so two cannot deadlock.
    locked = {
        r.pk: r for r in Region.objects.select_for_update().filter(pk__in=ids).order_by("path")
    }
    region.parent = locked[parent.pk]


@transaction.atomic
def do_save_region(region: Region, *, actor, note: str = "") -> Region:
    """Create or change an org unit (district, street, community, grid…)."""
    stored = Region.objects.filter(pk=region.pk).first() if region.pk is not None else None
    if stored is not None:
        require_structure_editor(actor, stored)
    if region.parent_id is not None:
        _lock_parent(region)
        require_structure_editor(actor, region.parent)
    elif stored is None or stored.parent_id is not None:
        # A new top-level unit lies outside every administrator's area.
        require_structure_editor(actor, None)
    event = save_audited(
        region,
        actor=actor,
        action="org.region.create" if region.pk is None else "org.region.update",
        note=note,
        after_save=_set_path,
        scope_path=lambda r: r.path,
    )
    if region.level in GRID_LEVELS and {"geometry", "is_active"} & event.after.keys():
        bump_grid_index()
    return region


@transaction.atomic
def do_save_body(body, *, actor, note: str = ""):
    if body.pk is not None:
        stored = type(body).objects.select_related("region").filter(pk=body.pk).first()
        if stored is not None:
            require_structure_editor(actor, stored.region)
    require_structure_editor(actor, body.region if body.region_id else None)
    creating = body.pk is None
    save_audited(
        body,
        actor=actor,
        action="org.body.create" if creating else "org.body.update",
        note=note,
        scope_path=body.region.path,
    )
    return body


def _unit_region(membership: Membership) -> Region | None:
    return membership.region or (membership.body.region if membership.body_id else None)


@transaction.atomic
def do_save_membership(membership: Membership, *, actor, note: str = "") -> Membership:
    """Give a person a role in an org unit or body, or change or end it. The actor must
    administer the unit before and after the change; giving a role to someone needs the
    right to change their account (see ``access.filter_editable_users``)."""
    stored = None
    if membership.pk is not None:
        stored = (
            Membership.objects.select_related("region", "body__region")
            .filter(pk=membership.pk)
            .first()
        )
    if stored is not None:
        require_structure_editor(actor, _unit_region(stored))
    unit_region = _unit_region(membership)
    require_structure_editor(actor, unit_region)
    if stored is None or stored.user_id != membership.user_id:
        require_person_editor(actor, membership.user)
    creating = membership.pk is None
    save_audited(
        membership,
        actor=actor,
        action="org.membership.create" if creating else "org.membership.update",
        note=note,
        scope_path=unit_region.path if unit_region else "",
    )
    roles = {membership.role, stored.role if stored else membership.role}
    if roles & set(STAFF_MEMBERSHIP_ROLES):
        _sync_staff(membership.user, actor=actor, scope_path=unit_region.path)
    return membership


def _sync_staff(user, *, actor, scope_path: str) -> None:
    """Open the admin screens to a user who holds (or will hold) an administrator or
    auditor role, and close them when the last such role has ended."""
    today = timezone.localdate()
    holds = (
        Membership.objects.filter(user_id=user.pk, role__in=STAFF_MEMBERSHIP_ROLES)
        .exclude(ended_on__lte=today)
        .exists()
    )
    User = type(user)
    is_staff, is_superuser = User.objects.values_list("is_staff", "is_superuser").get(pk=user.pk)
    if holds == is_staff or (is_superuser and not holds):
        return
    User.objects.filter(pk=user.pk).update(is_staff=holds)
    user.is_staff = holds
    audit.record(
        actor,
        "core.user.grant_staff" if holds else "core.user.revoke_staff",
        user,
        before={"is_staff": is_staff},
        after={"is_staff": holds},
        scope_path=scope_path,
    )


@transaction.atomic
def do_end_membership(membership: Membership, *, actor, note: str = "") -> Membership:
    membership.ended_on = timezone.localdate()
    return do_save_membership(membership, actor=actor, note=note)


def _layer_scope(layer: GridLayer) -> str:
    return layer.owner.region.path if layer.owner_id else ""


@transaction.atomic
def do_save_layer(layer: GridLayer, *, actor, note: str = "") -> GridLayer:
    """Create or change a grid layer: its owner body's administrators, before and after."""
    if layer.pk is not None:
        stored = GridLayer.objects.select_related("owner__region").filter(pk=layer.pk).first()
        if stored is not None:
            require_layer_editor(actor, stored.owner)
    require_layer_editor(actor, layer.owner if layer.owner_id else None)
    save_audited(
        layer,
        actor=actor,
        action="org.layer.create" if layer.pk is None else "org.layer.update",
        note=note,
        scope_path=_layer_scope,
    )
    return layer


@transaction.atomic
def do_save_layer_cell(cell: LayerCell, *, grids, actor, note: str = "") -> LayerCell:
    """Save a cell of a merged grid layer together with the base grids it is made of.

    The actor must administer every base grid the cell gains or loses; creating, renaming
    or moving the cell to another layer needs every base grid it holds before and after.
    """
    grids = list(grids)
    stored = LayerCell.objects.filter(pk=cell.pk).first() if cell.pk is not None else None
    old_ids = set(stored.base_grids.values_list("pk", flat=True)) if stored else set()
    new_ids = {g.pk for g in grids}
    if stored is None or (stored.layer_id, stored.name) != (cell.layer_id, cell.name):
        touched = old_ids | new_ids
    else:
        touched = old_ids ^ new_ids
    if touched:
        require_grids_editor(actor, Region.objects.filter(pk__in=touched).order_by("code"))
    elif stored is None:
        require_layer_editor(actor, cell.layer.owner if cell.layer.owner_id else None)
    before = {}
    if stored is not None:
        before = {**snapshot(stored), "grids": sorted(old_ids)}
    cell.full_clean()
    cell.save()
    LayerCellGrid.objects.filter(cell=cell).exclude(grid__in=grids).delete()
    for grid in grids:
        if not LayerCellGrid.objects.filter(cell=cell, grid=grid).exists():
            link = LayerCellGrid(cell=cell, grid=grid)
            link.full_clean()
            link.save()
    after = {**snapshot(cell), "grids": sorted(new_ids)}
    old, new = diff(before, after)
    action = "org.layer_cell.create" if stored is None else "org.layer_cell.update"
    audit.record(
        actor, action, cell, before=old, after=new, note=note, scope_path=_layer_scope(cell.layer)
    )
    return cell
