import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanzhi.lib.distance import M_PER_DEG_LAT, box_around, haversine_m

lons = st.floats(min_value=-179.0, max_value=179.0)
lats = st.floats(min_value=-85.0, max_value=85.0)
modest = settings(max_examples=300, deadline=None)


def test_known_distances():
    # One degree of latitude, and one of longitude on the equator.
    assert haversine_m(118.7, 32.0, 118.7, 33.0) == pytest.approx(M_PER_DEG_LAT, rel=1e-9)
    assert haversine_m(0.0, 0.0, 1.0, 0.0) == pytest.approx(M_PER_DEG_LAT, rel=1e-9)
    # Nanjing (鼓楼) to Shanghai (人民广场): about 270 km.
    assert haversine_m(118.78, 32.06, 121.47, 31.23) == pytest.approx(270_000, rel=0.03)
    assert haversine_m(118.7, 32.0, 118.7, 32.0) == 0.0


@modest
@given(lons, lats, lons, lats)
def test_haversine_is_symmetric_and_non_negative(a, b, c, d):
    assert haversine_m(a, b, c, d) == pytest.approx(haversine_m(c, d, a, b), abs=1e-6)
    assert haversine_m(a, b, c, d) >= 0.0


@modest
@given(
    lons,
    lats,
    st.floats(min_value=1.0, max_value=5000.0),
    st.floats(min_value=0.0, max_value=2 * math.pi),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_box_holds_every_point_within_the_radius(lon, lat, radius, bearing, share):
    # A point at distance share * radius on the given bearing (destination formula).
    d = share * radius / 6371008.8
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(
        math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    plon, plat = math.degrees(l2), math.degrees(p2)
    assert haversine_m(lon, lat, plon, plat) <= radius * (1 + 1e-9) + 1e-6
    lo_lon, lo_lat, hi_lon, hi_lat = box_around(lon, lat, radius)
    assert lo_lon <= plon <= hi_lon
    assert lo_lat <= plat <= hi_lat


def test_box_near_a_pole_spans_every_longitude():
    assert box_around(10.0, 89.999, 1000.0)[::2] == (-180.0, 180.0)
    with pytest.raises(ValueError):
        box_around(0.0, 0.0, -1.0)
