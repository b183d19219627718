import pytest

from shanzhi.lib import geo
from shanzhi.org import geoindex
from shanzhi.org.models import Level, Region
from shanzhi.org.tests.helpers import deactivate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index():
    geoindex.forget()
    yield
    geoindex.forget()


def test_every_demo_grid_is_found_at_an_inner_point():
    grids = list(Region.objects.active().filter(level=Level.GRID))
    assert len(grids) == 60
    for grid in grids:
        point = geo.parse_polygon(grid.geometry).representative_point()
        assert geoindex.grid_at(point.x, point.y) == grid


def test_point_outside_the_district_has_no_grid():
    assert geoindex.grid_at(100.0, 30.0) is None


def test_gcj02_coordinates_are_converted(region):
    grid = region("990101002003004")
    point = geo.parse_polygon(grid.geometry).representative_point()
    lon, lat = geo.wgs84_to_gcj02(point.x, point.y)
    assert geoindex.grid_at(lon, lat, gcj02=True) == grid


def test_index_is_rebuilt_when_a_grid_is_deactivated(persona, region):
    grid = region("990101003004005")
    point = geo.parse_polygon(grid.geometry).representative_point()
    assert geoindex.grid_at(point.x, point.y) == grid
    deactivate(grid, actor=persona("admin"), note="撤销")
    assert geoindex.grid_index(fresh=True).lookup(point.x, point.y) is None
