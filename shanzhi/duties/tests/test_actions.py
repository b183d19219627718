"""Every change to the laws and duty lists needs a reason and a district administrator,
and is versioned whole (many-to-many values included) in the audit log."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from shanzhi.core.models import AuditEvent, User
from shanzhi.core.roles import Role
from shanzhi.duties import actions, calendar, seed
from shanzhi.duties.models import (
    Article,
    CalendarOverride,
    CategoryKind,
    DispatchRule,
    DutyItem,
    Law,
    LawLevel,
    ListKind,
    MatterCategory,
    Owner,
    TimeLimit,
    Unit,
)
from shanzhi.org.actions import do_save_membership
from shanzhi.org.models import Body, BodyKind, Level, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    seed.load_catalogue()


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.forget()
    yield
    calendar.forget()


def department(name="区城市管理局"):
    return Body.objects.get(kind=BodyKind.DEPARTMENT, name=name)


def new_law():
    return actions.do_save_law, Law(name="测试条例", level=LawLevel.RULE), {}


def new_article():
    law = Law.objects.get(short_name="民法典")
    return actions.do_save_article, Article(law=law, number="第二百零四条"), {}


def new_category():
    return actions.do_save_category, MatterCategory(code="0699", name="测试", kind="event"), {}


def new_duty_item():
    item = DutyItem(
        list_kind=ListKind.POWER,
        title="测试事项",
        body_kind=BodyKind.DEPARTMENT,
        level=Level.DISTRICT,
        department=department(),
    )
    return actions.do_save_duty_item, item, {"articles": list(Article.objects.all()[:2])}


def new_dispatch_rule():
    category = MatterCategory.objects.create(code="0698", name="测试规则", kind="event")
    rule = DispatchRule(
        category=category,
        owner=Owner.DEPARTMENT,
        lead_kind=BodyKind.DEPARTMENT,
        lead_body=department(),
    )
    return actions.do_save_dispatch_rule, rule, {"assisting": [department("区公安分局")]}


def new_time_limit():
    limit = TimeLimit(
        procedure="service_request",
        clock="reply",
        value=3,
        unit=Unit.WORKING_DAYS,
        basis_note="测试",
    )
    return actions.do_save_time_limit, limit, {}


def new_calendar_override():
    day = CalendarOverride(date=date(2030, 1, 2), is_working_day=False, name="测试")
    return actions.do_save_calendar_override, day, {}


BUILDERS = [
    new_law,
    new_article,
    new_category,
    new_duty_item,
    new_dispatch_rule,
    new_time_limit,
    new_calendar_override,
]


def stored(obj):
    return type(obj).objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("build", BUILDERS)
@pytest.mark.parametrize("note", ["", "   "])
def test_every_action_refuses_an_empty_note(catalogue, persona, build, note):
    action, obj, extra = build()
    before = stored(obj)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        action(obj, actor=persona("admin"), note=note, **extra)
    assert "reason" in " ".join(caught.value.messages)
    assert obj.pk is None
    assert stored(obj) == before


@pytest.mark.parametrize("build", BUILDERS)
@pytest.mark.parametrize("username", ["community", "auditor", "dispatcher", "resident"])
def test_every_action_refuses_anyone_but_a_district_administrator(
    catalogue, persona, build, username
):
    action, obj, extra = build()
    before = stored(obj)
    with pytest.raises(PermissionDenied):
        action(obj, actor=persona(username), note="应当被拒绝", **extra)
    assert obj.pk is None
    assert stored(obj) == before


def test_a_street_administrator_may_not_change_the_district_lists(catalogue, region):
    user = User.objects.create(username="streetadmin", real_name="街道管理员")
    do_save_membership(
        Membership(user=user, role=Role.ADMINISTRATOR, region=region("990101001")),
        actor=None,
        note="测试",
    )
    action, obj, extra = new_category()
    with pytest.raises(PermissionDenied):
        action(obj, actor=user, note="街道不能改区级清单", **extra)
    assert not actions.may_edit_catalogue(user)


@pytest.mark.parametrize("build", BUILDERS)
def test_the_district_administrator_saves_with_an_audit_event(catalogue, persona, build):
    action, obj, extra = build()
    action(obj, actor=persona("admin"), note="  依据文件调整  ", **extra)
    event = AuditEvent.objects.for_object(obj).get()
    assert event.actor == persona("admin")
    assert event.note == "依据文件调整"
    assert event.action.startswith("duties.") and event.action.endswith(".create")
    for field, values in extra.items():
        assert event.after[field] == sorted(v.pk for v in values)


def test_the_system_may_save_without_a_user(catalogue):
    action, obj, extra = new_category()
    action(obj, actor=None, note="命令行导入", **extra)
    event = AuditEvent.objects.for_object(obj).get()
    assert event.actor is None
    with translation.override("en"):
        assert event.actor_display == "System"


def test_an_update_records_before_and_after_including_assisting_bodies(catalogue, persona):
    rule = DispatchRule.objects.get(category__code="0605", area__isnull=True)
    old = sorted(rule.assisting.values_list("pk", flat=True))
    police = department("区公安分局")
    actions.do_save_dispatch_rule(
        rule, assisting=[police], actor=persona("admin"), note="公安配合夜间执法"
    )
    event = AuditEvent.objects.for_object(rule).last()
    assert event.action == "duties.dispatch_rule.update"
    assert event.before == {"assisting": old}
    assert event.after == {"assisting": [police.pk]}
    assert list(rule.assisting.all()) == [police]


def test_assisting_bodies_exclude_the_lead_and_inactive_bodies(catalogue, persona):
    rule = DispatchRule.objects.get(category__code="0604", area__isnull=True)
    with pytest.raises(ValidationError):
        actions.do_save_dispatch_rule(
            rule, assisting=[rule.lead_body], actor=persona("admin"), note="错误"
        )
    closed = department("区司法局")
    Body.objects.filter(pk=closed.pk).update(is_active=False)
    closed.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.do_save_dispatch_rule(rule, assisting=[closed], actor=persona("admin"), note="x")
    assert not rule.assisting.exists()


def test_a_failed_validation_stores_nothing(catalogue, persona):
    before = stored(MatterCategory())
    bad = MatterCategory(code="9901", name="坏", kind=CategoryKind.REQUEST, redirect="emergency")
    with pytest.raises(ValidationError):
        actions.do_save_category(bad, actor=persona("admin"), note="缺少急救电话")
    assert stored(MatterCategory()) == before


def test_a_calendar_override_takes_effect_at_once(catalogue, persona, monkeypatch):
    day = date(2030, 1, 2)  # a Wednesday
    assert calendar.current_calendar().is_working_day(day)
    forgotten = []
    real_forget = calendar.forget
    monkeypatch.setattr(calendar, "forget", lambda: (forgotten.append(1), real_forget()))
    actions.do_save_calendar_override(
        CalendarOverride(date=day, is_working_day=False, name="区级休息日"),
        actor=persona("admin"),
        note="区政府通知",
    )
    assert forgotten
    assert not calendar.current_calendar().is_working_day(day)
