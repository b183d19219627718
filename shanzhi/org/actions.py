"""The only code that changes the governance structure. Each action runs in one
transaction, validates the whole object, writes an audit event and, where grid boundaries
change, tells every process to rebuild its point-in-grid index."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shanzhi.core import audit
from shanzhi.core.actions import diff, save_audited, snapshot
from shanzhi.core.roles import Role
from shanzhi.org.access import require_structure_editor
from shanzhi.org.models import (
    GRID_LEVELS,
    GridIndexVersion,
    GridLayer,
    LayerCell,
    LayerCellGrid,
    Membership,
    Region,
)


def bump_grid_index() -> None:
    """Tell every process that its point-in-grid index is stale."""
    GridIndexVersion.objects.filter(pk=1).update(version=F("version") + 1)


def _set_path(region: Region) -> None:
    parent_path = region.parent.path if region.parent_id else "/"
    path = f"{parent_path}{region.pk}/"
    if region.path != path:
        region.path = path
        Region.objects.filter(pk=region.pk).update(path=path)


@transaction.atomic
def do_save_region(region: Region, *, actor, note: str = "") -> Region:
    """Create or change an org unit (district, street, community, grid…)."""
    require_structure_editor(actor, region.parent)
    if region.pk is not None:
        require_structure_editor(actor, Region.objects.get(pk=region.pk))
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


@transaction.atomic
def do_save_membership(membership: Membership, *, actor, note: str = "") -> Membership:
    unit_region = membership.region or (membership.body.region if membership.body_id else None)
    require_structure_editor(actor, unit_region)
    creating = membership.pk is None
    save_audited(
        membership,
        actor=actor,
        action="org.membership.create" if creating else "org.membership.update",
        note=note,
        scope_path=unit_region.path if unit_region else "",
    )
    if membership.role in (Role.ADMINISTRATOR, Role.AUDITOR) and not membership.user.is_staff:
        # Administrators and auditors work in the admin screens (scoped to their area).
        type(membership.user).objects.filter(pk=membership.user_id).update(is_staff=True)
    return membership


@transaction.atomic
def do_end_membership(membership: Membership, *, actor, note: str = "") -> Membership:
    membership.ended_on = timezone.localdate()
    return do_save_membership(membership, actor=actor, note=note)


@transaction.atomic
def do_save_layer(layer: GridLayer, *, actor, note: str = "") -> GridLayer:
    require_structure_editor(actor, layer.owner.region if layer.owner_id else None)
    save_audited(
        layer,
        actor=actor,
        action="org.layer.create" if layer.pk is None else "org.layer.update",
        note=note,
    )
    return layer


@transaction.atomic
def do_save_layer_cell(cell: LayerCell, *, grids, actor, note: str = "") -> LayerCell:
    """Save a cell of a merged grid layer together with the base grids it is made of."""
    require_structure_editor(actor, None)
    creating = cell.pk is None
    before = {}
    if not creating:
        before = snapshot(LayerCell.objects.get(pk=cell.pk))
        before["grids"] = sorted(cell.base_grids.values_list("pk", flat=True))
    cell.full_clean()
    cell.save()
    LayerCellGrid.objects.filter(cell=cell).exclude(grid__in=grids).delete()
    for grid in grids:
        if not LayerCellGrid.objects.filter(cell=cell, grid=grid).exists():
            link = LayerCellGrid(cell=cell, grid=grid)
            link.full_clean()
            link.save()
    after = {**snapshot(cell), "grids": sorted(g.pk for g in grids)}
    old, new = diff(before, after)
    action = "org.layer_cell.create" if creating else "org.layer_cell.update"
    audit.record(actor, action, cell, before=old, after=new, note=note)
    return cell
