"""Supervision orders (督办) tracked to an answer: the body answers once, the supervisor is
told; open, answered and overdue orders on the case page and on the list page."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Supervision
from shanzhi.cases.supervision import do_answer_supervision, do_supervise, open_orders
from shanzhi.core.models import AuditEvent, Notification
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def dispatched(persona, body="区城市管理局", code="0604"):
    p = geo.parse_polygon(Region.objects.get(code="990101001001001").geometry)
    point = p.representative_point()
    case = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="路灯不亮",
            description="d",
            lon=point.x,
            lat=point.y,
            category=MatterCategory.objects.get(code=code),
        ),
        actor=persona("dispatcher"),
    )
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=Body.objects.get(name=body))
    return case


def order(persona, case, *, hours=48, note="请尽快办理"):
    return do_supervise(
        case,
        actor=persona("leader"),
        deadline=timezone.now() + timedelta(hours=hours),
        note=note,
    )


def test_issue_notifies_the_body_and_answer_notifies_the_supervisor(persona):
    case = dispatched(persona)
    supervision = order(persona, case)
    assert Notification.objects.filter(
        recipient=persona("department"), subject__contains=case.number, body="请尽快办理"
    ).exists()
    assert supervision.status() == "open"
    do_answer_supervision(supervision, actor=persona("department"), note="已安排维修，周五完成")
    supervision.refresh_from_db()
    assert supervision.status() == "answered" and not supervision.answered_late
    assert supervision.answered_by == persona("department")
    assert supervision.answer == "已安排维修，周五完成"
    assert Notification.objects.filter(
        recipient=persona("leader"), subject__contains=case.number, body="已安排维修，周五完成"
    ).exists()
    event = AuditEvent.objects.for_object(case).get(action="case.answer_supervision")
    assert event.after == {"body": "区城市管理局", "on_time": True}
    with pytest.raises(ValidationError, match="already been answered"):
        do_answer_supervision(supervision, actor=persona("department"), note="再答复")


def test_an_order_past_its_deadline_is_overdue_until_answered(persona):
    case = dispatched(persona)
    supervision = order(persona, case, hours=1)
    later = timezone.now() + timedelta(hours=2)
    assert supervision.status(later) == "overdue"
    assert list(Supervision.objects.overdue(later)) == [supervision]
    do_answer_supervision(supervision, actor=persona("department"), note="迟到的答复", now=later)
    supervision.refresh_from_db()
    assert supervision.status(later) == "answered" and supervision.answered_late
    assert not Supervision.objects.overdue(later).exists()
    event = AuditEvent.objects.for_object(case).get(action="case.answer_supervision")
    assert event.after["on_time"] is False


def test_only_the_addressed_body_answers(persona):
    case = dispatched(persona)
    supervision = order(persona, case)
    for username in ("leader", "dispatcher", "streetstaff", "gridworker", "resident"):
        with pytest.raises(PermissionDenied):
            do_answer_supervision(supervision, actor=persona(username), note="x")
    with pytest.raises(ValidationError, match="Write the answer"):
        do_answer_supervision(supervision, actor=persona("department"), note="  ")
    supervision.refresh_from_db()
    assert supervision.answered_at is None


def test_a_street_office_order_is_answered_by_the_streets_staff(persona):
    case = dispatched(persona, body="东湖街道办事处", code="0602")
    supervision = order(persona, case)
    with pytest.raises(PermissionDenied):
        do_answer_supervision(supervision, actor=persona("department"), note="x")
    do_answer_supervision(supervision, actor=persona("streetstaff"), note="已清运")
    assert Supervision.objects.get(pk=supervision.pk).answer == "已清运"


def test_open_orders_for_the_supervisor_and_the_body(persona):
    case = dispatched(persona)
    late = order(persona, case, hours=1, note="一")
    later = order(persona, case, hours=72, note="二")
    answered = order(persona, case, note="三")
    do_answer_supervision(answered, actor=persona("department"), note="答")
    issued, to_answer = open_orders(persona("leader"))
    assert issued == [late, later] and to_answer == []
    issued, to_answer = open_orders(persona("department"))
    assert issued == [] and to_answer == [late, later]


# --- the pages ------------------------------------------------------------------------


def test_case_page_shows_the_state_of_each_order(client_as, persona):
    case = dispatched(persona)
    late = order(persona, case, note="逾期督办")
    Supervision.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(hours=1))
    done = order(persona, case, note="已答督办")
    do_answer_supervision(done, actor=persona("department"), note="答复内容")
    open_one = order(persona, case, note="未答督办")
    page = client_as("leader").get(reverse("case_detail", args=[case.number])).content.decode()
    assert f'data-supervision="{late.pk}" data-status="overdue"' in page
    assert f'data-supervision="{done.pk}" data-status="answered"' in page
    assert f'data-supervision="{open_one.pk}" data-status="open"' in page
    assert "答复内容" in page and 'data-testid="answer-supervision"' not in page
    page = client_as("department").get(reverse("case_detail", args=[case.number])).content.decode()
    assert page.count('data-testid="answer-supervision"') == 2  # the two unanswered


def test_answer_through_the_page(client_as, persona):
    case = dispatched(persona)
    supervision = order(persona, case)
    url = reverse("case_answer_supervision", args=[case.number, supervision.pk])
    response = client_as("department").post(url, {"note": "已处理完毕"}, follow=True)
    assert "Supervision order answered" in response.content.decode()
    assert Supervision.objects.get(pk=supervision.pk).answer == "已处理完毕"


@pytest.mark.parametrize(
    ("data", "message"), [({}, "This field is required"), ({"note": "x" * 4001}, "at most 4000")]
)
def test_bad_answer_input_through_the_page(client_as, persona, data, message):
    case = dispatched(persona)
    supervision = order(persona, case)
    url = reverse("case_answer_supervision", args=[case.number, supervision.pk])
    response = client_as("department").post(url, data, follow=True)
    assert message in response.content.decode()
    assert Supervision.objects.get(pk=supervision.pk).answered_at is None


def test_answer_page_refuses_others(client_as, persona):
    case = dispatched(persona)
    supervision = order(persona, case)
    url = reverse("case_answer_supervision", args=[case.number, supervision.pk])
    response = client_as("leader").post(url, {"note": "代答"}, follow=True)
    assert "Only the body the order is addressed to answers it" in response.content.decode()
    # Outside the case's scope: no such case.
    assert client_as("resident").post(url, {"note": "x"}).status_code == 404
    # An order of another case is not found through this one.
    other = dispatched(persona)
    wrong = reverse("case_answer_supervision", args=[other.number, supervision.pk])
    assert client_as("department").post(wrong, {"note": "x"}).status_code == 404
    assert client_as("department").get(url).status_code == 405
    assert Supervision.objects.get(pk=supervision.pk).answered_at is None


def test_the_supervisors_list_page(client_as, persona):
    case = dispatched(persona)
    late = order(persona, case, note="逾期督办")
    Supervision.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(hours=1))
    fine = order(persona, case, note="未到期督办")
    page = client_as("leader").get(reverse("case_supervision_orders")).content.decode()
    assert f'data-supervision="{late.pk}" data-status="overdue"' in page
    assert f'data-supervision="{fine.pk}" data-status="open"' in page
    assert 'data-testid="overdue-count">1 overdue' in page
    body_page = client_as("department").get(reverse("case_supervision_orders")).content.decode()
    assert 'data-testid="to-answer"' in body_page and "逾期督办" in body_page
    other = client_as("gridworker").get(reverse("case_supervision_orders")).content.decode()
    assert "逾期督办" not in other and "No open supervision order" in other
