from django import template

from shanzhi.disputes.access import RISK_READERS, roots
from shanzhi.org.access import scope_of

register = template.Library()


@register.filter
def may_use_disputes(user) -> bool:
    """Whether the navigation shows disputes and early warning: a role that reads risk
    reports held anywhere."""
    if not getattr(user, "is_authenticated", False):
        return False
    return scope_of(user).everything or bool(roots(user, RISK_READERS))
