"""Who may use the patrol pages: grid workers and grid leaders, and the staff above them
in the area (community and street staff, dispatchers, leaders). Each reports only inside
the grids of their own area."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from shanzhi.core.roles import Role
from shanzhi.org.access import Scope, scope_of
from shanzhi.org.models import Region

PATROL_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.STREET_DISPATCHER,
        Role.LEADER,
    }
)


def access_patrol(user) -> Scope:
    scope = scope_of(user)
    if scope.everything:
        return scope
    if not (scope.roles & PATROL_ROLES and scope.region_paths):
        raise PermissionDenied(_("Only grid workers and the staff of their area may patrol."))
    return scope


def in_area(scope: Scope, region: Region | None) -> bool:
    if region is None:
        return False
    return scope.everything or any(p and region.path.startswith(p) for p in scope.region_paths)


def my_grids(scope: Scope):
    grids = Region.objects.active().grids()
    if scope.everything:
        return grids
    return scope.filter_regions(grids)
