"""Duplicate candidates (cases/duplicates.py): narrowing, ranking, repeat requesters,
visibility and privacy."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from shanzhi.cases import duplicates
from shanzhi.cases.duplicates import similar_cases
from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Region

pytestmark = pytest.mark.django_db

LIUAN_1 = "990101001001001"  # 柳岸社区第1网格, 东湖街道
LIUAN_2 = "990101001001002"  # its neighbour
SONGFENG_1 = "990101002001001"  # 松风社区第1网格, 西岭街道
PHONE = "19900001234"


@pytest.fixture(autouse=True)
def english():
    load_catalogue()
    with translation.override("en"):
        yield


def point_in(code: str, east_m: float = 0.0) -> tuple[float, float]:
    """A point inside the grid, moved ``east_m`` metres east."""
    p = geo.parse_polygon(Region.objects.get(code=code).geometry).representative_point()
    return p.x + east_m / 94_000, p.y  # ~94 km per degree of longitude at 32°N


def category(code: str) -> MatterCategory:
    return MatterCategory.objects.get(code=code)


def register(actor, title, description, code="0604", at=None, **extra):
    lon, lat = at if at is not None else (None, None)
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title=title,
            description=description,
            category=category(code) if code else None,
            lon=lon,
            lat=lat,
            **extra,
        ),
        actor=actor,
    )


def numbers(candidates):
    return [c.case.number for c in candidates]


def test_ranked_by_text_place_and_category(persona):
    leader = persona("leader")
    here = point_in(LIUAN_1)
    same = register(leader, "小区南门路面塌陷", "南门人行道路面塌陷，有积水", at=here)
    farther = register(
        leader, "南门附近路面塌陷", "人行道路面塌陷", at=point_in(LIUAN_1, east_m=150)
    )
    other_text = register(leader, "井盖丢失", "3号楼前井盖丢失", at=here)
    other_class = register(leader, "小区南门路面塌陷", "同一处", code="2001", at=here)

    found = similar_cases(
        title="小区南门的路面塌陷了",
        description="南门人行道塌陷，积水",
        category=category("0604"),
        lon=here[0],
        lat=here[1],
        user=leader,
    )
    ranked = numbers(found)
    assert ranked[:2] == [same.number, farther.number]
    assert other_class.number not in ranked  # another class of matter is not searched
    if other_text.number in ranked:
        assert ranked.index(other_text.number) > 1
    best = found[0]
    assert best.score > found[1].score
    assert 0.0 <= found[-1].score <= best.score <= 1.0
    assert best.distance_m is not None and best.distance_m < 5
    assert "same category" in best.reasons
    assert any(r.startswith("text ") for r in best.reasons)
    assert 100 < found[1].distance_m < 200


def test_only_open_cases_of_the_window(persona):
    leader = persona("leader")
    here = point_in(LIUAN_1)
    kept = register(leader, "路灯不亮", "3号楼前路灯不亮", code="0604", at=here)
    merged = register(leader, "路灯不亮了", "3号楼前路灯不亮", code="0604", at=here)
    do_transition(merged, "merge", actor=persona("dispatcher"), target=kept, note="同一事项")
    query = dict(
        title="路灯不亮",
        description="3号楼前的路灯不亮",
        category=category("0604"),
        lon=here[0],
        lat=here[1],
        user=leader,
    )
    assert numbers(similar_cases(**query)) == [kept.number]  # the merged one is final
    later = timezone.now() + duplicates.WINDOW + timedelta(days=1)
    assert similar_cases(**query, now=later) == []
    assert similar_cases(**query, exclude=kept.pk) == []


def test_same_major_class_counts_less_than_same_category(persona):
    leader = persona("leader")
    here = point_in(LIUAN_1)
    sibling = register(leader, "小区门口垃圾堆放", "垃圾堆放未清运", code="0602", at=here)
    same = register(leader, "小区门口垃圾堆放", "垃圾堆放未清运", code="0603", at=here)
    found = similar_cases(
        title="小区门口垃圾堆放",
        description="垃圾堆放未清运",
        category=category("0603"),
        lon=here[0],
        lat=here[1],
        user=leader,
    )
    assert numbers(found) == [same.number, sibling.number]
    assert "same class of matter" in found[1].reasons


def test_without_a_point_the_category_class_is_searched(persona):
    leader = persona("leader")
    located = register(
        leader, "燃气管道异味", "楼道里有燃气异味", code="2003", at=point_in(LIUAN_1)
    )
    by_address = register(
        leader, "燃气管道有异味", "楼道燃气异味", code="2003", address="东湖街道柳岸社区3号楼"
    )
    assert by_address.grid_id is None and by_address.street_id is not None
    found = similar_cases(
        title="燃气异味", description="楼道燃气异味", category=category("2003"), user=leader
    )
    assert set(numbers(found)) == {located.number, by_address.number}
    # With a point, the case located by its address only (no grid) is still found.
    here = point_in(LIUAN_2)
    near = similar_cases(
        title="燃气异味",
        description="楼道燃气异味",
        category=category("2003"),
        lon=here[0],
        lat=here[1],
        user=leader,
    )
    assert by_address.number in numbers(near)


def test_far_away_cases_are_not_candidates(persona):
    leader = persona("leader")
    register(leader, "井盖破损", "井盖破损", at=point_in(SONGFENG_1))
    here = point_in(LIUAN_1)
    found = similar_cases(
        title="井盖破损",
        description="井盖破损",
        category=category("0604"),
        lon=here[0],
        lat=here[1],
        user=leader,
    )
    assert found == []


def test_repeat_requests_are_flagged_by_phone_and_by_account(persona):
    leader, resident = persona("leader"), persona("resident")
    by_phone = register(
        leader, "楼上漏水", "楼上卫生间漏水", code="", requester_phone=PHONE, requester_name="王"
    )
    by_account = register(resident, "物业不作为", "物业不处理漏水", code="", requester=resident)
    # A different matter, no category, no place: only the requester's own cases come up.
    found = similar_cases(
        title="噪声扰民", description="夜间施工", phone=PHONE, requester=resident, user=leader
    )
    assert set(numbers(found)) == {by_phone.number, by_account.number}
    assert all(c.same_requester and c.reasons[0] == "same requester" for c in found)
    assert similar_cases(title="噪声扰民", description="夜间施工", user=leader) == []
    # A public search (no user) does not match phone numbers.
    public = similar_cases(title="噪声扰民", description="夜间施工", phone=PHONE)
    assert public == []


def test_confidential_phone_match_needs_the_right_to_see_the_requester(persona):
    leader, community = persona("leader"), persona("community")
    secret = register(
        leader,
        "举报违建",
        "有人私搭乱建",
        code="0601",
        at=point_in(LIUAN_1),
        requester_phone=PHONE,
        confidential=True,
    )
    query = dict(title="噪声扰民", description="夜间施工", phone=PHONE)
    assert numbers(similar_cases(**query, user=leader)) == [secret.number]
    # The community worker sees the case, but not who reported it: no phone match.
    assert similar_cases(**query, user=community) == []


def test_visibility_follows_the_area(persona):
    leader = persona("leader")
    there = point_in(SONGFENG_1)
    case = register(leader, "路面塌陷", "人行道路面塌陷", at=there)
    query = dict(
        title="路面塌陷",
        description="人行道塌陷",
        category=category("0604"),
        lon=there[0],
        lat=there[1],
    )
    assert numbers(similar_cases(**query, user=leader)) == [case.number]
    assert similar_cases(**query, user=persona("dispatcher")) == []  # another street
    assert similar_cases(**query, user=persona("community")) == []
    assert similar_cases(**query, user=persona("resident")) == []


def test_grids_near_a_point(db):
    lon, lat = point_in(LIUAN_1)
    own = Region.objects.get(code=LIUAN_1).pk
    near = duplicates.grids_near(lon, lat, 500)
    assert own in near
    assert Region.objects.get(code=SONGFENG_1).pk not in near
    assert duplicates.grids_near(0.0, 0.0, 500) == []


def test_lon_and_lat_go_together(persona):
    with pytest.raises(ValueError):
        similar_cases(title="x", description="y", lon=118.7, user=persona("leader"))


def test_a_grid_or_a_street_instead_of_a_point(persona):
    leader = persona("leader")
    here = point_in(LIUAN_1)
    in_grid = register(leader, "楼道堆物", "楼道堆放杂物", code="0601", at=here)
    register(leader, "楼道堆物", "楼道堆放杂物", code="0601", at=point_in(SONGFENG_1))
    grid = Region.objects.get(code=LIUAN_1)
    query = dict(title="楼道堆物", description="堆放杂物", user=leader)
    by_grid = similar_cases(**query, grid=grid)  # no category: the grid's cases
    assert numbers(by_grid) == [in_grid.number]
    assert "same grid" in by_grid[0].reasons
    street = Region.objects.get(pk=in_grid.street_id)
    by_street = similar_cases(**query, category=category("0601"), street=street)
    assert numbers(by_street) == [in_grid.number]
    assert "same street" in by_street[0].reasons
