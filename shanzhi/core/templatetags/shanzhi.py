from django import template

from shanzhi.lib import identity

register = template.Library()


@register.filter
def mask_mobile(value):
    return identity.mask_mobile(value or "")
