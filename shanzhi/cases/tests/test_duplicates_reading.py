"""Duplicate candidates (cases/duplicates.py): the statements written by hand choose the
cases that the rule chooses (checked against the same rule written with the ORM), and
ranking that skips hopeless texts gives what scoring every row gives."""

import math
from datetime import timedelta

import pytest
from django.db.models import Case as When_
from django.db.models import ExpressionWrapper, F, FloatField, Q, Value, When
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from shanzhi.cases import duplicates
from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Case
from shanzhi.core.models import User
from shanzhi.duties import routing as catalogue
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import distance, geo, textsim
from shanzhi.org.models import Region

LIUAN_1 = "990101001001001"  # 柳岸社区第1网格, 东湖街道
SONGFENG_1 = "990101002001001"  # 松风社区第1网格, 西岭街道
PHONE = "19900004321"


@pytest.fixture
def english(db):
    load_catalogue()
    with translation.override("en"):
        yield


def point_in(code: str, east_m: float = 0.0) -> tuple[float, float]:
    p = geo.parse_polygon(Region.objects.get(code=code).geometry).representative_point()
    return p.x + east_m / (distance.M_PER_DEG_LAT * math.cos(math.radians(p.y))), p.y


def register(actor, title, code, at=None, days_ago=0.0, **extra):
    lon, lat = at if at is not None else (None, None)
    case = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title=title,
            description=f"{title}，请尽快处理",
            category=MatterCategory.objects.get(code=code) if code else None,
            lon=lon,
            lat=lat,
            **extra,
        ),
        actor=actor,
    )
    Case.objects.filter(pk=case.pk).update(created=timezone.now() - timedelta(days=days_ago))
    return case


def chosen_by_the_rule(query, cases, cap: int) -> set[int]:
    """The ids the narrowings choose (docs/duplicates.md), with the ORM: up to ``cap`` of
    each narrowing, the query's category first, then the nearest, then the newest."""
    order = []
    if query.categories:
        own = [pk for pk, score in query.categories.items() if score == 1.0]
        order.append(When_(When(category_id__in=own, then=Value(0)), default=Value(1)).asc())
    if query.lon is not None:
        east = (F("lon") - query.lon) * math.cos(math.radians(query.lat))
        flat = east * east + (F("lat") - query.lat) * (F("lat") - query.lat)
        order.append(ExpressionWrapper(flat, output_field=FloatField()).asc(nulls_last=True))
    order.append(F("created").desc())
    found = set()

    def first(narrowed, by=order):
        found.update(narrowed.order_by(*by).values_list("pk", flat=True)[:cap])

    if query.categories:
        classes = [Q(category_id__in=list(query.categories))]
    else:
        every = list(catalogue.snapshot().categories)
        classes = [Q(category_id__in=every), Q(category_id__isnull=True)]
    street = Q(street_id=query.street_id) | Q(street_id__isnull=True) if query.street_id else Q()
    if query.lon is not None:
        near = duplicates.grids_near(query.lon, query.lat, duplicates.NEAR_M)
        lo_lon, lo_lat, hi_lon, hi_lat = distance.box_around(query.lon, query.lat, 300.0)
        in_box = Q(lat__gte=lo_lat, lat__lte=hi_lat, lon__gte=lo_lon, lon__lte=hi_lon)
        if query.grid_id is not None:
            in_box |= Q(lat__isnull=True, grid_id=query.grid_id)
        for of_class in classes:
            first(cases.filter(of_class, in_box, grid_id__in=near))
    elif query.grid_id is not None:
        for of_class in classes:
            first(cases.filter(of_class, grid_id=query.grid_id))
    elif query.categories:
        first(cases.filter(classes[0], street))
    if query.categories and (query.lon is not None or query.grid_id is not None):
        first(cases.filter(classes[0], street, grid_id__isnull=True))
    same = Q(pk__in=[])
    if query.requester_id is not None:
        same |= Q(requester_id=query.requester_id)
    if query.phone:
        same |= Q(requester_phone=query.phone)
    first(cases.filter(same), by=[F("created").desc()])
    return found


@pytest.fixture
def cases_around(english, persona):
    """Cases at growing distances east of a point of 柳岸社区第1网格, of a class (道路
    破损 0604, 道路不洁 0603, 暴露垃圾 0602) and of another (燃气 2003), one located by
    its address only, one merged (final), one a month and more old, one of the grid
    with no point."""
    leader = persona("leader")
    made = [
        register(leader, "南门路面塌陷", "0604", point_in(LIUAN_1, 20), days_ago=9),
        register(leader, "南门路面不洁", "0603", point_in(LIUAN_1, 60), days_ago=1),
        register(leader, "南门垃圾堆放", "0602", point_in(LIUAN_1, 90), days_ago=3),
        register(leader, "南门燃气异味", "2003", point_in(LIUAN_1, 120), days_ago=2),
        register(leader, "南门路面破损", "0604", point_in(LIUAN_1, 200), days_ago=4),
        register(leader, "南门路面坑洼", "0604", point_in(LIUAN_1, 260), days_ago=5),
        register(leader, "南门路面塌陷", "0604", address="东湖街道柳岸社区南门", days_ago=6),
        register(leader, "南门路面塌陷", "0604", point_in(LIUAN_1, 30), days_ago=40),
        register(leader, "楼上漏水", "", requester_phone=PHONE, requester_name="王", days_ago=7),
    ]
    merged = register(leader, "南门路面塌陷了", "0604", point_in(LIUAN_1, 10), days_ago=1)
    do_transition(merged, "merge", actor=persona("dispatcher"), target=made[0], note="同一事项")
    made.append(in_grid_without_point(leader, "南门路面塌陷", "0604", LIUAN_1))
    return made


