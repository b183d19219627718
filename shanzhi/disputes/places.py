"""Places: the street a grid lies in, and a point inside a grid for a case registered in
that grid without a point of its own.

The engine's intake locates a case by its point (or by a street or community named in
the address); it takes no grid. A dispute or a screening finding is known by its grid,
so it is given the grid's representative point — a point certainly inside the grid,
not where anything happened — and the address says so.
"""

from django.utils.translation import gettext as _
from shapely.geometry import Point

from shanzhi.lib import geo
from shanzhi.org.models import Level, Region


def street_of(unit: Region) -> Region | None:
    if unit.level == Level.STREET:
        return unit
    return next((r for r in unit.ancestors() if r.level == Level.STREET), None)


def grid_point(grid: Region) -> tuple[float, float] | None:
    """A point inside the grid's boundary (lon, lat), or None for a grid without one."""
    if not grid.geometry:
        return None
    point = geo.parse_polygon(grid.geometry).representative_point()
    return point.x, point.y


def point_in(grid: Region, lon, lat) -> bool:
    if lon is None or lat is None or not grid.geometry:
        return False
    return geo.parse_polygon(grid.geometry).covers(Point(float(lon), float(lat)))


def located(grid: Region, lon=None, lat=None, address: str = "") -> tuple:
    """(lon, lat, address) for an intake in ``grid``: the given point when it lies in the
    grid, else the grid's own point with the address saying so."""
    if point_in(grid, lon, lat):
        return lon, lat, address
    point = grid_point(grid)
    if point is None:
        return None, None, address or grid.name
    note = _("%(grid)s (no exact place given)") % {"grid": grid.name}
    return point[0], point[1], f"{address} {note}".strip()[:200]
