"""Geometry helpers: datum conversions, GeoJSON intake, tolerances, point index.

No database: runs with or without pytest-django."""

import itertools
import json
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import shapely
from shapely import MultiPolygon, Point, Polygon, box

from shanzhi.demo.synth import iter_grids, synthetic_district
from shanzhi.lib import geo

CITIES = {
    "Beijing": (116.3975, 39.9087),
    "Shanghai": (121.4737, 31.2304),
    "Nanjing": (118.7969, 32.0603),
    "Hangzhou": (120.1551, 30.2741),
    "Guangzhou": (113.2644, 23.1291),
    "Chengdu": (104.0665, 30.5723),
    "Xi'an": (108.9402, 34.3416),
    "Kunming": (102.8329, 24.8801),
    "Lhasa": (91.1172, 29.6469),
    "Urumqi": (87.6168, 43.8256),
    "Kashgar": (75.9897, 39.4704),
    "Harbin": (126.5349, 45.8038),
    "Mohe": (122.5383, 52.9722),
    "Sanya": (109.5119, 18.2528),
}
ABROAD = [(2.3522, 48.8566), (-74.006, 40.7128), (139.6917, 35.6895), (151.2093, -33.8688)]


def square(x0, y0, size, *, hole=None):
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    coords = [ring] + ([hole] if hole else [])
    return {"type": "Polygon", "coordinates": coords}


# --- datums ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", CITIES)
def test_gcj02_round_trip(name):
    lon, lat = CITIES[name]
    glon, glat = geo.wgs84_to_gcj02(lon, lat)
    assert 1e-4 < math.hypot(glon - lon, glat - lat) < 0.02  # tens to hundreds of metres
    back = geo.gcj02_to_wgs84(glon, glat)
    assert back == pytest.approx((lon, lat), abs=1e-6)


@pytest.mark.parametrize("name", CITIES)
def test_bd09_round_trip(name):
    lon, lat = CITIES[name]
    gcj = geo.wgs84_to_gcj02(lon, lat)
    bd = geo.gcj02_to_bd09(*gcj)
    # The published BD-09 inverse is itself approximate, to ~1e-6° (0.1 m).
    assert geo.bd09_to_gcj02(*bd) == pytest.approx(gcj, abs=2e-6)
    assert geo.bd09_to_wgs84(*bd) == pytest.approx((lon, lat), abs=2e-6)


def test_inverse_is_iterated_not_one_step():
    glon, glat = geo.wgs84_to_gcj02(*CITIES["Mohe"])
    dlon, dlat = geo._gcj_delta(glon, glat)
    one_step = (glon - dlon, glat - dlat)
    assert max(abs(a - b) for a, b in zip(one_step, CITIES["Mohe"], strict=True)) > 1e-6
    precise = geo.gcj02_to_wgs84(glon, glat)
    assert geo.wgs84_to_gcj02(*precise) == pytest.approx((glon, glat), abs=1e-8)


def test_beijing_offset_has_the_known_magnitude():
    lon, lat = CITIES["Beijing"]
    glon, glat = geo.wgs84_to_gcj02(lon, lat)
    assert 0.004 < glon - lon < 0.008  # ~0.006° east
    assert 0.0005 < glat - lat < 0.003  # ~0.0013° north
    blon, blat = geo.gcj02_to_bd09(glon, glat)
    assert 0.004 < blon - glon < 0.009 and 0.004 < blat - glat < 0.009


@pytest.mark.parametrize("point", ABROAD)
def test_outside_china_is_unchanged(point):
    assert geo.out_of_china(*point)
    for convert in (
        geo.wgs84_to_gcj02,
        geo.gcj02_to_wgs84,
        geo.gcj02_to_bd09,
        geo.bd09_to_gcj02,
        geo.bd09_to_wgs84,
    ):
        assert convert(*point) == point


def test_china_is_inside():
    assert not any(geo.out_of_china(*p) for p in CITIES.values())


# --- intake -----------------------------------------------------------------------------


