from django import template

from shanzhi.org.access import scope_of
from shanzhi.registry.protection import READERS

register = template.Library()


@register.filter
def may_use_registry(user) -> bool:
    """Whether the navigation shows the registry: a registry role held anywhere."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    return scope.everything or any(roles & READERS for roles in scope.roles_at.values())
