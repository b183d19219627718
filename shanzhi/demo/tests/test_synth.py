"""The synthetic district generator: structure, codes, exact tiling, determinism.

No database: runs with or without pytest-django."""

import math
import re
from itertools import combinations, pairwise

import pytest
import shapely

from shanzhi.demo.synth import SynthRegion, iter_grids, iter_regions, synthetic_district
from shanzhi.lib import geo

GRID = 350.0


@pytest.fixture(scope="module")
def district() -> SynthRegion:
    # 7 grids per community: not a rectangle count, so two grids span two cells.
    return synthetic_district(streets=3, communities_per_street=4, grids_per_community=7)


@pytest.fixture(scope="module")
def shapes(district) -> dict[str, shapely.Geometry]:
    return {r.code: geo.parse_polygon(r.polygon) for r in iter_regions(district)}


def test_counts_and_levels(district):
    assert district.level == "district"
    assert len(district.children) == 3
    assert all(len(s.children) == 4 and s.level == "street" for s in district.children)
    communities = [c for s in district.children for c in s.children]
    assert all(len(c.children) == 7 and c.level == "community" for c in communities)
    grids = list(iter_grids(district))
    assert len(grids) == 3 * 4 * 7
    assert all(g.level == "grid" and g.children == [] for g in grids)
    assert len(list(iter_regions(district))) == 1 + 3 + 12 + 84


def test_codes_follow_the_national_pattern(district):
    assert district.code == "990101"
    codes = [r.code for r in iter_regions(district)]
    assert len(set(codes)) == len(codes)
    for street_no, street in enumerate(district.children, start=1):
        assert street.code == f"990101{street_no:03d}"
        for community_no, community in enumerate(street.children, start=1):
            assert community.code == f"{street.code}{community_no:03d}"
            assert community.name in community.children[0].name
            for grid_no, grid in enumerate(community.children, start=1):
                assert re.fullmatch(r"\d{15}", grid.code)
                assert grid.code == f"{community.code}{grid_no:03d}"
                assert grid.name.endswith(f"第{grid_no}网格")
    assert [g.code for g in iter_grids(district)] == sorted(g.code for g in iter_grids(district))


def _north_west(region: SynthRegion) -> tuple[float, float]:
    # Rings start at the north-west lattice corner.
    lon, lat = region.polygon["coordinates"][0][0]
    return lon, lat


@pytest.mark.parametrize("level", ["street", "community", "grid"])
def test_siblings_numbered_west_to_east_then_north_to_south(district, level):
    parents = [r for r in iter_regions(district) if r.children and r.children[0].level == level]
    for parent in parents:
        corners = [_north_west(child) for child in parent.children]
        for (lon1, lat1), (lon2, lat2) in pairwise(corners):
            same_row = abs(lat1 - lat2) < 0.5 * GRID / 111_000  # jitter < 0.2 cell
            assert (same_row and lon2 > lon1) or (not same_row and lat2 < lat1)


def test_every_polygon_is_valid_closed_and_counter_clockwise(district, shapes):
    for region in iter_regions(district):
        ring = region.polygon["coordinates"][0]
        assert region.polygon["type"] == "Polygon"
        assert ring[0] == ring[-1] and all(isinstance(p, list) for p in ring)
        shape = shapes[region.code]  # parse_polygon raised if it were invalid
        assert shape.is_valid and shape.exterior.is_ccw


def test_children_tile_their_parent_exactly(district, shapes):
    for parent in iter_regions(district):
        if not parent.children:
            continue
        whole = shapes[parent.code]
        parts = [shapes[c.code] for c in parent.children]
        assert sum(p.area for p in parts) == pytest.approx(whole.area, rel=1e-9)
        union = shapely.union_all(parts)
        assert union.area == pytest.approx(whole.area, rel=1e-9)
        assert whole.symmetric_difference(union).area < 1e-9 * whole.area
        for a, b in combinations(parts, 2):
            assert a.intersection(b).area < 1e-12 * whole.area


def test_neighbours_share_vertices_as_identical_floats(district):
    for parent in iter_regions(district):
        if not parent.children:
            continue
        child_vertices = {tuple(p) for c in parent.children for p in c.polygon["coordinates"][0]}
        assert {tuple(p) for p in parent.polygon["coordinates"][0]} <= child_vertices


def test_geometry_scale_origin_and_jitter(district, shapes):
    minx, miny, _maxx, _maxy = shapes[district.code].bounds
    assert (minx, miny) == pytest.approx((118.70, 32.05), abs=1e-12)
    grids = list(iter_grids(district))
    mean_area = geo.area_m2(shapes[district.code]) / len(grids)
    # 84 grids in 7-cell communities: 12 × 9 cells, each 350 m square.
    assert mean_area == pytest.approx(12 * 9 * GRID**2 / 84, rel=0.01)
    sizes = [geo.area_m2(shapes[g.code]) for g in grids]
    assert min(sizes) > 0.5 * GRID**2 and max(sizes) < 2 * 1.6 * GRID**2
    # Interior lattice points are jittered: most grids are not axis-aligned rectangles.
    skewed = [
        g
        for g in grids
        if shapes[g.code].minimum_rotated_rectangle.area > 1.001 * g_area(shapes, g)
    ]
    assert len(skewed) > 0.8 * len(grids)


def g_area(shapes, region):
    return shapes[region.code].area


def test_deterministic_and_seeded():
    args = {"streets": 2, "communities_per_street": 3, "grids_per_community": 5}
    first, again = synthetic_district(**args), synthetic_district(**args)
    assert first == again
    other = synthetic_district(**args, seed=7)
    assert [r.code for r in iter_regions(other)] == [r.code for r in iter_regions(first)]
    assert other.children[0].children[0].polygon != first.children[0].children[0].polygon
    assert other.polygon == first.polygon  # the outline is not jittered


@pytest.mark.parametrize("per_community", [1, 2, 3, 10, 12, 25])
def test_any_grid_count_tiles_its_community(per_community):
    root = synthetic_district(
        streets=1, communities_per_street=2, grids_per_community=per_community
    )
    for community in root.children[0].children:
        whole = geo.parse_polygon(community.polygon)
        parts = [geo.parse_polygon(g.polygon) for g in community.children]
        assert len(parts) == per_community
        assert sum(p.area for p in parts) == pytest.approx(whole.area, rel=1e-9)
        assert shapely.union_all(parts).area == pytest.approx(whole.area, rel=1e-9)


def test_layout_is_near_square():
    root = synthetic_district(streets=4, communities_per_street=40, grids_per_community=25)
    minx, miny, maxx, maxy = geo.parse_polygon(root.polygon).bounds
    aspect = (maxx - minx) * math.cos(math.radians(miny)) / (maxy - miny)
    assert 0.5 < aspect < 2.0
    assert sum(1 for _ in iter_grids(root)) == 4000


@pytest.mark.parametrize(
    "kwargs",
    [
        {"streets": 0},
        {"streets": 1000},
        {"grids_per_community": 2.5},
        {"district_code": "12345"},
        {"district_code": "abcdef"},
        {"grid_size_m": 0},
    ],
)
def test_rejects_bad_arguments(kwargs):
    args = {"streets": 1, "communities_per_street": 1, "grids_per_community": 1} | kwargs
    with pytest.raises(ValueError):
        synthetic_district(**args)
