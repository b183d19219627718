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
from django.utils.translation import gettext_lazy

from shanzhi.core.roles import (
    CASE_HANDLER_ROLES,
    READ_ONLY_ROLES,
    STAFF_ROLES,
    STRUCTURE_EDITORS,
    Role,
)


@dataclass
class Scope:
    everything: bool = False
    region_paths: list[str] = field(default_factory=list)  # subtree roots, by role
    body_ids: set[int] = field(default_factory=set)
    # The bodies the user may act for on a case (not merely read or advise).
    handling_body_ids: set[int] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    # path → roles held there, for "may this user change this unit?"
    roles_at: dict[str, set[str]] = field(default_factory=dict)
    user_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.everything or bool(self.roles & STAFF_ROLES)

    @property
    def edit_roots(self) -> list[str]:
        """Roots of the subtrees this user may change (administrator memberships)."""
        return [p for p, roles in self.roles_at.items() if p and roles & STRUCTURE_EDITORS]

    def _under(self, lookup: str, paths=None) -> Q:
        # An empty path (a unit not saved yet) would be a prefix of every path.
        paths = [p for p in (self.region_paths if paths is None else paths) if p]
        if not paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in paths))

    def _around(self, lookup: str) -> Q:
        """Units in the scope's subtrees or above them (the areas that contain them)."""
        ancestors = set()
        for path in self.region_paths:
            parts = [p for p in path.strip("/").split("/") if p]
            ancestors |= {"/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts))}
        return self._under(lookup) | Q(**{f"{lookup}__in": sorted(ancestors)})

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

    def filter_editable_regions(self, qs):
        return qs if self.everything else qs.filter(self._under("path", self.edit_roots))

    def filter_editable_users(self, qs):
        """Accounts this user may change: every active role the account holds lies in
        an area this user administers. Accounts holding no role may be changed by any
        administrator, unless they are staff or superuser accounts (platform operators),
        which only a superuser changes."""
        from shanzhi.org.models import Membership

        if self.everything:
            return qs
        roots = self.edit_roots
        if not roots:
            return qs.none()
        active = Membership.objects.active()
        inside = active.filter(
            self._under("region__path", roots)
            | (Q(region__isnull=True) & self._under("body__region__path", roots))
        )
        outside = active.exclude(pk__in=inside.values("pk")).values("user_id")
        holders = active.values("user_id")
        return (
            qs.filter(is_superuser=False)
            .exclude(pk__in=outside)
            .exclude(Q(is_staff=True) & ~Q(pk__in=holders))
        )

    def filter_layers(self, qs):
        """Grid layers serving this user's area: owned by a body in it or above it, or
        owned by no body (district-wide)."""
        if self.everything:
            return qs
        if not self.is_staff:
            return qs.none()
        return qs.filter(
            self._around("owner__region__path")
            | Q(owner_id__in=self.body_ids)
            | Q(owner__isnull=True)
        )

    def filter_cells(self, qs):
        """Layer cells with a base grid in this user's area, or of a layer owned here."""
        from shanzhi.org.models import LayerCellGrid

        if self.everything:
            return qs
        in_area = LayerCellGrid.objects.filter(self._under("grid__path")).values("cell_id")
        return qs.filter(
            Q(pk__in=in_area)
            | self._under("layer__owner__region__path")
            | Q(layer__owner_id__in=self.body_ids)
        )

    def roles_over(self, path: str) -> set[str]:
        """Roles the user holds at this unit or at one of its ancestors."""
        held = set()
        if not path:
            return held
        for root, roles in self.roles_at.items():
            if root and path.startswith(root):
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
    memberships = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("region", "body")
        .defer("region__geometry")  # boundaries are not needed to know a scope
    )
    for m in memberships:
        scope.roles.add(m.role)
        if m.role not in STAFF_ROLES:
            continue
        if m.body_id:
            scope.body_ids.add(m.body_id)
            if m.role in CASE_HANDLER_ROLES:
                scope.handling_body_ids.add(m.body_id)
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


NOT_ADMINISTRATOR = gettext_lazy("Only a system administrator of this area may change it.")


def require_structure_editor(user, region) -> None:
    """Refuse unless ``user`` administers ``region``.

    ``region=None`` is something that belongs to no area, or stands above every area
    (a new district): only a superuser may change it. ``user=None`` is the system itself:
    management commands run by an operator who has shell access to the server, such as
    the demo loader.
    """
    if user is None:
        return
    scope = scope_of(user)
    if region is None:
        if scope.everything:
            return
        raise PermissionDenied(
            _("Only a superuser may change this: it lies outside every administrator's area.")
        )
    if not scope.may_edit_structure_at(region.path):
        raise PermissionDenied(NOT_ADMINISTRATOR)


def require_any_structure_editor(user) -> None:
    """Refuse unless ``user`` administers some area (or is the system)."""
    if user is None or scope_of(user).everything or scope_of(user).edit_roots:
        return
    raise PermissionDenied(NOT_ADMINISTRATOR)


def may_change_person(user, person) -> bool:
    """Whether ``user`` may change ``person``'s account (see ``filter_editable_users``)."""
    if user is None:
        return True
    scope = scope_of(user)
    if scope.everything:
        return True
    if person.pk is None:
        return bool(scope.edit_roots) and not (person.is_superuser or person.is_staff)
    return scope.filter_editable_users(type(person).objects.filter(pk=person.pk)).exists()


def require_person_editor(user, person) -> None:
    if not may_change_person(user, person):
        raise PermissionDenied(
            _(
                "Only a system administrator of every area where this person holds a role "
                "may change their account."
            )
        )


def require_layer_editor(user, owner) -> None:
    """A grid layer is changed by an administrator of its owner body's area."""
    require_structure_editor(user, owner.region if owner is not None else None)


def require_grids_editor(user, grids) -> None:
    """Refuse unless ``user`` administers every one of ``grids``."""
    if user is None:
        return
    scope = scope_of(user)
    outside = [g for g in grids if not scope.may_edit_structure_at(g.path)]
    if outside:
        raise PermissionDenied(
            _("You do not administer %(grids)s.")
            % {"grids": ", ".join(str(g) for g in outside[:5])}
        )
