"""What each role sees on its home page ("my work").

One builder per role, each returning the context of its own template section. Later
procedures (cases, petitions …) add their queues here.
"""

from django.db.models import Q

from shanzhi.core.models import AuditEvent
from shanzhi.core.roles import AUDIT_READERS, Role
from shanzhi.org.models import Level, Membership, Region, attach_ancestors

ROSTER_ROLES = (Role.GRID_WORKER, Role.GRID_LEADER)


def _grids_under(regions):
    query = Q(pk__in=[])
    for region in regions:
        query |= Q(path__startswith=region.path)
    grids = list(Region.objects.active().grids().filter(query).order_by("code").for_roster())
    attach_ancestors(grids)
    return grids


def _grid_section(memberships):
    grids = _grids_under([m.region for m in memberships if m.region_id])
    return {"grids": grids}


def _area_section(memberships):
    areas = [m.region for m in memberships if m.region_id]
    grids = _grids_under(areas)
    children = list(Region.objects.active().filter(parent__in=areas).exclude(level=Level.GRID))
    for child in children:
        inside = [g for g in grids if g.path.startswith(child.path)]
        child.grid_count = len(inside)
        child.uncovered_count = sum(1 for g in inside if not g.roster)
    return {
        "areas": areas,
        "children": sorted(children, key=lambda c: c.code),
        "grids": grids,
        "uncovered": [g for g in grids if not g.roster],
    }


def _body_section(memberships):
    bodies = [m.body for m in memberships if m.body_id]
    colleagues = (
        Membership.objects.active()
        .filter(body__in=bodies)
        .select_related("user", "body")
        .order_by("body", "role")
    )
    return {"bodies": bodies, "colleagues": colleagues}


def _audit_section(user, memberships):
    roots = [m.region.path for m in memberships if m.region_id]
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(scope_path__startswith=root)
    events = AuditEvent.objects.all() if user.is_superuser else AuditEvent.objects.filter(query)
    return {"events": events.order_by("-seq")[:10], "areas": [m.region for m in memberships]}


def _resident_section(memberships):
    areas = [m.region for m in memberships if m.region_id]
    return {"areas": areas, "grids": _grids_under(areas)}


BUILDERS = {
    Role.GRID_WORKER: ("portal/work/grids.html", _grid_section),
    Role.GRID_LEADER: ("portal/work/grids.html", _grid_section),
    Role.COMMUNITY_STAFF: ("portal/work/area.html", _area_section),
    Role.STREET_DISPATCHER: ("portal/work/area.html", _area_section),
    Role.STREET_STAFF: ("portal/work/area.html", _area_section),
    Role.LEADER: ("portal/work/area.html", _area_section),
    Role.LEGAL_ADVISER: ("portal/work/area.html", _area_section),
    Role.SOCIAL_ORGANISATION: ("portal/work/resident.html", _resident_section),
    Role.DEPARTMENT_HANDLER: ("portal/work/body.html", _body_section),
    Role.RESIDENT: ("portal/work/resident.html", _resident_section),
}


def my_work(user) -> dict:
    memberships = list(user.memberships.active().select_related("region", "body", "body__region"))
    by_role: dict[str, list[Membership]] = {}
    for m in memberships:
        by_role.setdefault(m.role, []).append(m)
    sections = []
    for role in Role:
        held = by_role.get(role)
        if not held:
            continue
        if role in AUDIT_READERS and role != Role.LEADER:
            template, context = "portal/work/audit.html", _audit_section(user, held)
        else:
            template, builder = BUILDERS[role]
            context = builder(held)
        sections.append({"role": role, "memberships": held, "template": template, **context})
    return {
        "memberships": memberships,
        "sections": sections,
        "is_admin": user.is_superuser or Role.ADMINISTRATOR in by_role,
    }
