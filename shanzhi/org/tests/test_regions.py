"""One-object rules of org units: levels, codes, boundaries."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from shanzhi.lib import geo
from shanzhi.org.actions import do_save_region
from shanzhi.org.models import Level, Region
from shanzhi.org.tests.helpers import deactivate

pytestmark = pytest.mark.django_db
COMMUNITY = "990101001001"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def square(lon, lat, size=0.001):
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


def errors_of(region):
    with pytest.raises(ValidationError) as excinfo:
        region.full_clean()
    return excinfo.value.message_dict


def grid_in(community, code_suffix="099", shape=None):
    return Region(
        level=Level.GRID,
        code=community.code + code_suffix,
        name="新网格",
        parent=community,
        geometry=shape,
    )


def test_a_demo_grid_is_valid(region):
    region("990101001001001").full_clean()


@pytest.mark.parametrize("code", ["99010100100109", "9901010010010999", "99010100100A001"])
def test_grid_code_must_have_15_digits(region, code):
    grid = grid_in(region(COMMUNITY))
    grid.code = code
    assert "15 digits" in errors_of(grid)["code"][0]


def test_grid_code_must_start_with_the_community_code(region):
    grid = grid_in(region(COMMUNITY))
    grid.code = "990101001002099"
    assert "990101001001" in errors_of(grid)["code"][0]


def test_sequence_000_is_refused(region):
    grid = grid_in(region(COMMUNITY), "000")
    assert "000" in errors_of(grid)["code"][0]


def test_duplicate_code_is_refused(region):
    grid = grid_in(region(COMMUNITY), "001")
    assert errors_of(grid)["code"] == ["Another unit already has this code."]


def test_grid_cannot_sit_directly_under_a_street(region):
    street = region("990101001")
    grid = Region(level=Level.GRID, code="990101001001099", name="x", parent=street)
    assert "cannot be placed under" in errors_of(grid)["parent"][0]


def test_street_needs_a_parent():
    street = Region(level=Level.STREET, code="990101009", name="x")
    assert "must belong to" in errors_of(street)["parent"][0]


def test_grid_needs_a_boundary(region):
    assert "boundary" in errors_of(grid_in(region(COMMUNITY)))["geometry"][0]


def test_grid_overlapping_a_sibling_is_refused(region):
    community = region(COMMUNITY)
    sibling = region("990101001001002")
    centre = geo.parse_polygon(sibling.geometry).representative_point()
    grid = grid_in(community, shape=square(centre.x - 0.0005, centre.y - 0.0005))
    message = errors_of(grid)["geometry"][0]
    assert "overlap" in message.lower()


def test_grid_outside_its_community_is_refused(region):
    grid = grid_in(region(COMMUNITY), shape=square(100.0, 30.0))
    assert "outside" in errors_of(grid)["geometry"][0].lower()


def test_self_intersecting_boundary_is_refused(region):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    grid = grid_in(region(COMMUNITY), shape=bowtie)
    assert "self-intersection" in errors_of(grid)["geometry"][0].lower()


def test_unclosed_ring_is_refused(region):
    ring = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
    grid = grid_in(region(COMMUNITY), shape=ring)
    assert "closed" in errors_of(grid)["geometry"][0].lower()


def test_unit_cannot_move_under_its_own_child(region):
    street = region("990101001")
    street.parent = region(COMMUNITY)
    assert "parent" in errors_of(street)


def test_unit_with_children_cannot_move(region):
    community = region(COMMUNITY)
    community.parent = region("990101002")
    community.code = "990101002009"
    assert "sub-units" in errors_of(community)["parent"][0]


def test_new_grid_gets_its_path_and_is_found_in_the_tree(persona, region):
    community = region(COMMUNITY)
    first = geo.parse_polygon(region("990101001001001").geometry)
    # Carve a new grid out of nothing: deactivate grid 1, then draw its replacement.
    deactivate(region("990101001001001"), actor=persona("admin"))
    new = grid_in(community, "099", shape=geo.to_geojson(first))
    do_save_region(new, actor=persona("admin"), note="重新划分")
    assert new.path == f"{community.path}{new.pk}/"
    assert Region.objects.within(community).filter(pk=new.pk).exists()


# --- Rules that span several units -------------------------------------------------------


def test_a_unit_with_sub_units_keeps_its_code(region):
    community = region(COMMUNITY)
    community.code = "990101001009"
    assert "keeps its code" in errors_of(community)["code"][0]
    childless = region("990101001001002")
    childless.code = "990101001001099"
    childless.full_clean()  # a grid without micro-grids may be renumbered


def test_a_new_boundary_must_hold_the_active_sub_units(region):
    community = region(COMMUNITY)
    community.geometry = region("990101001001002").geometry  # shrunk to one of its grids
    message = errors_of(community)["geometry"][0]
    assert "outside this boundary" in message and "990101001001" in message


def test_an_unchanged_boundary_is_not_rechecked_against_sub_units(region):
    community = region(COMMUNITY)
    community.name = "柳岸新社区"
    community.full_clean()


def test_a_unit_with_active_sub_units_cannot_be_deactivated(region):
    community = region(COMMUNITY)
    community.is_active = False
    assert "5 active sub-units" in errors_of(community)["is_active"][0]


def test_a_unit_where_people_hold_roles_cannot_be_deactivated(region):
    grid = region("990101001001003")  # grid worker, grid leader
    grid.is_active = False
    assert "2 people still hold a role" in errors_of(grid)["is_active"][0]


def test_grids_may_not_overlap_across_neighbourhoods_of_a_community(persona, region):
    community = region(COMMUNITY)
    hood = do_save_region(
        Region(level=Level.NEIGHBOURHOOD, code=COMMUNITY + "01", name="邻里一", parent=community),
        actor=persona("admin"),
    )
    existing = region("990101001001002")  # directly under the community
    grid = Region(
        level=Level.GRID,
        code=COMMUNITY + "099",
        name="邻里网格",
        parent=hood,
        geometry=existing.geometry,
    )
    assert "overlap" in errors_of(grid)["geometry"][0].lower()


def test_only_a_superuser_creates_a_district(persona, region):
    from django.core.exceptions import PermissionDenied

    from shanzhi.core.models import User
    from shanzhi.core.roles import Role
    from shanzhi.org.actions import do_save_membership
    from shanzhi.org.models import Membership

    street_admin = User.objects.create_user("admin-street2")
    do_save_membership(
        Membership(user=street_admin, role=Role.ADMINISTRATOR, region=region("990101002")),
        actor=persona("admin"),
    )
    street_admin = User.objects.get(pk=street_admin.pk)
    for actor in (street_admin, persona("admin")):
        with pytest.raises(PermissionDenied):
            do_save_region(Region(level=Level.DISTRICT, code="990102", name="新区"), actor=actor)
    assert not Region.objects.filter(code="990102").exists()
    root = User.objects.create_superuser("root")
    do_save_region(Region(level=Level.DISTRICT, code="990102", name="新区"), actor=root)
    # The district administrator still changes their own district.
    district = region("990101")
    district.name = "善治示范区（虚构，新名）"
    do_save_region(district, actor=persona("admin"), note="更名")