def test_parse_accepts_dict_json_feature_and_multipolygon():
    poly = square(118.7, 32.0, 0.01)
    assert geo.parse_polygon(poly).area == pytest.approx(1e-4)
    assert geo.parse_polygon(json.dumps(poly)).equals(geo.parse_polygon(poly))
    feature = {"type": "Feature", "properties": {}, "geometry": poly}
    assert geo.parse_polygon(feature).equals(geo.parse_polygon(poly))
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(0, 0, 1)["coordinates"], square(2, 0, 1)["coordinates"]],
    }
    assert isinstance(geo.parse_polygon(multi), MultiPolygon)
    with_hole = square(0, 0, 4, hole=[[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]])
    assert geo.parse_polygon(with_hole).area == pytest.approx(15)
    three_d = {"type": "Polygon", "coordinates": [[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]]}
    assert geo.parse_polygon(three_d).area == pytest.approx(0.5)


BOWTIE = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]
BAD_INPUTS = [
    ("invalid_json", '{"type": "Polygon", '),
    ("wrong_type", {"type": "Point", "coordinates": [1, 2]}),
    ("wrong_type", [[0, 0], [1, 0], [1, 1], [0, 0]]),
    ("wrong_type", {"type": "Feature", "geometry": {"type": "LineString"}}),
    ("invalid_coordinates", {"type": "Polygon", "coordinates": "0 0 1 1"}),
    ("invalid_coordinates", {"type": "Polygon", "coordinates": [[[0, 0], [1, "a"], [1, 1]]]}),
    ("invalid_coordinates", {"type": "Polygon", "coordinates": [[[0, 0], [True, 0], [1, 1]]]}),
    ("invalid_coordinates", {"type": "Polygon", "coordinates": [[[0, 0], [float("nan"), 0]]]}),
    ("invalid_coordinates", {"type": "MultiPolygon", "coordinates": {"a": 1}}),
    ("out_of_range", square(179.5, 0, 1)),
    ("out_of_range", square(0, 89.5, 1)),
    ("too_few_points", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}),
    ("not_closed", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),
    ("not_closed", square(0, 0, 4, hole=[[1, 1], [1, 2], [2, 2], [2, 1]])),
    ("empty", {"type": "Polygon", "coordinates": []}),
    ("empty", {"type": "MultiPolygon", "coordinates": []}),
    ("empty", {"type": "Feature", "geometry": None}),
    ("self_intersection", {"type": "Polygon", "coordinates": [BOWTIE]}),
    ("self_intersection", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}),
    ("invalid", square(0, 0, 4, hole=[[5, 5], [6, 5], [6, 6], [5, 5]])),
]


@pytest.mark.parametrize(("code", "value"), BAD_INPUTS)
def test_parse_rejects_with_a_stable_code(code, value):
    with pytest.raises(geo.GeometryError) as caught:
        geo.parse_polygon(value)
    err = caught.value
    assert err.code == code
    assert isinstance(err, ValueError)
    assert str(err) == err.message and err.message
    assert "%(" not in err.message  # parameters were interpolated


def test_messages_name_the_place_of_the_fault():
    with pytest.raises(geo.GeometryError) as caught:
        geo.parse_polygon(square(0, 0, 4, hole=[[1, 1], [1, 2], [2, 2], [2, 1]]))
    assert "coordinates[1]" in caught.value.message
    with pytest.raises(geo.GeometryError) as caught:
        geo.parse_polygon({"type": "Polygon", "coordinates": [BOWTIE]})
    assert "Self-intersection" in caught.value.message  # GEOS reason, with the location


def test_every_code_has_a_message():
    codes = {code for code, _value in BAD_INPUTS} | {"outside_parent", "overlap"}
    assert codes == set(geo.MESSAGES)


def test_to_geojson_uses_lists_and_round_trips():
    shape = geo.parse_polygon(square(118.7, 32.0, 0.01, hole=None))
    out = geo.to_geojson(shape)
    assert out["type"] == "Polygon"
    assert isinstance(out["coordinates"], list) and isinstance(out["coordinates"][0][0], list)
    assert json.loads(json.dumps(out)) == out
    assert shapely.equals_exact(geo.parse_polygon(out), shape)


# --- areas and tolerances ---------------------------------------------------------------


