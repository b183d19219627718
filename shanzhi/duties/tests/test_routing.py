"""Routing: the most specific rule wins, the body serving the case's place leads, nothing
is dropped (no rule → manual queue), and a department's matter never goes to a street or
community body."""

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanzhi.duties import actions, routing, seed
from shanzhi.duties.models import (
    CategoryKind,
    DispatchRule,
    DutyItem,
    DutyType,
    ListKind,
    MatterCategory,
    Owner,
    Urgency,
)
from shanzhi.org.models import Body, BodyKind, Level, Region

pytestmark = pytest.mark.django_db
SYSTEM = {"actor": None, "note": "测试"}


@pytest.fixture
def catalogue(db):
    seed.load_catalogue()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def dept(name="区城市管理局"):
    return Body.objects.get(kind=BodyKind.DEPARTMENT, name=name)


def new_category(code, parent=None):
    return actions.do_save_category(
        MatterCategory(code=code, name=f"测试{code}", kind=CategoryKind.EVENT, parent=parent),
        **SYSTEM,
    )


def new_rule(category, owner, kind, *, lead=None, area=None, assisting=()):
    return actions.do_save_dispatch_rule(
        DispatchRule(category=category, area=area, owner=owner, lead_kind=kind, lead_body=lead),
        assisting=list(assisting),
        **SYSTEM,
    )


@pytest.fixture
def test_classes(db):
    major = new_category("T1")
    return major, new_category("T101", major)


def test_the_street_office_of_the_case_street_leads(test_classes, region):
    _major, minor = test_classes
    rule = new_rule(minor, Owner.STREET, BodyKind.STREET_OFFICE)
    dispatch = routing.resolve(minor, region("990101002003001"))  # a grid in 西岭街道
    assert dispatch.lead.name == "西岭街道办事处"
    assert dispatch.owner == Owner.STREET and dispatch.rule == rule
    assert "西岭街道办事处" in dispatch.reason and not dispatch.is_manual


def test_the_residents_committee_of_the_case_community_leads(test_classes, region):
    _major, minor = test_classes
    new_rule(minor, Owner.COMMUNITY, BodyKind.RESIDENTS_COMMITTEE)
    assert routing.resolve(minor, region("990101001002001")).lead.name == "梧桐社区居民委员会"
    assert routing.resolve(minor, region("990101001002")).lead.name == "梧桐社区居民委员会"
    # A micro-grid is inside its grid, its community, its street.
    micro = Region.objects.filter(level=Level.MICRO_GRID).first()
    assert routing.resolve(minor, micro).lead.region == micro.community()


def test_the_minor_class_rule_wins_over_the_major_class_rule(test_classes, region):
    major, minor = test_classes
    grid = region("990101001001001")
    new_rule(major, Owner.STREET, BodyKind.STREET_OFFICE)
    # Without its own rule, the minor class follows its major class.
    assert routing.resolve(minor, grid).lead.name == "东湖街道办事处"
    own = new_rule(minor, Owner.DEPARTMENT, BodyKind.DEPARTMENT, lead=dept())
    dispatch = routing.resolve(minor, grid)
    assert dispatch.rule == own and dispatch.lead == dept()
    # …also when the major class has a rule for the very area of the case.
    new_rule(major, Owner.STREET, BodyKind.STREET_OFFICE, area=region("990101001"))
    assert routing.resolve(minor, grid).rule == own


def test_the_deepest_area_rule_wins(test_classes, region):
    _major, minor = test_classes
    new_rule(minor, Owner.STREET, BodyKind.STREET_OFFICE)
    new_rule(minor, Owner.DEPARTMENT, BodyKind.DEPARTMENT, lead=dept(), area=region("990101002"))
    new_rule(minor, Owner.COMMUNITY, BodyKind.RESIDENTS_COMMITTEE, area=region("990101002001"))
    assert routing.resolve(minor, region("990101002001003")).lead.name == "松风社区居民委员会"
    assert routing.resolve(minor, region("990101002002003")).lead == dept()
    assert routing.resolve(minor, region("990101002")).lead == dept()
    assert routing.resolve(minor, region("990101001001001")).lead.name == "东湖街道办事处"
    # Without a place only the rule for the whole district applies.
    dispatch = routing.resolve(minor, None)
    assert dispatch.rule.area is None and dispatch.is_manual
    assert "no location" in dispatch.reason


