"""Who plans, makes, sees and confirms visits, following the registry's duty table
(``registry/protection.py``) and the org tree: a role counts where it is held and below.

- Planners: grid leaders (their grids), community staff and street staff (their area).
- Visitors: the grid workers and grid leaders of the grid; a visit is recorded only by
  the one it was given to, while they still work in that grid.
- Readers: the registry's readers of the area; a care visit, and a proposed care need,
  only for those who see that kind of care tag (a care visit tells which tag a person
  carries).
- Confirmers: those who change the registry there (community and street staff).

As in the registry: outside the area a visit or a proposed change does not exist (404);
inside it without the duty, the action is refused (403).
"""

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from shanzhi.core.roles import Role
from shanzhi.org.access import scope_of
from shanzhi.org.models import Level, Membership, Region
from shanzhi.registry import protection
from shanzhi.registry.access import may_write_at
from shanzhi.registry.rounds.models import ChangeKind, VisitPurpose

PLANNERS = frozenset({Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF})
VISITORS = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
CONFIRMERS = protection.WRITERS


def _roles_at(user, path: str) -> set[str]:
    scope = scope_of(user)
    if scope.everything:
        return set(PLANNERS | VISITORS | CONFIRMERS | protection.READERS)
    return scope.roles_over(path)


def _roots(user, roles) -> list[str]:
    scope = scope_of(user)
    return [path for path, held in scope.roles_at.items() if path and held & roles]


def _under(lookup: str, paths) -> Q:
    paths = [p for p in paths if p]
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in paths))


def _care_kinds_per_root(user):
    """(subtree root, care-tag kinds seen there) for each root where the user reads the
    registry. Kinds held at an ancestor count below it (``Scope.roles_over``)."""
    scope = scope_of(user)
    for path, held in scope.roles_at.items():
        if path and held & protection.READERS:
            yield path, protection.care_kinds_for(scope.roles_over(path))


def visit_filter(user) -> Q:
    scope = scope_of(user)
    if scope.everything:
        return Q()
    query = Q(pk__in=[])
    for path, kinds in _care_kinds_per_root(user):
        query |= Q(path__startswith=path) & (
            ~Q(plan__purpose=VisitPurpose.CARE) | Q(plan__care_kind__in=sorted(kinds))
        )
    return query


def change_filter(user) -> Q:
    scope = scope_of(user)
    if scope.everything:
        return Q()
    query = Q(pk__in=[])
    for path, kinds in _care_kinds_per_root(user):
        query |= (
            Q(path__startswith=path)
            & (~Q(kind=ChangeKind.CARE_NEED) | Q(values__care_kind__in=sorted(kinds)))
            & (
                ~Q(visit__plan__purpose=VisitPurpose.CARE)
                | Q(visit__plan__care_kind__in=sorted(kinds))
            )
        )
    return query


def may_plan_at(user, path: str) -> bool:
    return bool(_roles_at(user, path) & PLANNERS)


def may_visit_at(user, path: str) -> bool:
    return bool(_roles_at(user, path) & VISITORS)


def may_confirm_at(user, path: str) -> bool:
    return user is not None and may_write_at(user, path)


def care_kinds_at(user, path: str) -> set[str]:
    if scope_of(user).everything:
        return set(protection.CARE_TAG_READERS)
    return protection.care_kinds_for(_roles_at(user, path))


def plannable_grids(user):
    grids = Region.objects.active().grids().order_by("code")
    if scope_of(user).everything:
        return grids
    return grids.filter(_under("path", _roots(user, PLANNERS)))


def confirmable_filter(user, lookup: str = "path") -> Q:
    if scope_of(user).everything:
        return Q()
    return _under(lookup, _roots(user, CONFIRMERS))


def configurable_communities(user):
    """Communities whose rounds setting the user may change: those kept by them."""
    communities = Region.objects.active().filter(level=Level.COMMUNITY).order_by("code")
    if scope_of(user).everything:
        return communities
    return communities.filter(_under("path", _roots(user, CONFIRMERS)))


def assignable_workers(grid: Region):
    """The users who may be given a visit in ``grid``: its grid workers and leaders."""
    from shanzhi.core.models import User

    holders = (
        Membership.objects.active().filter(region=grid, role__in=sorted(VISITORS)).values("user_id")
    )
    return User.objects.filter(pk__in=holders, is_active=True).order_by("real_name", "username")


def has_rounds_duty(user) -> bool:
    """Whether rounds concern the user at all (for the pages' entry checks)."""
    scope = scope_of(user)
    return scope.everything or bool(_roots(user, protection.READERS | PLANNERS | VISITORS))


def plans_somewhere(user) -> bool:
    return scope_of(user).everything or bool(_roots(user, PLANNERS))


def confirms_somewhere(user) -> bool:
    return scope_of(user).everything or bool(_roots(user, CONFIRMERS))


def require_rounds_user(user) -> None:
    if not has_rounds_duty(user):
        raise PermissionDenied(_("Rounds are for the grid and community staff only."))


def require_planner(user) -> None:
    if not plans_somewhere(user):
        raise PermissionDenied(
            _("Visits are planned by community staff, street staff and grid leaders.")
        )


def require_confirmer(user) -> None:
    if not confirms_somewhere(user):
        raise PermissionDenied(
            _("Proposed changes are confirmed by the community and street staff.")
        )


def access_visit(user, pk, *, for_record=False, for_cancel=False):
    from shanzhi.registry.rounds.models import Visit

    visit = (
        Visit.objects.visible_to(user)
        .select_related("plan", "grid", "worker", "household", "dwelling", "person")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404(_("No such visit in your area."))
    if for_record:
        require_visitor(user, visit)
    if for_cancel and not may_plan_at(user, visit.path):
        raise PermissionDenied(_("Your role here does not include planning visits."))
    return visit


def require_visitor(user, visit) -> None:
    """Only the worker the visit was given to records it, while they work in its grid."""
    if visit.worker_id != getattr(user, "pk", None):
        raise PermissionDenied(_("This visit was given to another grid worker."))
    if not may_visit_at(user, visit.path):
        raise PermissionDenied(_("You no longer work in this grid."))


def access_change(user, pk, *, for_decision=False):
    from shanzhi.registry.rounds.models import ProposedChange

    change = (
        ProposedChange.objects.visible_to(user)
        .select_related("visit__plan", "visit__worker", "person", "household", "dwelling")
        .filter(pk=pk)
        .first()
    )
    if change is None:
        raise Http404(_("No such proposed change in your area."))
    if for_decision and not may_confirm_at(user, change.path):
        raise PermissionDenied(
            _("Proposed changes are confirmed by the community and street staff.")
        )
    return change