def test_area_m2_at_city_scale():
    cell = geo.parse_polygon(square(118.7, 32.05, 0.01))
    expected = (0.01 * 111_195) ** 2 * math.cos(math.radians(32.055))
    assert geo.area_m2(cell) == pytest.approx(expected, rel=1e-3)
    assert geo.area_m2(Polygon()) == 0.0


def test_check_inside_respects_the_tolerance():
    parent = geo.parse_polygon(square(118.7, 32.05, 0.01))
    geo.check_inside(geo.parse_polygon(square(118.702, 32.052, 0.005)), parent, 0)
    # 1e-6° × 0.005° sticks out: about 0.1 m × 555 m ≈ 52 m².
    child = geo.parse_polygon(square(118.705 + 1e-6, 32.052, 0.005))
    outside = geo.area_m2(child.difference(parent))
    assert 40 < outside < 65
    geo.check_inside(child, parent, tolerance_m2=100)
    with pytest.raises(geo.GeometryError) as caught:
        geo.check_inside(child, parent, tolerance_m2=10)
    assert caught.value.code == "outside_parent"
    assert caught.value.params["area"] == round(outside, 1)


def test_overlap_tolerance_and_first_label():
    base = geo.parse_polygon(square(118.7, 32.05, 0.01))
    east = 118.7 + 0.01  # the same float as base's east edge
    sliver = geo.parse_polygon(square(east - 1e-6, 32.05, 0.01))  # ~100 m² overlap
    touching = geo.parse_polygon(square(east, 32.05, 0.01))
    assert geo.overlap_m2(base, touching) == 0.0
    area = geo.overlap_m2(base, sliver)
    assert 80 < area < 120
    geo.check_no_overlap(base, [("touching", touching), ("sliver", sliver)], 150)
    with pytest.raises(geo.GeometryError) as caught:
        geo.check_no_overlap(base, [("touching", touching), ("sliver", sliver)], 50)
    assert caught.value.code == "overlap"
    assert caught.value.params == {"label": "sliver", "area": round(area, 1), "tolerance": 50}
    assert "sliver" in caught.value.message
    geo.check_no_overlap(base, [], 0)


def test_overlap_prefilter_reports_the_first_offender_in_order():
    base = geo.parse_polygon(square(118.7, 32.05, 0.01))
    others = [(f"far{i}", box(100 + i, 30, 100.5 + i, 30.5)) for i in range(40)]
    others.insert(30, ("second", box(118.705, 32.05, 118.72, 32.06)))
    others.insert(7, ("first", box(118.709, 32.05, 118.72, 32.06)))
    with pytest.raises(geo.GeometryError) as caught:
        geo.check_no_overlap(base, iter(others), 1.0)
    assert caught.value.params["label"] == "first"


# --- point index --------------------------------------------------------------------------


def brute_force(items, lons, lats):
    """Every geometry against every point (one broadcast covers call), smallest key wins."""
    keys = [key for key, _g in items]
    geoms = np.array([g for _key, g in items], dtype=object)
    covered = shapely.covers(geoms[:, None], shapely.points(lons, lats)[None, :])
    out = []
    for column in covered.T:
        hits = [keys[i] for i in np.flatnonzero(column)]
        out.append(min(hits) if hits else None)
    return out


def assert_index_matches_brute_force(items, lons, lats):
    index = geo.GridIndex(items)
    assert len(index) == len(items)
    expected = brute_force(items, lons, lats)
    assert [index.lookup(x, y) for x, y in zip(lons, lats, strict=True)] == expected
    assert index.lookup_many(lons, lats) == expected
    return expected


def test_index_matches_brute_force_on_a_tiling():
    district = synthetic_district(
        streets=2, communities_per_street=3, grids_per_community=7, seed=5
    )
    items = [(g.code, geo.parse_polygon(g.polygon)) for g in iter_grids(district)]
    minx, miny, maxx, maxy = geo.parse_polygon(district.polygon).bounds
    rng = np.random.default_rng(0)
    pad = 0.1 * (maxx - minx)
    lons = rng.uniform(minx - pad, maxx + pad, 1500).tolist()
    lats = rng.uniform(miny - pad, maxy + pad, 1500).tolist()
    # Shared lattice vertices (up to four grids) and edge midpoints, both on boundaries.
    for _code, shape in items:
        ring = list(shape.exterior.coords)
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            lons += [x1, (x1 + x2) / 2]
            lats += [y1, (y1 + y2) / 2]
    expected = assert_index_matches_brute_force(items, lons, lats)
    assert None in expected  # some points fell outside every grid
    corner = items[0][1].exterior.coords[0]
    sharing = sorted(k for k, g in items if g.covers(Point(corner)))
    assert geo.GridIndex(items).lookup(*corner) == sharing[0]