def test_no_rule_sends_the_case_to_the_manual_queue(test_classes, region):
    _major, minor = test_classes
    dispatch = routing.resolve(minor, region("990101001001001"))
    assert dispatch.is_manual and dispatch.rule is None and dispatch.owner is None
    assert dispatch.assisting == ()
    assert "manual dispatch queue" in dispatch.reason


def test_redirected_matters_say_which_channel_handles_them(catalogue, region):
    fire = MatterCategory.objects.get(code="9001")
    dispatch = routing.resolve(fire, region("990101001001001"))
    assert dispatch.is_manual and "Emergency" in dispatch.reason


def test_a_street_body_kind_needs_a_place_inside_a_street(test_classes, region):
    _major, minor = test_classes
    new_rule(minor, Owner.STREET, BodyKind.STREET_OFFICE)
    dispatch = routing.resolve(minor, region("990101"))
    assert dispatch.is_manual and "not inside a Street" in dispatch.reason


def test_an_inactive_lead_or_missing_body_goes_to_the_manual_queue(test_classes, region):
    _major, minor = test_classes
    new_rule(minor, Owner.STREET, BodyKind.STREET_OFFICE)
    Body.objects.filter(name="东湖街道办事处").update(is_active=False)
    dispatch = routing.resolve(minor, region("990101001001001"))
    assert dispatch.is_manual and "No active Street office serves 东湖街道" in dispatch.reason

    other = new_category("T102", minor.parent)
    new_rule(other, Owner.DEPARTMENT, BodyKind.DEPARTMENT, lead=dept("区司法局"))
    Body.objects.filter(name="区司法局").update(is_active=False)
    dispatch = routing.resolve(other, region("990101001001001"))
    assert dispatch.is_manual and "no longer active" in dispatch.reason


def test_assisting_bodies_only_help_in_their_own_area(test_classes, region):
    _major, minor = test_classes
    east, west = Body.objects.get(name="东湖街道办事处"), Body.objects.get(name="西岭街道办事处")
    police = dept("区公安分局")
    new_rule(
        minor,
        Owner.DEPARTMENT,
        BodyKind.DEPARTMENT,
        lead=dept(),
        assisting=[east, west, police],
    )
    dispatch = routing.resolve(minor, region("990101001003002"))
    assert set(dispatch.assisting) == {east, police}
    assert "Assisting" in dispatch.reason
    assert routing.resolve(minor, None).assisting == (police,)


def test_data_that_makes_a_street_matter_a_department_matter_stops_street_dispatch(
    catalogue, region
):
    garbage = MatterCategory.objects.get(code="0602")  # street office cleans it up
    grid = region("990101001001001")
    assert routing.resolve(garbage, grid).lead.kind == BodyKind.STREET_OFFICE
    # Later the duty list gives the matter back to the department (收回) — the rule is
    # now wrong, and routing must not follow it.
    actions.do_save_duty_item(
        DutyItem(
            list_kind=ListKind.STREET_DUTY,
            title="暴露垃圾清运收回",
            body_kind=BodyKind.STREET_OFFICE,
            level=Level.STREET,
            duty_type=DutyType.WITHDRAWN,
            category=garbage,
            department=dept(),
        ),
        articles=[],
        **SYSTEM,
    )
    assert routing.department_owned(garbage)
    dispatch = routing.resolve(garbage, grid)
    assert dispatch.is_manual and dispatch.owner == Owner.STREET
    assert "functional department" in dispatch.reason and "国办函〔2025〕66号" in dispatch.reason


def test_a_lead_that_does_not_fit_the_owner_is_not_used(test_classes, region):
    _major, minor = test_classes
    rule = new_rule(minor, Owner.DEPARTMENT, BodyKind.DEPARTMENT, lead=dept())
    # Data changed behind the actions' back: the named body is now a street office.
    DispatchRule.objects.filter(pk=rule.pk).update(
        lead_body=Body.objects.get(name="东湖街道办事处")
    )
    dispatch = routing.resolve(minor, region("990101001001001"))
    assert dispatch.is_manual and "Functional department" in dispatch.reason


