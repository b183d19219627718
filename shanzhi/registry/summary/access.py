"""Which areas' summaries a viewer may open: the units where they hold a role that reads
the registry (``protection.READERS``), and every unit under them. Outside that, the area
does not exist for them (404), as for the registry's records."""

from django.http import Http404
from django.utils.translation import gettext as _

from shanzhi.org.models import Level, Region
from shanzhi.registry.access import care_kinds_at, may_read_at, require_reader
from shanzhi.registry.protection import READERS

# The levels a summary is made for: micro-grids hold no records of their own.
SUMMARY_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.NEIGHBOURHOOD, Level.GRID)


def access_summary_area(user, code: str) -> Region:
    region = Region.objects.filter(code=code, level__in=SUMMARY_LEVELS).first()
    if region is None or not may_read_at(user, region.path):
        raise Http404(_("No such area in your scope."))
    return region


def summary_roots(user) -> list[Region]:
    """The highest units whose summaries ``user`` may open (403 for those whose duty has
    nothing to do with the registry)."""
    scope = require_reader(user)
    units = Region.objects.filter(level__in=SUMMARY_LEVELS)
    if scope.everything:
        return list(units.filter(parent__isnull=True).order_by("code"))
    paths = sorted(path for path, held in scope.roles_at.items() if path and held & READERS)
    roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    if not roots:
        return []
    return list(units.filter(path__in=roots).order_by("code"))


def care_kinds(user, region: Region) -> set[str]:
    """The care-tag kinds whose counts ``user`` sees in ``region``'s summary: those their
    duty there lets them see on a person (``protection.CARE_TAG_READERS``)."""
    return care_kinds_at(user, region.path)