def test_index_matches_brute_force_when_edges_fall_on_bucket_borders():
    # Unit squares: buckets are 1/6 wide, so grid lines coincide with bucket borders.
    items = [(f"{i:02d}{j:02d}", box(i, j, i + 1, j + 1)) for i in range(12) for j in range(9)]
    rng = np.random.default_rng(2)
    lons = np.concatenate([rng.uniform(-1, 13, 1000), rng.integers(-1, 14, 500)]).tolist()
    lats = np.concatenate([rng.uniform(-1, 10, 1000), rng.integers(-1, 11, 500)]).tolist()
    lons += [k / 6 for k in range(80)]
    lats += [(k % 7) / 6 + 2 for k in range(80)]
    expected = assert_index_matches_brute_force(items, lons, lats)
    assert expected[-80] == "0001"  # (0, 2): corner of squares 0001 and 0002


def test_index_matches_brute_force_on_overlaps_holes_and_multipolygons():
    rng = np.random.default_rng(1)
    centres = rng.uniform(0, 10, (60, 2))
    radii = rng.uniform(0.05, 1.5, 60)
    items = [
        (i, Point(c).buffer(r, 8)) for i, (c, r) in enumerate(zip(centres, radii, strict=True))
    ]
    items.append((100, box(-1, -1, 11, 11).difference(box(2, 2, 8, 8))))  # a big frame
    items.append((101, MultiPolygon([box(3, 3, 4, 4), box(6, 6, 7.5, 6.5)])))
    items.append((102, box(4, 4, 5, 5)))  # touches 101 at a corner
    lons = [*rng.uniform(-2, 12, 3000).tolist(), 4.0, 5.0, 3.0, 8.0, -1.0, 11.5]
    lats = [*rng.uniform(-2, 12, 3000).tolist(), 4.0, 5.0, 3.5, 8.0, 11.0, 11.5]
    expected = assert_index_matches_brute_force(items, lons, lats)
    assert expected[-2] == 100 and expected[-1] is None
    assert {100, 101, 102} <= set(expected)


def test_index_edge_cases():
    empty = geo.GridIndex([])
    assert len(empty) == 0
    assert empty.lookup(118.7, 32.0) is None
    assert empty.lookup_many([118.7], [32.0]) == [None]
    index = geo.GridIndex([("b", box(0, 0, 1, 1)), ("a", box(1, 0, 2, 1))])
    assert index.lookup(1.0, 0.5) == "a"  # shared edge: smallest key
    assert index.lookup(float("nan"), 0.5) is None
    assert index.lookup_many([float("nan"), 0.5, 5.0], [0.5, 0.5, 0.5]) == [None, "b", None]
    assert index.lookup_many(np.array([]), np.array([])) == []
    with pytest.raises(ValueError):
        index.lookup_many([1.0, 2.0], [1.0])
    tuple_keys = geo.GridIndex([(("x", 1), box(0, 0, 1, 1))])
    assert tuple_keys.lookup_many([0.5], [0.5]) == [("x", 1)]


def test_index_answers_the_same_from_several_threads():
    district = synthetic_district(streets=1, communities_per_street=4, grids_per_community=9)
    index = geo.GridIndex((g.code, geo.parse_polygon(g.polygon)) for g in iter_grids(district))
    minx, miny, maxx, maxy = geo.parse_polygon(district.polygon).bounds
    rng = np.random.default_rng(3)
    lons, lats = rng.uniform(minx, maxx, 4000), rng.uniform(miny, maxy, 4000)
    expected = index.lookup_many(lons, lats)

    def work(_n):
        single = [index.lookup(x, y) for x, y in zip(lons.tolist(), lats.tolist(), strict=True)]
        return single == expected and index.lookup_many(lons, lats) == expected

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(work, range(8)))
