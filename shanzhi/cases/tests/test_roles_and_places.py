"""Who acts for a body, where a department's matter may go, and what a follower sees."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.core.models import User
from shanzhi.core.roles import Role
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.routing import resolve
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, BodyKind, Membership, Region

pytestmark = pytest.mark.django_db
GRID = "990101001001001"


@pytest.fixture(autouse=True)
def english():
    load_catalogue()
    with translation.override("en"):
        yield


def make(persona, actor="dispatcher", located=True, category="0604", attachments=(), **extra):
    fields = dict(
        procedure="service_request",
        channel="phone",
        title="测试",
        description="测试",
        category=MatterCategory.objects.get(code=category),
    )
    if located:
        p = geo.parse_polygon(Region.objects.get(code=GRID).geometry).representative_point()
        fields.update(lon=p.x, lat=p.y)
    fields.update(extra)
    return do_create_case(Intake(**fields), actor=persona(actor), attachments=attachments)


def test_an_unlocated_department_matter_is_not_dispatched_to_a_street_that_lacks_it(persona):
    street = Region.objects.get(code="990101003")  # has not taken on 占道经营 (0901)
    category = MatterCategory.objects.get(code="0901")
    assert resolve(category, street).owner == "department"
    brigade = Body.objects.get(region=street, kind=BodyKind.ENFORCEMENT_BRIGADE)
    case = make(persona, actor="centre", located=False, category="0901")
    with pytest.raises(ValidationError, match="functional department"):
        do_transition(case, "dispatch", actor=persona("centre"), body=brigade)
    case.refresh_from_db()
    assert case.state == "received" and case.responsible_body is None


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.LEGAL_ADVISER])
def test_reading_or_advising_members_of_a_body_do_not_act_for_it(persona, role):
    department = Body.objects.get(name="区城市管理局")
    member = User.objects.create_user(username=f"member-{role}", password="x-Test-2026-pass")
    Membership.objects.create(user=member, role=role, body=department)
    case = make(persona)
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=department)
    with pytest.raises(PermissionDenied):
        do_transition(case, "accept", actor=member)
    do_transition(case, "accept", actor=persona("department"))  # a handler may
    assert case.state == "accepted"


def test_a_follower_sees_neither_the_other_requester_nor_their_files(persona, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    neighbour = User.objects.create_user(username="follower-test", password="x-Test-2026-pass")
    photo = SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png")
    target = make(
        persona,
        requester=persona("resident"),
        requester_name="张三丰",
        requester_phone="13912345678",
        attachments=[photo],
    )
    duplicate = make(persona, requester=neighbour, requester_name="李四")
    do_transition(duplicate, "merge", actor=persona("dispatcher"), target=target, note="同一事项")
    client.force_login(neighbour, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    page = client.get(reverse("case_detail", args=[target.number]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "张三丰" not in text and "5678" not in text and "p.png" not in text
    item = target.attachments.get()
    assert client.get(reverse("case_attachment", args=[target.number, item.pk])).status_code == 404
    # The requester themselves still sees their own file.
    client.force_login(persona("resident"), backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.get(reverse("case_attachment", args=[target.number, item.pk])).status_code == 200


def test_a_clock_late_before_a_suspension_stays_late_after_it(persona):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from shanzhi.cases import clocks
    from shanzhi.cases.models import Clock
    from shanzhi.cases.supervision import sweep

    sh = ZoneInfo("Asia/Shanghai")
    t0 = datetime(2026, 11, 23, 9, tzinfo=sh)
    case = make(persona)
    department = Body.objects.get(name="区城市管理局")
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=department, now=t0)
    do_transition(case, "accept", actor=persona("department"), now=t0)
    late = datetime(2026, 12, 10, 10, tzinfo=sh)
    sweep(now=late)
    do_transition(case, "suspend", actor=persona("dispatcher"), note="等待", now=late)
    resumed = datetime(2026, 12, 18, 9, tzinfo=sh)
    do_transition(case, "resume", actor=persona("dispatcher"), now=resumed)
    clock = case.clocks.get(name="handle")
    later = resumed + timedelta(hours=1)
    assert clock.overdue_at is not None and clock.due_at < late
    assert clocks.light(clock, later) == "red"
    assert Clock.objects.overdue(later).filter(pk=clock.pk).exists()


def test_an_extension_request_lapses_when_its_clock_changes_unit(persona):
    from shanzhi.cases.models import ExtensionRequest

    case = make(persona, procedure="grid_event", category="0603")
    dispatcher = persona("dispatcher")
    do_transition(case, "verify", actor=persona("gridworker"))
    do_transition(case, "register", actor=dispatcher)
    department = Body.objects.get(name="区城市管理局")
    do_transition(case, "dispatch", actor=dispatcher, body=department)
    unit = case.clocks.get(name="handle", stopped_at__isnull=True).unit
    do_transition(
        case, "request_extension", actor=persona("department"), extension=4, note="需4小时"
    )
    do_transition(
        case,
        "recategorise",
        actor=dispatcher,
        category=MatterCategory.objects.get(code="0601"),
        note="改类",
    )
    clock = case.clocks.get(name="handle", stopped_at__isnull=True)
    request = ExtensionRequest.objects.get(case=case)
    # The demo catalogue limits 0603 in working hours and 0601 in working days.
    assert (unit, clock.unit) == ("working_hours", "working_days")
    assert request.status == "lapsed"
    with pytest.raises(ValidationError):
        do_transition(case, "extend", actor=dispatcher, note="同意")


def test_open_supervision_orders_follow_a_redispatched_case(persona):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from shanzhi.cases.access import access_case
    from shanzhi.cases.supervision import do_supervise

    first = Body.objects.get(name="区城市管理局")
    second = Body.objects.get(name="区住房和城乡建设局")
    case = make(persona)
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=first)
    do_transition(case, "accept", actor=persona("department"))
    order = do_supervise(
        case,
        actor=persona("leader"),
        deadline=datetime(2030, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
        note="加快办理",
    )
    do_transition(case, "redispatch", actor=persona("dispatcher"), body=second, note="改派")
    order.refresh_from_db()
    assert order.body == second and order.answered_at is None
    # The first body no longer sees the case, and has no order left to answer on it.
    from django.http import Http404

    with pytest.raises(Http404):
        access_case(persona("department"), case.number)


def test_assisting_bodies_must_serve_the_place_and_are_told(persona):
    from shanzhi.core.models import Notification

    case = make(persona)
    department = Body.objects.get(name="区城市管理局")
    far = Body.objects.get(name="西岭街道综合行政执法队")  # another street
    assert not case.scope_path.startswith(far.region.path)
    with pytest.raises(ValidationError, match="does not serve"):
        do_transition(
            case, "dispatch", actor=persona("dispatcher"), body=department, assisting=[far]
        )
    near = Body.objects.get(name="东湖街道办事处")
    before = Notification.objects.filter(recipient=persona("streetstaff")).count()
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=department, assisting=[near])
    assert list(case.assisting_bodies.all()) == [near]
    assert Notification.objects.filter(recipient=persona("streetstaff")).count() > before


def test_rework_only_after_a_dissatisfied_rating(persona):
    from shanzhi.cases.engine import allowed_transitions

    department = Body.objects.get(name="区城市管理局")

    def evaluated(rating):
        case = make(persona)
        do_transition(case, "dispatch", actor=persona("dispatcher"), body=department)
        do_transition(case, "accept", actor=persona("department"))
        do_transition(case, "start", actor=persona("department"))
        do_transition(case, "reply", actor=persona("department"), note="已处理")
        do_transition(case, "return_visit", actor=persona("dispatcher"), satisfaction=rating)
        return case

    happy = evaluated(5)
    assert "reopen" not in [t.action for t in allowed_transitions(persona("leader"), happy)]
    with pytest.raises(ValidationError, match="not dissatisfied"):
        do_transition(happy, "reopen", actor=persona("leader"), note="再查")
    unhappy = evaluated(1)
    assert "reopen" in [t.action for t in allowed_transitions(persona("leader"), unhappy)]
    do_transition(unhappy, "reopen", actor=persona("leader"), note="诉求人不满意")
    assert unhappy.state == "in_progress" and unhappy.reopened == 1
