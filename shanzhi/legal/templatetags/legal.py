from django import template

from shanzhi.legal import access

register = template.Library()


@register.filter
def may_use_legal_review(user) -> bool:
    """Whether the navigation shows legal review: legal advisers and leaders, who read
    and give the reviews, and the staff of a body, who draft and send its acts."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        access.everything(user)
        or access.adviser_paths(user)
        or access.leader_paths(user)
        or access.body_ids_of(user)
    )
