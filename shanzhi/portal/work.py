"""What each role sees on its home page ("my work").

One builder per role, each returning the context of its own template section. Later
procedures (cases, petitions …) add their queues here.
"""

from django.db.models import Count, Exists, OuterRef, Q

from shanzhi.cases.access import without_kept_events
from shanzhi.core.models import AuditEvent
from shanzhi.core.roles import AUDIT_READERS, Role
from shanzhi.org.models import Level, Membership, Region, attach_ancestors

# Areas small enough to list every grid with its roster on the home page.
ROSTER_AREA_LEVELS = (Level.COMMUNITY, Level.NEIGHBOURHOOD)
# Grids without a grid worker listed by name on an area's home page; the rest are counted.
UNCOVERED_SHOWN = 20


def _grids_under(regions):
    query = Q(pk__in=[])
    for region in regions:
        if region.path:  # an empty path would match every grid
            query |= Q(path__startswith=region.path)
    grids = list(Region.objects.active().grids().filter(query).order_by("code").for_roster())
    attach_ancestors(grids)
    return grids


def _grid_section(memberships):
    grids = _grids_under([m.region for m in memberships if m.region_id])
    return {"grids": grids}


def _area_section(memberships):
    """An area's grids counted in the database, per sub-unit; the roster itself only for
    a community (a few dozen grids), never for a street or district (thousands)."""
    areas = [m.region for m in memberships if m.region_id]
    under = Q(pk__in=[])
    for area in areas:
        if area.path:
            under |= Q(path__startswith=area.path)
    staffed = Membership.objects.active().filter(
        role=Role.GRID_WORKER, user__is_active=True, region=OuterRef("pk")
    )
    grids = Region.objects.active().grids().filter(under).annotate(staffed=Exists(staffed))
    uncovered = Q(staffed=False)
    children = list(
        Region.objects.active().filter(parent__in=areas).exclude(level=Level.GRID).order_by("code")
    )
    counts = {"grid_count": Count("pk"), "uncovered_count": Count("pk", filter=uncovered)}
    for child in children:
        inside = Q(path__startswith=child.path)
        counts[f"grids_{child.pk}"] = Count("pk", filter=inside)
        counts[f"uncovered_{child.pk}"] = Count("pk", filter=inside & uncovered)
    totals = grids.aggregate(**counts)
    for child in children:
        child.grid_count = totals[f"grids_{child.pk}"]
        child.uncovered_count = totals[f"uncovered_{child.pk}"]
    show_roster = bool(areas) and all(a.level in ROSTER_AREA_LEVELS for a in areas)
    roster = list(grids.order_by("code").for_roster()) if show_roster else []
    gaps = list(grids.filter(uncovered).order_by("code")[:UNCOVERED_SHOWN])
    attach_ancestors(roster + gaps)
    return {
        "areas": areas,
        "children": children,
        "grid_count": totals["grid_count"],
        "uncovered_count": totals["uncovered_count"],
        "uncovered": gaps,
        "uncovered_more": totals["uncovered_count"] - len(gaps),
        "show_roster": show_roster,
        "grids": roster,
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
    events = AuditEvent.objects.all() if user.is_superuser else AuditEvent.objects.within(roots)
    events = without_kept_events(user, events)
    return {"events": events.order_by("-seq")[:10], "areas": [m.region for m in memberships]}


def _resident_section(memberships):
    areas = [m.region for m in memberships if m.region_id]
    return {"areas": areas, "grids": _grids_under(areas)}


BUILDERS = {
    Role.GRID_WORKER: ("portal/sections/grids.html", _grid_section),
    Role.GRID_LEADER: ("portal/sections/grids.html", _grid_section),
    Role.COMMUNITY_STAFF: ("portal/sections/area.html", _area_section),
    Role.STREET_DISPATCHER: ("portal/sections/area.html", _area_section),
    Role.STREET_STAFF: ("portal/sections/area.html", _area_section),
    Role.LEADER: ("portal/sections/area.html", _area_section),
    Role.LEGAL_ADVISER: ("portal/sections/area.html", _area_section),
    Role.SOCIAL_ORGANISATION: ("portal/sections/resident.html", _resident_section),
    Role.DEPARTMENT_HANDLER: ("portal/sections/body.html", _body_section),
    Role.RESIDENT: ("portal/sections/resident.html", _resident_section),
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
            template, context = "portal/sections/audit.html", _audit_section(user, held)
        else:
            template, builder = BUILDERS[role]
            context = builder(held)
        sections.append({"role": role, "memberships": held, "template": template, **context})
    return {
        "memberships": memberships,
        "sections": sections,
        "is_admin": user.is_superuser or Role.ADMINISTRATOR in by_role,
    }
