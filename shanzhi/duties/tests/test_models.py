"""One-object rules of the catalogue, checked in ``clean`` so that they hold on SQLite and
PostgreSQL alike (where a unique index treats empty areas and categories as distinct)."""

import pytest
from django.core.exceptions import ValidationError

from shanzhi.duties import seed
from shanzhi.duties.models import (
    CategoryKind,
    DispatchRule,
    DutyItem,
    DutyType,
    ListKind,
    MatterCategory,
    Owner,
    Redirect,
    TimeLimit,
    Unit,
    Urgency,
)
from shanzhi.org.models import Body, BodyKind, Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    seed.load_catalogue()


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def category(code, parent=None, kind=CategoryKind.EVENT, **fields):
    return MatterCategory.objects.create(code=code, name=code, kind=kind, parent=parent, **fields)


def dept(name="区城市管理局"):
    return Body.objects.get(kind=BodyKind.DEPARTMENT, name=name)


def test_a_second_active_rule_for_the_same_category_and_no_area_is_refused():
    major = category("T1")
    DispatchRule.objects.create(
        category=major, owner=Owner.STREET, lead_kind=BodyKind.STREET_OFFICE
    )
    duplicate = DispatchRule(category=major, owner=Owner.STREET, lead_kind=BodyKind.STREET_OFFICE)
    assert "area" in errors_of(duplicate)
    # Taken out of force, the same rule may stay as history.
    duplicate.is_active = False
    duplicate.full_clean()


def test_a_second_rule_for_the_same_area_is_refused_but_another_area_is_fine(region):
    major = category("T1")
    street = region("990101001")
    DispatchRule.objects.create(
        category=major, area=street, owner=Owner.STREET, lead_kind=BodyKind.STREET_OFFICE
    )
    same = DispatchRule(
        category=major, area=street, owner=Owner.STREET, lead_kind=BodyKind.STREET_OFFICE
    )
    assert "area" in errors_of(same)
    DispatchRule(
        category=major,
        area=region("990101002"),
        owner=Owner.STREET,
        lead_kind=BodyKind.STREET_OFFICE,
    ).full_clean()
    DispatchRule(category=major, owner=Owner.STREET, lead_kind=BodyKind.STREET_OFFICE).full_clean()


def test_a_second_active_time_limit_without_category_is_refused():
    fields = {
        "procedure": "p",
        "clock": "c",
        "urgency": Urgency.NORMAL,
        "value": 1,
        "unit": Unit.WORKING_DAYS,
        "basis_note": "测试",
    }
    TimeLimit.objects.create(**fields)
    assert "category" in errors_of(TimeLimit(**fields))
    TimeLimit(**{**fields, "urgency": Urgency.URGENT}).full_clean()
    TimeLimit(**{**fields, "category": category("T1")}).full_clean()


def test_a_time_limit_shows_its_basis_and_is_longer_than_zero():
    limit = TimeLimit(procedure="p", clock="c", value=0, unit=Unit.HOURS)
    errors = errors_of(limit)
    assert {"value", "basis_note"} <= errors.keys()


def test_categories_have_two_levels_of_the_same_kind():
    major = category("T1")
    minor = category("T101", parent=major)
    assert "parent" in errors_of(
        MatterCategory(code="T10101", name="x", kind="event", parent=minor)
    )
    other_kind = MatterCategory(code="T102", name="x", kind=CategoryKind.REQUEST, parent=major)
    assert "parent" in errors_of(other_kind)
    # A major class with minor classes cannot itself move under another class.
    major.parent = category("T2")
    assert "parent" in errors_of(major)
    MatterCategory(code="T103", name="x", kind=CategoryKind.EVENT, parent=major.parent).full_clean()


def test_a_category_cannot_be_its_own_major_class():
    major = category("T1")
    major.parent = major
    assert "parent" in errors_of(major)


def test_an_emergency_category_needs_its_number():
    fire = MatterCategory(code="T9", name="火灾", kind="request", redirect=Redirect.EMERGENCY)
    assert "emergency_number" in errors_of(fire)
    fire.emergency_number = "11９"  # not plain digits
    assert "emergency_number" in errors_of(fire)
    fire.emergency_number = "119"
    fire.full_clean()


def test_street_ownership_of_a_department_matter_is_refused(catalogue):
    food = MatterCategory.objects.get(code="2302")  # withdrawn to the market regulator
    rule = DispatchRule(category=food, owner=Owner.STREET, lead_kind=BodyKind.STREET_OFFICE)
    errors = errors_of(rule)
    assert "owner" in errors and "国办函〔2025〕66号" in errors["owner"][0]
    rule.owner = Owner.COMMUNITY
    rule.lead_kind = BodyKind.RESIDENTS_COMMITTEE
    assert "owner" in errors_of(rule)


def test_a_department_rule_names_a_department(catalogue):
    rule = DispatchRule(
        category=category("T1"), owner=Owner.DEPARTMENT, lead_kind=BodyKind.STREET_OFFICE
    )
    errors = errors_of(rule)
    assert {"lead_kind", "lead_body"} <= errors.keys()


def test_street_duty_items_say_how_the_street_holds_them(catalogue):
    item = DutyItem(
        list_kind=ListKind.STREET_DUTY,
        title="x",
        body_kind=BodyKind.STREET_OFFICE,
        level=Level.STREET,
    )
    assert "duty_type" in errors_of(item)
    item.duty_type = DutyType.WITHDRAWN
    assert "department" in errors_of(item)
    item.department = Body.objects.get(name="东湖街道办事处")
    assert "department" in errors_of(item)  # not a district department
    item.department = dept()
    item.full_clean()
    item.level = Level.COMMUNITY
    assert "level" in errors_of(item)


def test_power_list_items_have_no_duty_type(catalogue):
    item = DutyItem(
        list_kind=ListKind.POWER,
        title="x",
        body_kind=BodyKind.DEPARTMENT,
        level=Level.DISTRICT,
        duty_type=DutyType.BASIC,
    )
    assert "duty_type" in errors_of(item)


def test_a_named_lead_body_serves_the_whole_area_of_the_rule(region):
    major = category("T1")
    east = Body.objects.get(name="东湖街道办事处")
    rule = DispatchRule(
        category=major, owner=Owner.STREET, lead_kind=BodyKind.STREET_OFFICE, lead_body=east
    )
    assert "lead_body" in errors_of(rule)  # the whole district
    rule.area = region("990101002")
    assert "lead_body" in errors_of(rule)  # another street
    rule.area = region("990101001003")
    rule.full_clean()  # a community of its own street