def in_grid_without_point(actor, title, code, grid_code):
    """A case of a grid with no point of its own (data from elsewhere can be so)."""
    case = register(actor, title, code, point_in(grid_code), days_ago=8)
    Case.objects.filter(pk=case.pk).update(lon=None, lat=None)
    case.refresh_from_db()
    return case


SHAPES = {
    "point and category": dict(category="0604", at=True),
    "point, no category": dict(category=None, at=True),
    "point, category, phone": dict(category="0603", at=True, phone=PHONE),
    "category, no place": dict(category="0604", at=False),
    "category and street": dict(category="0603", at=False, street=True),
    "grid, no category": dict(category=None, at=False, grid=True),
    "grid and category": dict(category="0602", at=False, grid=True),
    "phone only": dict(category=None, at=False, phone=PHONE),
}


@pytest.mark.parametrize("cap", [1, 2, 3, 100])
@pytest.mark.parametrize("shape", SHAPES)
def test_the_cases_chosen_are_those_of_the_rule(cases_around, persona, monkeypatch, shape, cap):
    monkeypatch.setattr(duplicates, "MAX_CANDIDATES", cap)
    given_ = SHAPES[shape]
    lon, lat = point_in(LIUAN_1) if given_["at"] else (None, None)
    grid = Region.objects.get(code=LIUAN_1)
    query, cases = duplicates.prepare(
        title="南门路面塌陷",
        description="人行道路面塌陷",
        category=MatterCategory.objects.get(code=given_["category"])
        if given_["category"]
        else None,
        lon=lon,
        lat=lat,
        grid=grid if given_.get("grid") else None,
        street=Region.objects.get(pk=cases_around[0].street_id) if given_.get("street") else None,
        requester=None,
        phone=given_.get("phone", ""),
        now=None,
        user=persona("dispatcher"),
    )
    read = duplicates._candidates(cases, query)
    assert {row[0] for row in read} == chosen_by_the_rule(query, cases, cap)
    assert len({row[0] for row in read}) == len(read)  # each case once
    assert all(isinstance(row[duplicates.FIELDS.index("confidential")], bool) for row in read)


def test_without_a_category_the_nearest_are_found_first_near_the_point(
    cases_around, persona, monkeypatch
):
    """Two cases lie within ``FIRST_NEAR_M``: with room for two, those; with room for
    four, the search reaches farther (200 m) as the whole box gives."""
    lon, lat = point_in(LIUAN_1)
    query = dict(title="南门路面塌陷", description="路面塌陷", lon=lon, lat=lat)
    dispatcher = persona("dispatcher")
    monkeypatch.setattr(duplicates, "MAX_CANDIDATES", 2)
    two = duplicates.similar_cases(**query, limit=10, user=dispatcher)
    # The nearest two of the window, whatever their category; the merged one is final.
    assert {c.case.pk for c in two} <= {cases_around[0].pk, cases_around[1].pk}
    monkeypatch.setattr(duplicates, "MAX_CANDIDATES", 5)
    five = {c.case.pk for c in duplicates.similar_cases(**query, limit=10, user=dispatcher)}
    assert cases_around[4].pk in five  # 200 m away, found by the whole box


def test_a_case_of_the_grid_with_no_point_comes_after_those_with_one(english, persona, monkeypatch):
    """Near the point only a case of its grid with no point: the first step finds it
    alone and goes on to the whole box, where a case 200 m away comes first."""
    leader = persona("leader")
    unplaced = in_grid_without_point(leader, "井盖破损", "0604", SONGFENG_1)
    farther = register(leader, "井盖破损", "0604", point_in(SONGFENG_1, 200), days_ago=1)
    monkeypatch.setattr(duplicates, "MAX_CANDIDATES", 1)
    lon, lat = point_in(SONGFENG_1)
    query, cases = duplicates.prepare(
        title="井盖破损",
        description="",
        category=None,
        lon=lon,
        lat=lat,
        grid=None,
        street=None,
        requester=None,
        phone="",
        now=None,
        user=leader,
    )
    assert query.grid_id == unplaced.grid_id
    lo_lon, lo_lat, hi_lon, hi_lat = distance.box_around(lon, lat, duplicates.FIRST_NEAR_M)
    near = cases.filter(lat__gte=lo_lat, lat__lte=hi_lat, lon__gte=lo_lon, lon__lte=hi_lon)
    assert not near.exists()  # the first step finds the case with no point alone
    read = {row[0] for row in duplicates._candidates(cases, query)}
    assert read == chosen_by_the_rule(query, cases, 1)
    assert len(read) == 1 and unplaced.pk not in read  # one with a point, 200 m or nearer
    assert cases.filter(pk=farther.pk).exists()


