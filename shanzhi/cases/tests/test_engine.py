"""The engine end to end on the demo district: intake, routing, clocks, transitions,
objections, merges, suspension, extension and rework."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Case
from shanzhi.core.models import AuditEvent, Notification
from shanzhi.duties.calendar import current_calendar
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo, workdays
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db


def at(*args):
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def catalogue():
    load_catalogue()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def inside(code):
    point = geo.parse_polygon(Region.objects.get(code=code).geometry).representative_point()
    return point.x, point.y


def report(persona, *, category="0604", code="990101001001001", now=None, **extra):
    lon, lat = inside(code)
    fields = {
        "procedure": "service_request",
        "channel": "web",
        "title": "路面塌陷",
        "description": "小区门口路面塌陷，有安全隐患",
        "lon": lon,
        "lat": lat,
        "category": MatterCategory.objects.get(code=category),
        "requester": persona("resident"),
        "requester_name": "居民",
    }
    fields.update(extra)
    return do_create_case(Intake(**fields), actor=persona("resident"), now=now)


def test_intake_locates_routes_and_starts_the_dispatch_clock(persona):
    case = report(persona, now=at(2026, 11, 20, 9, 0))
    assert case.grid.code == "990101001001001" and case.street.code == "990101001"
    assert case.number.startswith("SR20261120")
    assert case.state == "received" and case.requester == persona("resident")
    assert case.routed_body is not None
    clock = case.clocks.get()
    assert clock.name == "dispatch" and clock.unit == "working_hours"
    assert clock.due_at == workdays.add(
        at(2026, 11, 20, 9, 0), clock.duration, clock.unit, current_calendar()
    )
    assert AuditEvent.objects.for_object(case).get().action == "case.create"


def test_point_outside_every_grid_goes_to_the_manual_queue(persona):
    case = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="t",
            description="d",
            lon=100.0,
            lat=30.0,
            category=MatterCategory.objects.get(code="0604"),
        ),
        actor=persona("dispatcher"),
    )
    assert case.grid is None and case.street is None
    assert case.scope_path == Region.objects.get(code="990101").path
    # Stored in the deployment language (zh-hans) whatever the actor reads.
    assert "不在任何网格内" in case.routing_note and "人工派单队列" in case.routing_note


def test_address_locates_the_street_when_there_is_no_point(persona):
    case = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="t",
            description="d",
            address="西岭街道松风社区5栋",
        ),
        actor=persona("dispatcher"),
    )
    assert case.street.code == "990101002" and case.grid is None


def test_emergency_categories_are_refused_with_the_number(persona):
    with pytest.raises(ValidationError, match="119"):
        report(persona, category="9001")
    assert not Case.objects.filter(title="路面塌陷").exists()


def test_full_service_request_loop(persona):
    case = report(persona, now=at(2026, 11, 23, 9, 0))
    department = Body.objects.get(name="区城市管理局")
    do_transition(
        case, "dispatch", actor=persona("dispatcher"), body=department, now=at(2026, 11, 23, 10, 0)
    )
    assert case.state == "dispatched" and case.responsible_body == department
    assert case.clocks.get(name="dispatch").on_time is True
    handle = case.clocks.get(name="handle")
    assert handle.due_at == at(2026, 12, 2, 23, 59, 59, 999999)  # 7 working days after Mon 23rd
    assert Notification.objects.filter(
        recipient=persona("department"), subject__contains=case.number
    ).exists()
    do_transition(case, "accept", actor=persona("department"), now=at(2026, 11, 23, 11, 0))
    do_transition(case, "start", actor=persona("department"), now=at(2026, 11, 23, 14, 0))
    do_transition(
        case, "reply", actor=persona("department"), note="已修复", now=at(2026, 11, 25, 16, 0)
    )
    assert case.clocks.get(name="handle").on_time is True
    do_transition(
        case,
        "return_visit",
        actor=persona("dispatcher"),
        satisfaction=5,
        now=at(2026, 11, 26, 9, 0),
    )
    assert case.state == "evaluated" and case.satisfaction == 5
    do_transition(case, "close", actor=persona("dispatcher"), now=at(2026, 11, 26, 10, 0))
    assert case.state == "closed" and case.closed_at == at(2026, 11, 26, 10, 0)
    actions = list(AuditEvent.objects.for_object(case).values_list("action", flat=True))
    assert actions == [
        "case.create",
        "case.dispatch",
        "case.accept",
        "case.start",
        "case.reply",
        "case.return_visit",
        "case.close",
    ]
    assert Notification.objects.filter(
        recipient=persona("resident"), subject__contains=case.number
    ).exists()
    from django.core.management import call_command

    call_command("verify_audit")


def test_parties_are_enforced(persona):
    case = report(persona)
    department = Body.objects.get(name="区城市管理局")
    for username in ("department", "resident", "community", "gridworker", "auditor"):
        with pytest.raises(PermissionDenied):
            do_transition(case, "dispatch", actor=persona(username), body=department)
    case.refresh_from_db()
    assert case.state == "received"
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=department)
    with pytest.raises(PermissionDenied):
        do_transition(case, "accept", actor=persona("streetstaff"))


def test_department_matter_never_goes_to_a_street(persona):
    category = next(
        c for c in MatterCategory.objects.filter(parent__isnull=False) if c.is_department_owned()
    )
    case = report(persona, category=category.code)
    office = Body.objects.get(name="东湖街道办事处")
    with pytest.raises(ValidationError, match="functional department"):
        do_transition(case, "dispatch", actor=persona("dispatcher"), body=office)
    assert Case.objects.get(pk=case.pk).responsible_body is None


def test_objection_upheld_redispatches_and_rejected_stays(persona):
    case = report(persona)
    wrong = Body.objects.get(name="区卫生健康委员会")
    right = Body.objects.get(name="区城市管理局")
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=wrong)
    handler = persona("department")  # handles for 区城市管理局 only
    with pytest.raises(PermissionDenied):
        do_transition(case, "object", actor=handler, note="不归我们")
    # Make the department handler a member of the wrong body for this test.
    from shanzhi.core.roles import Role
    from shanzhi.org.models import Membership

    Membership.objects.create(user=handler, role=Role.DEPARTMENT_HANDLER, body=wrong)
    handler = persona("department")
    do_transition(case, "object", actor=handler, note="道路维修归城管")
    assert case.state == "objected"
    with pytest.raises(ValidationError):
        do_transition(case, "uphold_objection", actor=persona("dispatcher"), body=right)  # no note
    do_transition(
        case, "uphold_objection", actor=persona("dispatcher"), body=right, note="异议成立"
    )
    assert case.state == "dispatched" and case.responsible_body == right
    do_transition(case, "object", actor=handler, note="也不归我们")
    do_transition(case, "reject_objection", actor=persona("dispatcher"), note="属于职责范围")
    assert case.state == "accepted" and case.responsible_body == right


def test_merge_keeps_both_requesters_informed(persona):
    first = report(persona)
    second = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="同一处塌陷",
            description="重复",
            category=MatterCategory.objects.get(code="0604"),
            lon=first.lon,
            lat=first.lat,
            requester=persona("gridworker"),
        ),
        actor=persona("dispatcher"),
    )
    do_transition(second, "merge", actor=persona("dispatcher"), target=first, note="同一事项")
    assert second.state == "merged" and second.merged_into == first
    assert Notification.objects.filter(
        recipient=persona("gridworker"), subject__contains=second.number
    ).exists()
    assert Notification.objects.filter(
        recipient=persona("resident"), subject__contains=first.number
    ).exists()
    with pytest.raises(ValidationError):
        do_transition(first, "merge", actor=persona("dispatcher"), target=first, note="自己")


def test_suspension_pauses_and_resumption_pushes_the_due_instant(persona):
    case = report(persona, now=at(2026, 11, 23, 9, 0))
    do_transition(
        case,
        "dispatch",
        actor=persona("dispatcher"),
        body=Body.objects.get(name="区城市管理局"),
        now=at(2026, 11, 23, 9, 30),
    )
    due = case.clocks.get(name="handle").due_at
    do_transition(case, "accept", actor=persona("department"), now=at(2026, 11, 23, 10, 0))
    do_transition(
        case,
        "suspend",
        actor=persona("dispatcher"),
        note="等待产权单位",
        now=at(2026, 11, 24, 10, 0),
    )
    assert case.clocks.get(name="handle").paused_at is not None
    do_transition(case, "resume", actor=persona("dispatcher"), now=at(2026, 11, 27, 10, 0))
    clock = case.clocks.get(name="handle")
    assert clock.paused_at is None and clock.due_at > due
    # Due Wed 2 Dec; paused Tue 24th, resumed Fri 27th: the two working days wholly inside
    # the pause (25th, 26th) move it to Fri 4 Dec.
    assert due == at(2026, 12, 2, 23, 59, 59, 999999)
    assert clock.due_at == at(2026, 12, 4, 23, 59, 59, 999999)


def test_extension_needs_approval_and_moves_the_due_instant(persona):
    case = report(persona, now=at(2026, 11, 23, 9, 0))
    do_transition(
        case,
        "dispatch",
        actor=persona("dispatcher"),
        body=Body.objects.get(name="区城市管理局"),
        now=at(2026, 11, 23, 9, 30),
    )
    do_transition(case, "accept", actor=persona("department"))
    with pytest.raises(PermissionDenied):
        do_transition(case, "extend", actor=persona("department"), extension=3, note="需要协调")
    with pytest.raises(ValidationError, match="no extension request"):
        do_transition(case, "extend", actor=persona("leader"), extension=3, note="同意延期")
    do_transition(
        case, "request_extension", actor=persona("department"), extension=5, note="需要协调"
    )
    with pytest.raises(ValidationError, match="already waiting"):
        do_transition(
            case, "request_extension", actor=persona("department"), extension=2, note="再申请"
        )
    with pytest.raises(ValidationError, match="At most the 5 working days"):
        do_transition(case, "extend", actor=persona("leader"), extension=6, note="同意延期")
    assert case.clocks.get(name="handle").extensions == 0
    do_transition(case, "extend", actor=persona("leader"), extension=3, note="同意延期三天")
    clock = case.clocks.get(name="handle")
    assert clock.extensions == 1 and clock.due_at == at(2026, 12, 7, 23, 59, 59, 999999)
    assert clock.extended_by == 3 and clock.limit == 10
    assert case.state == "accepted"
    request = case.extension_requests.get()
    assert (request.status, request.requested, request.granted) == ("approved", 5, 3)
    assert request.decided_by == persona("leader") and request.decision_note == "同意延期三天"
    event = AuditEvent.objects.for_object(case).get(action="case.extend")
    assert event.after["extension"] == 3 and event.after["extension_requested"] == 5


def test_late_reply_is_frozen_late_and_rework_starts_a_new_clock(persona):
    case = report(persona, now=at(2026, 11, 2, 9, 0))
    do_transition(
        case,
        "dispatch",
        actor=persona("dispatcher"),
        body=Body.objects.get(name="区城市管理局"),
        now=at(2026, 11, 2, 9, 30),
    )
    do_transition(case, "accept", actor=persona("department"), now=at(2026, 11, 2, 10, 0))
    do_transition(
        case, "reply", actor=persona("department"), note="已处理", now=at(2026, 11, 20, 10, 0)
    )
    first = case.clocks.get(name="handle")
    assert first.on_time is False
    do_transition(
        case, "evaluate", actor=persona("resident"), satisfaction=1, now=at(2026, 11, 21, 10, 0)
    )
    with pytest.raises(PermissionDenied):
        do_transition(case, "reopen", actor=persona("dispatcher"), note="不满意")
    do_transition(
        case, "reopen", actor=persona("leader"), note="群众不满意，返工", now=at(2026, 11, 23, 9, 0)
    )
    # The rating stays on record until the requester rates the rework.
    assert case.state == "in_progress" and case.reopened == 1 and case.satisfaction == 1
    clocks = list(case.clocks.filter(name="handle").order_by("started_at"))
    assert len(clocks) == 2 and clocks[0].on_time is False and clocks[1].stopped_at is None
    first.refresh_from_db()
    assert first.on_time is False  # the verdict never changes after the step


def test_grid_event_flow_with_failed_check(persona):
    lon, lat = inside("990101001001001")
    event = do_create_case(
        Intake(
            procedure="grid_event",
            channel="patrol",
            title="暴露垃圾",
            description="垃圾桶满溢",
            category=MatterCategory.objects.get(code="0602"),
            lon=lon,
            lat=lat,
        ),
        actor=persona("gridworker"),
    )
    assert event.number.startswith("GE") and event.clocks.get().name == "verify"
    do_transition(event, "verify", actor=persona("gridworker"))
    do_transition(event, "register", actor=persona("dispatcher"))
    office = Body.objects.get(name="东湖街道办事处")
    do_transition(event, "dispatch", actor=persona("dispatcher"), body=office)
    do_transition(event, "handle", actor=persona("streetstaff"), note="已清运")
    do_transition(event, "check_fail", actor=persona("gridworker"), note="仍有垃圾")
    assert event.state == "dispatched"
    do_transition(event, "handle", actor=persona("streetstaff"), note="再次清运")
    do_transition(event, "check_pass", actor=persona("gridworker"))
    do_transition(event, "close", actor=persona("dispatcher"))
    assert event.state == "closed"
    assert event.clocks.filter(name="handle").count() == 2


def test_solved_in_the_grid_is_recorded(persona):
    lon, lat = inside("990101001001001")
    event = do_create_case(
        Intake(
            procedure="grid_event",
            channel="patrol",
            title="小广告",
            description="电杆小广告",
            category=MatterCategory.objects.get(code="0701"),
            lon=lon,
            lat=lat,
        ),
        actor=persona("gridworker"),
    )
    do_transition(event, "solve_on_spot", actor=persona("gridworker"), note="当场清除")
    assert event.state == "closed"
    assert AuditEvent.objects.for_object(event).last().note == "当场清除"
