"""Who may see and change what in the registry, following the duty table in
``protection.py`` and the org tree: a role counts at the unit where it is held and below.

One access helper per object type turns "not in your area" into 404 and "in your area
but not yours to change" into 403, as in ``org.access`` and ``cases.access``. Actions
call the ``require_*`` helpers again, so that a view, an import or an API endpoint that
forgets a check still cannot write outside the actor's area. ``actor=None`` is the system
itself (a management command run by an operator).
"""

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from shanzhi.org.access import Scope, scope_of
from shanzhi.registry import protection
from shanzhi.registry.protection import READERS, WRITERS


def _roots(scope: Scope, roles) -> list[str]:
    """The subtrees where the user holds one of ``roles``."""
    return [path for path, held in scope.roles_at.items() if path and held & roles]


def _under(lookup: str, paths) -> Q:
    paths = [p for p in paths if p]
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in paths))


def _roles_at(user, path: str) -> set[str]:
    if user is None:
        return set()
    scope = scope_of(user)
    if scope.everything:
        return set(protection.READERS | protection.WRITERS | {"superuser"})
    return scope.roles_over(path)


def readable_filter(user, lookup: str = "path") -> Q:
    scope = scope_of(user)
    if scope.everything:
        return Q()
    return _under(lookup, _roots(scope, READERS))


def writable_filter(user, lookup: str = "path") -> Q:
    scope = scope_of(user)
    if scope.everything:
        return Q()
    return _under(lookup, _roots(scope, WRITERS))


def care_tag_filter(user) -> Q:
    """Care tags of people in the viewer's area, of the kinds their roles there see."""
    scope = scope_of(user)
    if scope.everything:
        return Q()
    query = Q(pk__in=[])
    for path, held in scope.roles_at.items():
        kinds = protection.care_kinds_for(held)
        if path and kinds:
            query |= Q(person__path__startswith=path, kind__in=sorted(kinds))
    return query


def access_log_filter(user) -> Q:
    scope = scope_of(user)
    if scope.everything:
        return Q()
    return _under("path", _roots(scope, protection.ACCESS_LOG_READERS))


def may_read_at(user, path: str) -> bool:
    return bool(_roles_at(user, path) & READERS) or _is_superuser(user)


def may_write_at(user, path: str) -> bool:
    return user is None or bool(_roles_at(user, path) & WRITERS)


def may_reveal(user, path: str, field: str) -> bool:
    return user is not None and (
        _is_superuser(user) or bool(_roles_at(user, path) & protection.REVEALERS.get(field, set()))
    )


def may_export_at(user, path: str) -> bool:
    return user is not None and (
        _is_superuser(user) or bool(_roles_at(user, path) & protection.EXPORTERS)
    )


def care_kinds_at(user, path: str) -> set[str]:
    if _is_superuser(user):
        return set(protection.CARE_TAG_READERS)
    return protection.care_kinds_for(_roles_at(user, path))


def may_write_care_tags_at(user, path: str) -> bool:
    return user is None or bool(_roles_at(user, path) & protection.CARE_TAG_WRITERS)


def _is_superuser(user) -> bool:
    return user is not None and scope_of(user).everything


def require_reader(user) -> Scope:
    """For the registry's list pages: refuse those whose duty has nothing to do with it."""
    scope = scope_of(user)
    if not (scope.everything or _roots(scope, READERS)):
        raise PermissionDenied(_("The registry is open to the grid and community staff only."))
    return scope


def require_access_log_reader(user) -> None:
    scope = scope_of(user)
    if not (scope.everything or _roots(scope, protection.ACCESS_LOG_READERS)):
        raise PermissionDenied(_("The access log is read by the auditors of the area."))


def require_writer(user, path: str) -> None:
    """Refuse a change of something in ``path`` unless the actor keeps the registry there."""
    if not may_write_at(user, path):
        raise PermissionDenied(_("Your role here does not include changing the registry."))


def require_grid_in_area(user, grid, field: str = "grid") -> None:
    """For a new place or a move: the grid must lie in the actor's area. Someone who keeps
    the registry elsewhere gets a form error on the grid; anyone else is refused."""
    if user is None or may_write_at(user, grid.path):
        return
    scope = scope_of(user)
    if _roots(scope, WRITERS):
        raise ValidationError({field: _("%(grid)s lies outside your area.") % {"grid": grid}})
    raise PermissionDenied(_("Your role does not include changing the registry."))


def _access(user, queryset, pk, *, for_write: bool, missing: str, lookup: str = "path"):
    obj = queryset.filter(readable_filter(user, lookup)).filter(pk=pk).first()
    if obj is None:
        raise Http404(missing)
    if for_write:
        path = obj
        for part in lookup.split("__"):
            path = getattr(path, part)
        require_writer(user, path)
    return obj


def access_person(user, pk, *, for_write=False):
    from shanzhi.registry.models import Person

    return _access(
        user,
        Person.objects.select_related("grid"),
        pk,
        for_write=for_write,
        missing=_("No such person in your area."),
    )


def access_household(user, pk, *, for_write=False):
    from shanzhi.registry.models import Household

    return _access(
        user,
        Household.objects.select_related("grid"),
        pk,
        for_write=for_write,
        missing=_("No such household in your area."),
    )


def access_building(user, pk, *, for_write=False):
    from shanzhi.registry.models import Building

    return _access(
        user,
        Building.objects.select_related("grid"),
        pk,
        for_write=for_write,
        missing=_("No such building in your area."),
    )


def access_dwelling(user, pk, *, for_write=False):
    from shanzhi.registry.models import Dwelling

    return _access(
        user,
        Dwelling.objects.select_related("building", "grid"),
        pk,
        for_write=for_write,
        missing=_("No such dwelling in your area."),
    )


def access_tenancy(user, pk, *, for_write=False):
    from shanzhi.registry.models import Tenancy

    return _access(
        user,
        Tenancy.objects.select_related("dwelling", "tenant"),
        pk,
        for_write=for_write,
        missing=_("No such tenancy in your area."),
        lookup="dwelling__path",
    )


def access_component(user, pk, *, for_write=False):
    from shanzhi.registry.models import Component

    return _access(
        user,
        Component.objects.select_related("grid"),
        pk,
        for_write=for_write,
        missing=_("No such component in your area."),
    )


def access_organisation(user, pk, *, for_write=False):
    from shanzhi.registry.models import Organisation

    return _access(
        user,
        Organisation.objects.select_related("grid"),
        pk,
        for_write=for_write,
        missing=_("No such organisation in your area."),
    )


def access_care_tag(user, pk, *, for_write=False):
    """A care tag exists for the viewer only if their duty covers its kind."""
    from shanzhi.registry.models import CareTag

    tag = CareTag.objects.visible_to(user).select_related("person").filter(pk=pk).first()
    if tag is None:
        raise Http404(_("No such care tag in your area."))
    if for_write and not may_write_care_tags_at(user, tag.person.path):
        raise PermissionDenied(_("Your role here does not include changing care tags."))
    return tag
