"""Helpers shared by the org tests."""

from shanzhi.org.actions import do_end_membership, do_save_region
from shanzhi.org.models import Membership, Region


def deactivate(region: Region, *, actor, note: str = "重新划分") -> Region:
    """Deactivate a unit the way an administrator must: end the roles held in it and
    deactivate its sub-units first."""
    for child in region.children.active():
        deactivate(child, actor=actor, note=note)
    for membership in Membership.objects.active().filter(region=region):
        do_end_membership(membership, actor=actor, note=note)
    region = Region.objects.get(pk=region.pk)
    region.is_active = False
    return do_save_region(region, actor=actor, note=note)
