"""Callers without an account hear of their case by text message, to the number they gave."""

import logging

import pytest
from django.utils import translation

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.core.models import Notification
from shanzhi.core.tasks import deliver_notifications
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    load_catalogue()
    with translation.override("en"):
        yield


def call(persona, phone, anonymous=False, title="路灯不亮"):
    p = geo.parse_polygon(
        Region.objects.get(code="990101001001001").geometry
    ).representative_point()
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title=title,
            description="来电反映（测试）",
            lon=p.x,
            lat=p.y,
            category=MatterCategory.objects.get(code="0604"),
            requester_name="来电人",
            requester_phone=phone,
            anonymous=anonymous,
        ),
        actor=persona("dispatcher"),
    )


def texts(phone):
    return Notification.objects.filter(phone=phone, channel="sms", recipient__isnull=True)


def handle(persona, case):
    body = Body.objects.get(name="区城市管理局")
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=body)
    do_transition(case, "accept", actor=persona("department"))
    do_transition(case, "start", actor=persona("department"))
    do_transition(case, "reply", actor=persona("department"), note="路灯已修复")


def test_a_caller_is_texted_the_reply_and_the_text_goes_out(persona, caplog):
    case = call(persona, "13900001111")
    handle(persona, case)
    [message] = texts("13900001111")
    assert case.number in message.subject and message.body == "路灯已修复"
    with caplog.at_level(logging.INFO, logger="shanzhi.sms"):
        assert deliver_notifications.call([message.pk]) == {"sent": 1, "failed": 0}
    assert "13900001111" in caplog.text and case.number in caplog.text
    message.refresh_from_db()
    assert message.status == "sent"


def test_an_anonymous_caller_is_not_texted(persona):
    case = call(persona, "13900002222", anonymous=True)
    handle(persona, case)
    assert not texts("13900002222").exists()


def test_a_merged_callers_are_texted_about_the_case_they_follow(persona):
    target = call(persona, "13900003333")
    duplicate = call(persona, "13900004444", title="同一路灯不亮")
    do_transition(duplicate, "merge", actor=persona("dispatcher"), target=target, note="同一事项")
    # Both callers hear of the merge: the duplicate's in its own step, the target's too.
    assert texts("13900004444").count() == 1 and texts("13900003333").count() == 1
    handle(persona, target)
    assert texts("13900003333").count() == 2
    latest = texts("13900004444").order_by("-pk").first()
    assert texts("13900004444").count() == 2 and duplicate.number in latest.subject


def test_texting_callers_can_be_switched_off(persona, settings):
    settings.SMS_TO_CALLERS = False
    case = call(persona, "13900005555")
    handle(persona, case)
    assert not texts("13900005555").exists()
