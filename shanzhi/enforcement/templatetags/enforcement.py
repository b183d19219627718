from django import template

from shanzhi.core.roles import Role
from shanzhi.enforcement import access
from shanzhi.org.access import scope_of

register = template.Library()


@register.filter
def may_see_enforcement_cases(user) -> bool:
    """Whether the navigation shows the enforcement cases: the street's team and
    officers, street staff, dispatchers and leaders, and the delegating departments
    (the list holds only the cases each may open)."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    return bool(
        scope.everything
        or scope.roles & {Role.LEADER, Role.STREET_DISPATCHER, Role.STREET_STAFF}
        or access.streets_worked(user)
        or access.delegating_department_ids(user)
        or access.may_manage(user)
    )