def test_nobody_may_see_anything_and_is_proposed_nothing(cases_around):
    """A user with no role and no case of their own sees no case: nothing is read."""
    nobody = User.objects.create_user(username="nobody-at-all", password="x")
    lon, lat = point_in(LIUAN_1)
    found = duplicates.similar_cases(
        title="南门路面塌陷", description="路面塌陷", lon=lon, lat=lat, phone=PHONE, user=nobody
    )
    assert found == []


def test_candidates_carry_the_columns_read(cases_around, persona):
    lon, lat = point_in(LIUAN_1)
    best = duplicates.similar_cases(
        title="南门路面塌陷",
        description="南门路面塌陷，请尽快处理",
        category=MatterCategory.objects.get(code="0604"),
        lon=lon,
        lat=lat,
        user=persona("leader"),
    )[0]
    case = Case.objects.get(pk=best.case.pk)
    assert best.case.pk == cases_around[0].pk
    for name in duplicates.FIELDS:
        if name != "excerpt":
            assert getattr(best.case, name) == getattr(case, name), name
    assert best.case.confidential is False
    assert best.reasons[:2] == ["text 100 % alike", f"{round(best.distance_m)} m away"]


# --- Ranking: skipping hopeless texts changes nothing ------------------------------------

PHRASES = ["南门路面塌陷", "路灯不亮", "井盖破损", "人行道积水", "垃圾堆放", "噪声扰民", "南门"]
QUERY_AT = (118.78, 32.05)


def reference_rank(query, rows, limit):
    """Every row scored, as docs/duplicates.md states the score."""
    scored = []
    weights = duplicates.WEIGHTS
    for row in rows:
        r = dict(zip(duplicates.FIELDS, row, strict=True))
        title = textsim.ngrams(textsim.normalize(r["title"]))
        text = textsim.dice(query.text, title | textsim.shingles(r["excerpt"] or ""))
        text = max(text, textsim.dice(query.title, title))
        total, weight = weights["text"] * text, weights["text"]
        if r["lat"] is not None:
            meters = distance.haversine_m(query.lon, query.lat, r["lon"], r["lat"])
            place = max(0.0, 1.0 - meters / duplicates.NEAR_M)
        else:
            place = duplicates.UNLOCATED_IN_GRID if r["grid_id"] == query.grid_id else 0.0
        total, weight = total + weights["place"] * place, weight + weights["place"]
        category = query.categories.get(r["category_id"], 0.0)
        total, weight = total + weights["category"] * category, weight + weights["category"]
        same = r["requester_phone"] == query.phone
        score = (
            min(1.0, total / weight + duplicates.SAME_REQUESTER_BONUS) if same else total / weight
        )
        if score >= duplicates.MIN_SCORE or same:
            scored.append((score, r["id"]))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    return [(round(score, 3), pk) for score, pk in scored[:limit]]


rows_ = st.lists(
    st.tuples(
        st.lists(st.sampled_from(PHRASES), min_size=1, max_size=3),
        st.one_of(st.none(), st.floats(min_value=0, max_value=400)),
        st.sampled_from([4, 5, 6, 40]),
        st.sampled_from([7, 8]),
        st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(rows_, st.integers(min_value=1, max_value=7), st.sampled_from(PHRASES))
def test_ranking_gives_what_scoring_every_row_gives(rows, limit, said):
    query = duplicates.Query(
        title=textsim.shingles(said),
        text=textsim.shingles(said) | textsim.shingles("请尽快处理"),
        categories={5: 1.0, 4: duplicates.SAME_CLASS, 6: duplicates.SAME_CLASS},
        lon=QUERY_AT[0],
        lat=QUERY_AT[1],
        grid_id=7,
        street_id=3,
        requester_id=None,
        phone=PHONE,
    )
    table = []
    for n, (words, east_m, category_id, grid_id, repeat) in enumerate(rows, start=1):
        lon = None if east_m is None else QUERY_AT[0] + east_m / 94_000
        lat = None if east_m is None else QUERY_AT[1]
        phone = PHONE if repeat else "19900000000"
        title = "".join(words)
        head = (n, f"N{n}", "service_request", "registered", title, f"{title}，请尽快处理")
        table.append((*head, category_id, grid_id, 3, lat, lon, None, phone, False, None))
    with translation.override("en"):
        ranked = duplicates.rank(query, table, None, limit)
    assert [(c.score, c.case.pk) for c in ranked] == reference_rank(query, table, limit)
