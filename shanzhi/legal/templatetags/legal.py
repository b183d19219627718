from django import template

from shanzhi.cases.access import BODY_KIND_REGION_ROLES
from shanzhi.legal import access
from shanzhi.org.access import scope_of

BODY_ROLES = set().union(*BODY_KIND_REGION_ROLES.values())

register = template.Library()


@register.filter
def may_use_legal_review(user) -> bool:
    """Whether the navigation shows legal review: legal advisers and leaders, who read
    and give the reviews, and the staff of a body, who draft and send its acts."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    # Only a member of a body, or staff whose role works the bodies of their unit, can
    # act for a body: nobody else is asked for their bodies (a query on every page).
    may_act_for_a_body = scope.handling_body_ids or scope.roles & BODY_ROLES
    return bool(
        access.everything(user)
        or access.adviser_paths(user)
        or access.leader_paths(user)
        or (may_act_for_a_body and access.body_ids_of(user))
    )
