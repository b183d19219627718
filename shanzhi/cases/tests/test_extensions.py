"""Extension requests (延期申请): the handler asks, the dispatch centre or a supervisor
decides; waiting requests lapse with their step; the approvers' list; the pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from shanzhi.cases.engine import Intake, allowed_transitions, do_create_case, do_transition
from shanzhi.cases.extensions import waiting_for
from shanzhi.cases.models import ExtensionRequest
from shanzhi.core.models import AuditEvent, Notification
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def at(*args):
    return datetime(*args, tzinfo=SH)


def accepted(persona, grid="990101001001001", now=None):
    """A service request accepted by the city-management bureau (7 working days)."""
    p = geo.parse_polygon(Region.objects.get(code=grid).geometry).representative_point()
    case = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="t",
            description="d",
            lon=p.x,
            lat=p.y,
            category=MatterCategory.objects.get(code="0604"),
        ),
        actor=persona("dispatcher"),
        now=now,
    )
    actor = persona("dispatcher") if grid == "990101001001001" else root(persona)
    body = Body.objects.get(name="区城市管理局")
    do_transition(case, "dispatch", actor=actor, body=body, now=now)
    do_transition(case, "accept", actor=persona("department"), now=now)
    return case


def root(persona):
    users = persona("admin").__class__.objects
    return users.filter(username="root-ext").first() or users.create_superuser(
        "root-ext", password="x-long-pass"
    )


def actions(user, case):
    return {t.action for t in allowed_transitions(user, case)}


def test_request_then_refusal_leaves_the_clock_alone(persona):
    case = accepted(persona, now=at(2026, 11, 23, 9))
    due = case.clocks.get(name="handle").due_at
    assert "request_extension" in actions(persona("department"), case)
    assert not {"extend", "reject_extension"} & actions(persona("dispatcher"), case)
    do_transition(
        case,
        "request_extension",
        actor=persona("department"),
        extension=3,
        note="需协调产权单位",
        now=at(2026, 11, 24, 9),
    )
    request = ExtensionRequest.objects.get(case=case)
    assert (request.status, request.requested, request.unit) == ("pending", 3, "working_days")
    assert request.reason == "需协调产权单位" and request.requested_by == persona("department")
    assert Notification.objects.filter(
        recipient=persona("dispatcher"), subject__contains=case.number, body="需协调产权单位"
    ).exists()
    assert "request_extension" not in actions(persona("department"), case)
    assert {"extend", "reject_extension"} <= actions(persona("dispatcher"), case)
    with pytest.raises(ValidationError, match="reason"):
        do_transition(case, "reject_extension", actor=persona("dispatcher"))
    with pytest.raises(PermissionDenied):
        do_transition(case, "reject_extension", actor=persona("department"), note="n")
    do_transition(case, "reject_extension", actor=persona("dispatcher"), note="时限足够")
    request.refresh_from_db()
    assert request.status == "rejected" and request.granted is None
    assert request.decided_by == persona("dispatcher") and request.decision_note == "时限足够"
    clock = case.clocks.get(name="handle")
    assert clock.due_at == due and clock.extensions == 0
    assert Notification.objects.filter(
        recipient=persona("department"), subject__contains=case.number, body="时限足够"
    ).exists()
    actions_logged = list(AuditEvent.objects.for_object(case).values_list("action", flat=True))
    assert actions_logged[-2:] == ["case.request_extension", "case.reject_extension"]
    # Refused: the body may ask again.
    assert "request_extension" in actions(persona("department"), case)


def test_only_the_handler_asks(persona):
    case = accepted(persona)
    for username in ("dispatcher", "leader", "gridworker", "streetstaff"):
        with pytest.raises(PermissionDenied):
            do_transition(case, "request_extension", actor=persona(username), extension=2, note="n")
    assert not ExtensionRequest.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [(None, "positive extension"), (0, "positive extension"), (400, "at most 365")],
)
def test_bad_amounts_are_refused(persona, amount, message):
    case = accepted(persona)
    with pytest.raises(ValidationError, match=message):
        do_transition(
            case, "request_extension", actor=persona("department"), extension=amount, note="n"
        )
    assert not ExtensionRequest.objects.filter(case=case).exists()


def test_a_waiting_request_lapses_with_its_step(persona):
    case = accepted(persona)
    do_transition(case, "request_extension", actor=persona("department"), extension=2, note="n")
    assert [r.case for r in waiting_for(persona("dispatcher"))] == [case]
    do_transition(case, "reply", actor=persona("department"), note="已办结")
    request = ExtensionRequest.objects.get(case=case)
    assert request.status == "lapsed" and request.decided_at is not None
    assert waiting_for(persona("dispatcher")) == []


def test_suspension_keeps_the_request_waiting(persona):
    case = accepted(persona)
    do_transition(case, "request_extension", actor=persona("department"), extension=2, note="n")
    do_transition(case, "suspend", actor=persona("dispatcher"), note="等待")
    assert ExtensionRequest.objects.get(case=case).status == "pending"
    assert waiting_for(persona("dispatcher")) == []  # not to be decided while suspended
    do_transition(case, "resume", actor=persona("dispatcher"))
    do_transition(case, "extend", actor=persona("dispatcher"), note="同意")
    assert case.clocks.get(name="handle", stopped_at__isnull=True).extended_by == 2


def test_the_approvers_list(persona):
    case = accepted(persona)
    other = accepted(persona, grid="990101002001001")  # 西岭街道
    for c in (case, other):
        do_transition(c, "request_extension", actor=persona("department"), extension=2, note="n")
    assert [r.case for r in waiting_for(persona("dispatcher"))] == [case]  # 东湖 only
    assert {r.case for r in waiting_for(persona("leader"))} == {case, other}  # the district
    for username in ("department", "gridworker", "community", "resident", "streetstaff"):
        assert waiting_for(persona(username)) == []


# --- the pages ------------------------------------------------------------------------


def test_request_and_approval_through_the_pages(client_as, persona):
    case = accepted(persona, now=at(2026, 11, 23, 9))
    client = client_as("department")
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert 'data-action="request_extension"' in page
    client.post(
        reverse("case_act", args=[case.number, "request_extension"]),
        {"extension": "4", "note": "需要更多时间"},
    )
    assert ExtensionRequest.objects.get(case=case).requested == 4
    client = client_as("dispatcher")
    listing = client.get(reverse("case_extensions")).content.decode()
    assert case.number in listing and "需要更多时间" in listing and "4 working days" in listing
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert 'data-testid="pending-extension"' in page and 'data-action="extend"' in page
    assert 'value="4" max="4"' in page
    response = client.post(
        reverse("case_act", args=[case.number, "extend"]),
        {"extension": "5", "note": "同意"},
        follow=True,
    )
    assert "At most the 4 working days asked for" in response.content.decode()
    assert ExtensionRequest.objects.get(case=case).status == "pending"
    client.post(
        reverse("case_act", args=[case.number, "extend"]), {"extension": "2", "note": "同意两天"}
    )
    request = ExtensionRequest.objects.get(case=case)
    assert request.status == "approved" and request.granted == 2
    assert case.clocks.get(name="handle").extended_by == 2
    assert case.number not in client.get(reverse("case_extensions")).content.decode()
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert 'data-extension="approved"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "n"}, "positive extension"),
        ({"extension": "1.5", "note": "n"}, "whole days"),
        ({"extension": "abc", "note": "n"}, "Enter a number"),
        ({"extension": "2"}, "reason"),
    ],
)
def test_bad_request_input_through_the_page(client_as, persona, data, message):
    case = accepted(persona)
    response = client_as("department").post(
        reverse("case_act", args=[case.number, "request_extension"]), data, follow=True
    )
    assert message in response.content.decode()
    assert not ExtensionRequest.objects.filter(case=case).exists()


def test_extension_pages_refuse_outsiders(client_as, persona):
    case = accepted(persona, grid="990101002001001")  # 西岭街道
    do_transition(case, "request_extension", actor=persona("department"), extension=2, note="n")
    url = reverse("case_act", args=[case.number, "extend"])
    for username in ("dispatcher", "community", "gridworker", "resident"):
        assert client_as(username).post(url, {"extension": "2", "note": "n"}).status_code == 404
    assert (
        case.number not in client_as("dispatcher").get(reverse("case_extensions")).content.decode()
    )
    response = client_as("department").post(url, {"extension": "2", "note": "n"}, follow=True)
    assert "You may not take this action" in response.content.decode()
    assert ExtensionRequest.objects.get(case=case).status == "pending"


def test_the_extension_list_needs_a_sign_in(client):
    response = client.get(reverse("case_extensions"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_case_page_shows_the_working_time_left_and_the_extension(client_as, persona):
    case = accepted(persona)  # now: the handling clock has all its 7 working days left
    client = client_as("dispatcher")
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert 'data-clock="handle" data-light="green"' in page
    assert "7 working days left" in page
    do_transition(case, "request_extension", actor=persona("department"), extension=2, note="n")
    do_transition(case, "extend", actor=persona("dispatcher"), note="同意")
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "7 + 2" in page and "9 working days left" in page
