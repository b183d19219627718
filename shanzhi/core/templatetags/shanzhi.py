from django import template

from shanzhi.core import audit
from shanzhi.lib import identity

register = template.Library()


@register.filter
def mask_mobile(value):
    return identity.mask_mobile(value or "")


@register.filter
def action_label(value):
    return audit.action_label(value)
