"""Who may use the hotline console: dispatchers (the street's and the command centre's)
and superusers. The telephone system may name only such a user as the operator who
answered one of its calls, and only one serving its area."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from shanzhi.core.roles import Role
from shanzhi.org.access import scope_of


def may_use_console(user) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.is_superuser or Role.STREET_DISPATCHER in scope_of(user).roles


def access_console(user) -> None:
    if not may_use_console(user):
        raise PermissionDenied(_("Only dispatchers use the hotline console."))


def serves_area(user, path: str) -> bool:
    """Whether a console user works for the area at ``path`` (an org unit's path): in it,
    in a unit inside it, or in a unit containing it."""
    scope = scope_of(user)
    if scope.everything:
        return True
    return bool(path) and any(
        p and (p.startswith(path) or path.startswith(p)) for p in scope.region_paths
    )