def regions_to_try():
    regions = list(
        Region.objects.filter(
            level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID, Level.MICRO_GRID]
        )
    )
    return [None, *regions]


@pytest.mark.django_db
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_department_matters_never_reach_a_street_or_community_body(catalogue, data):
    categories = list(MatterCategory.objects.order_by("code"))
    category = data.draw(st.sampled_from(categories), label="category")
    place = data.draw(st.sampled_from(regions_to_try()), label="region")
    dispatch = routing.resolve(category, place)
    if routing.department_owned(category):
        assert dispatch.lead is None or dispatch.lead.kind in routing.DEPARTMENT_KINDS, (
            category,
            place,
            dispatch,
        )
    if dispatch.lead is not None:
        assert dispatch.lead.is_active
        assert dispatch.lead.kind in {k for k in routing.OWNER_BODY_KINDS[dispatch.owner]}
        # The body serves the place of the case (or the whole district).
        assert place is None or place.path.startswith(dispatch.lead.region.path)


def test_every_seeded_department_matter_reaches_its_department_everywhere(catalogue):
    owned = [c for c in MatterCategory.objects.all() if routing.department_owned(c)]
    assert len(owned) >= 15
    # Every level once per community: the district, the streets, the communities and the
    # first grid of each (the property test above samples all of them).
    places = [p for p in regions_to_try() if p is None or p.level != Level.GRID]
    places += [
        Region.objects.grids().filter(parent=c).first()
        for c in places
        if c and c.level == Level.COMMUNITY
    ]
    for category in owned:
        for place in places:
            dispatch = routing.resolve(category, place)
            assert dispatch.lead is not None and dispatch.lead.kind == BodyKind.DEPARTMENT, (
                category,
                place,
                dispatch.reason,
            )


def test_the_undelegated_street_sends_street_vending_to_the_department(catalogue, region):
    vending = MatterCategory.objects.get(code="0901")
    assert routing.resolve(vending, region("990101001001001")).lead.name == "东湖街道综合行政执法队"
    south = routing.resolve(vending, region("990101003002001"))
    assert south.lead.name == "区城市管理局" and south.rule.area.code == "990101003"


# --- time limits ------------------------------------------------------------------


def limit_of(procedure, clock, code, urgency):
    category = MatterCategory.objects.get(code=code) if code else None
    found = routing.time_limit(procedure, clock, category, urgency)
    return (found.value, found.unit, found.category.code if found.category else None)


def test_time_limit_precedence(catalogue):
    sr, ge = "service_request", "grid_event"
    # The category's own limit, then its major class, then the general one.
    assert limit_of(sr, "handle", "2101", Urgency.NORMAL) == (15, "working_days", "2101")
    assert limit_of(sr, "handle", "2002", Urgency.NORMAL) == (24, "hours", "20")
    assert limit_of(sr, "handle", "0602", Urgency.NORMAL) == (7, "working_days", None)
    assert limit_of(sr, "handle", None, Urgency.NORMAL) == (7, "working_days", None)
    # The case's urgency before the category: an urgent complex matter gets 24 hours.
    assert limit_of(sr, "handle", "2101", Urgency.URGENT) == (24, "hours", None)
    assert limit_of(sr, "handle", "2002", Urgency.CRITICAL) == (2, "hours", None)
    # No limit for this urgency at all: the normal ones, most specific first.
    assert limit_of(ge, "handle", "0603", Urgency.CRITICAL) == (5, "working_hours", "0603")
    assert limit_of(ge, "handle", "0903", Urgency.CRITICAL) == (3, "working_days", None)
    assert limit_of(ge, "handle", "0603", Urgency.URGENT) == (4, "working_hours", None)
    assert routing.time_limit("unknown", "handle", None, Urgency.NORMAL) is None


def test_time_limit_ignores_limits_out_of_force(catalogue):
    own = routing.time_limit(
        "grid_event", "handle", MatterCategory.objects.get(code="0603"), Urgency.NORMAL
    )
    own.is_active = False
    actions.do_save_time_limit(own, **SYSTEM)
    assert limit_of("grid_event", "handle", "0603", Urgency.NORMAL) == (3, "working_days", None)
