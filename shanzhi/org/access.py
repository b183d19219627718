"""Who may see and change what in the governance structure.

A user's scope is computed once per request from their active memberships: roles held in
an org unit see that unit and everything below it; roles held in a body see that body and
its sub-bodies. Residents and social organisations get no staff scope here. One access
helper per object type turns "not in scope" into 404 and "in scope but read-only" into
403, so views never repeat the rule.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from shanzhi.core.roles import READ_ONLY_ROLES, STAFF_ROLES, STRUCTURE_EDITORS, Role


@dataclass
class Scope:
    everything: bool = False
    region_paths: list[str] = field(default_factory=list)  # subtree roots, by role
    body_ids: set[int] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    # path → roles held there, for "may this user change this unit?"
    roles_at: dict[str, set[str]] = field(default_factory=dict)
    user_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.everything or bool(self.roles & STAFF_ROLES)

    def _under(self, lookup: str) -> Q:
        if not self.region_paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in self.region_paths))

    def filter_regions(self, qs):
        return qs if self.everything else qs.filter(self._under("path"))

    def filter_bodies(self, qs):
        if self.everything:
            return qs
        return qs.filter(
            self._under("region__path") | Q(pk__in=self.body_ids) | Q(parent_id__in=self.body_ids)
        )

    def filter_memberships(self, qs):
        if self.everything:
            return qs
        return qs.filter(
            self._under("region__path")
            | self._under("body__region__path")
            | Q(body_id__in=self.body_ids)
            | Q(user_id=self.user_id)
        )

    def filter_users(self, qs):
        from shanzhi.org.models import Membership

        if self.everything:
            return qs
        holders = self.filter_memberships(Membership.objects.all()).values("user_id")
        return qs.filter(Q(pk__in=holders) | Q(pk=self.user_id))

    def roles_over(self, path: str) -> set[str]:
        """Roles the user holds at this unit or at one of its ancestors."""
        held = set()
        for root, roles in self.roles_at.items():
            if path.startswith(root):
                held |= roles
        return held

    def may_edit_structure_at(self, path: str) -> bool:
        return self.everything or bool(self.roles_over(path) & STRUCTURE_EDITORS)


def scope_of(user) -> Scope:
    if not getattr(user, "is_authenticated", False):
        return Scope()
    cached = getattr(user, "_shanzhi_scope", None)
    if cached is not None:
        return cached
    from shanzhi.org.models import Membership

    scope = Scope(everything=user.is_superuser, user_id=user.pk)
    memberships = Membership.objects.active().filter(user=user).select_related("region", "body")
    for m in memberships:
        scope.roles.add(m.role)
        if m.role not in STAFF_ROLES:
            continue
        if m.body_id:
            scope.body_ids.add(m.body_id)
        if m.region_id and m.role != Role.DEPARTMENT_HANDLER:
            scope.region_paths.append(m.region.path)
            scope.roles_at.setdefault(m.region.path, set()).add(m.role)
        elif m.body_id and m.role in STRUCTURE_EDITORS:
            scope.roles_at.setdefault(m.body.region.path, set()).add(m.role)
    user._shanzhi_scope = scope
    return scope


def _deny_read_only(scope: Scope, path: str) -> None:
    roles = scope.roles_over(path) | ({"superuser"} if scope.everything else set())
    if roles and roles <= READ_ONLY_ROLES:
        raise PermissionDenied(_("Your role here is read-only."))


def access_region(user, pk, *, for_write=False):
    from shanzhi.org.models import Region

    scope = scope_of(user)
    region = scope.filter_regions(Region.objects.all()).filter(pk=pk).first()
    if region is None or not scope.is_staff:
        raise Http404(_("No such org unit in your area."))
    if for_write:
        _deny_read_only(scope, region.path)
        if not scope.may_edit_structure_at(region.path):
            raise PermissionDenied(_("Only a system administrator of this area may change it."))
    return region


def access_body(user, pk, *, for_write=False):
    from shanzhi.org.models import Body

    scope = scope_of(user)
    body = scope.filter_bodies(Body.objects.select_related("region")).filter(pk=pk).first()
    if body is None or not scope.is_staff:
        raise Http404(_("No such body in your area."))
    if for_write and not scope.may_edit_structure_at(body.region.path):
        raise PermissionDenied(_("Only a system administrator of this area may change it."))
    return body


def access_person(user, pk):
    """A user account seen by staff: only people who hold a role in the viewer's scope."""
    from django.contrib.auth import get_user_model

    scope = scope_of(user)
    person = scope.filter_users(get_user_model().objects.all()).filter(pk=pk).first()
    if person is None or not (scope.is_staff or person.pk == user.pk):
        raise Http404(_("No such person in your area."))
    return person


def require_structure_editor(user, region=None) -> None:
    """Refuse unless ``user`` administers ``region`` (or any area, when ``region`` is None).

    ``user=None`` is the system itself: management commands run by an operator who has
    shell access to the server, such as the demo loader.
    """
    if user is None:
        return
    scope = scope_of(user)
    path = region.path if region is not None else None
    if scope.everything:
        return
    if path is None:
        if any(roles & STRUCTURE_EDITORS for roles in scope.roles_at.values()):
            return
    elif scope.may_edit_structure_at(path):
        return
    raise PermissionDenied(_("Only a system administrator of this area may change it."))
