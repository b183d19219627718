"""Who may use the hotline console: dispatchers (the street's and the command centre's)
and superusers."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from shanzhi.core.roles import Role
from shanzhi.org.access import scope_of


def access_console(user) -> None:
    scope = scope_of(user)
    if not (user.is_superuser or Role.STREET_DISPATCHER in scope.roles):
        raise PermissionDenied(_("Only dispatchers use the hotline console."))
