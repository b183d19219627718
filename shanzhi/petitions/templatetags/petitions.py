from django import template

from shanzhi.org.access import scope_of

register = template.Library()


@register.filter
def may_work_on_petitions(user) -> bool:
    """Whether the navigation shows the petitions list: staff of any area (the list
    holds only the petitions they may see, accusations about them never)."""
    return bool(getattr(user, "is_authenticated", False) and scope_of(user).is_staff)
