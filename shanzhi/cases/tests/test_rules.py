"""Rules that keep the record honest: no stray inputs, late stays late, windows close,
department matters stay with departments, every event cites its basis."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.supervision import do_supervise, sweep
from shanzhi.core.models import AuditEvent
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(*args):
    return datetime(*args, tzinfo=SH)


def point(code):
    p = geo.parse_polygon(Region.objects.get(code=code).geometry).representative_point()
    return p.x, p.y


def new_case(
    persona, *, category="0604", code="990101001001001", now=None, procedure="service_request"
):
    lon, lat = point(code)
    return do_create_case(
        Intake(
            procedure=procedure,
            channel="phone",
            title="t",
            description="d",
            lon=lon,
            lat=lat,
            category=MatterCategory.objects.get(code=category),
            requester=persona("resident"),
        ),
        actor=persona("dispatcher"),
        now=now,
    )


def dispatched(persona, now):
    case = new_case(persona, now=now)
    do_transition(
        case,
        "dispatch",
        actor=persona("dispatcher"),
        body=Body.objects.get(name="区城市管理局"),
        now=now,
    )
    return case


def test_stray_inputs_are_refused(persona):
    case = dispatched(persona, at(2026, 11, 2, 9))
    due = case.clocks.get(name="handle").due_at
    with pytest.raises(ValidationError, match="extension"):
        do_transition(case, "accept", actor=persona("department"), extension=300)
    with pytest.raises(ValidationError):
        do_transition(case, "accept", actor=persona("department"), target=case)
    case.refresh_from_db()
    assert case.state == "dispatched" and case.clocks.get(name="handle").due_at == due


def test_suspended_after_running_out_stays_late(persona):
    case = dispatched(persona, at(2026, 11, 2, 9))
    do_transition(case, "accept", actor=persona("department"), now=at(2026, 11, 2, 10))
    do_transition(case, "suspend", actor=persona("dispatcher"), note="n", now=at(2026, 11, 20, 9))
    do_transition(case, "resume", actor=persona("dispatcher"), now=at(2026, 11, 20, 10))
    do_transition(case, "reply", actor=persona("department"), note="r", now=at(2026, 11, 20, 11))
    assert case.clocks.get(name="handle").on_time is False


def test_extension_after_running_out_does_not_make_it_on_time(persona):
    case = dispatched(persona, at(2026, 11, 2, 9))
    do_transition(case, "accept", actor=persona("department"), now=at(2026, 11, 2, 10))
    sweep(now=at(2026, 11, 20, 9))
    do_transition(
        case,
        "request_extension",
        actor=persona("department"),
        extension=30,
        note="n",
        now=at(2026, 11, 24, 9),
    )
    do_transition(case, "extend", actor=persona("leader"), note="n", now=at(2026, 11, 25, 9))
    assert case.clocks.get(name="handle").extended_by == 30  # granted as asked
    do_transition(case, "reply", actor=persona("department"), note="r", now=at(2026, 11, 26, 9))
    assert case.clocks.get(name="handle").on_time is False


def test_objection_only_within_the_period(persona):
    case = dispatched(persona, at(2026, 11, 2, 9))  # objection period: 1 working day
    with pytest.raises(ValidationError, match="ended"):
        do_transition(
            case, "object", actor=persona("department"), note="不归我", now=at(2026, 11, 20, 9)
        )
    do_transition(
        case, "object", actor=persona("department"), note="不归我", now=at(2026, 11, 3, 9)
    )
    assert case.state == "objected"
    assert case.clocks.get(name="handle").paused_at is not None


def test_upheld_objection_gives_the_new_body_a_fresh_handling_clock(persona):
    case = dispatched(persona, at(2026, 11, 2, 9))
    do_transition(case, "object", actor=persona("department"), note="x", now=at(2026, 11, 2, 15))
    do_transition(
        case,
        "uphold_objection",
        actor=persona("dispatcher"),
        note="y",
        body=Body.objects.get(name="区住房和城乡建设局"),
        now=at(2026, 11, 4, 9),
    )
    handles = list(case.clocks.filter(name="handle").order_by("started_at"))
    assert len(handles) == 2 and handles[0].on_time is not None
    assert handles[1].started_at == at(2026, 11, 4, 9) and handles[1].stopped_at is None


def test_area_rule_keeps_a_department_matter_away_from_the_street(persona):
    # 占道经营 in 南桥街道, which has not taken on the delegated power: 区城市管理局 owns it.
    case = new_case(persona, category="0901", code="990101003001001")
    brigade = Body.objects.get(name="南桥街道综合行政执法队")
    root = persona("admin").__class__.objects.create_superuser("root-area", password="x-long-pass")
    with pytest.raises(ValidationError, match="functional department"):
        do_transition(case, "dispatch", actor=root, body=brigade)


def test_bodies_that_cannot_lead_or_serve_elsewhere_are_refused(persona):
    case = new_case(persona, category="0602")
    council = Body.objects.filter(kind="grid_council").first()
    with pytest.raises(ValidationError, match="does not handle cases"):
        do_transition(case, "dispatch", actor=persona("dispatcher"), body=council)
    other_street = Body.objects.get(name="西岭街道办事处")
    with pytest.raises(ValidationError, match="does not serve"):
        do_transition(case, "dispatch", actor=persona("dispatcher"), body=other_street)


def test_every_transition_event_cites_a_legal_basis(persona):
    case = dispatched(persona, at(2026, 11, 2, 9))
    event = AuditEvent.objects.for_object(case).get(action="case.dispatch")
    assert "接诉即办" in event.legal_basis


def test_day_extensions_are_whole_days(persona):
    case = dispatched(persona, at(2026, 11, 2, 9))
    do_transition(case, "accept", actor=persona("department"))
    with pytest.raises(ValidationError, match="whole days"):
        do_transition(
            case, "request_extension", actor=persona("department"), extension=1.5, note="n"
        )
    assert not case.extension_requests.exists()


def test_no_supervision_order_on_a_finished_case(persona):
    case = new_case(persona)
    do_transition(case, "answer", actor=persona("dispatcher"), note="已答复")
    with pytest.raises(ValidationError, match="finished"):
        do_supervise(case, actor=persona("leader"), deadline=at(2030, 1, 1, 9), note="x")


def test_grid_event_rework_is_counted(persona):
    event = new_case(persona, category="0602", procedure="grid_event")
    do_transition(event, "verify", actor=persona("gridworker"))
    do_transition(event, "register", actor=persona("dispatcher"))
    do_transition(
        event, "dispatch", actor=persona("dispatcher"), body=Body.objects.get(name="东湖街道办事处")
    )
    do_transition(event, "handle", actor=persona("streetstaff"), note="h")
    do_transition(event, "check_fail", actor=persona("gridworker"), note="未清")
    assert event.reopened == 1


def test_an_address_naming_a_community_locates_the_community(persona):
    case = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="t",
            description="d",
            address="东湖街道柳岸社区3栋",
        ),
        actor=persona("dispatcher"),
    )
    assert case.scope_path == Region.objects.get(code="990101001001").path
    assert case.street.code == "990101001"


def test_the_requester_does_not_see_internal_notes(client_as, persona):
    case = dispatched(persona, at(2026, 11, 2, 9))
    do_supervise(case, actor=persona("leader"), deadline=at(2030, 1, 1, 9), note="内部督办指示XYZ")
    do_transition(
        case, "object", actor=persona("department"), note="内部异议理由ABC", now=at(2026, 11, 2, 10)
    )
    page = client_as("resident").get(reverse("case_detail", args=[case.number])).content.decode()
    assert "XYZ" not in page and "ABC" not in page
    staff = client_as("dispatcher").get(reverse("case_detail", args=[case.number])).content.decode()
    assert "ABC" in staff


def test_inbox_ignores_non_ascii_digits(client_as):
    response = client_as("resident").post(reverse("inbox_read"), {"id": "²"})
    assert response.status_code == 302
