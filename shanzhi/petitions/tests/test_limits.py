"""A jurisdiction may set stricter limits than the regulation in the time-limit table
(浙江省信访条例 2016: transfer within 5 working days, handle within 30 days), never
looser ones: the table refuses them with the statutory limit and an example date."""

import pytest
from django.core.exceptions import ValidationError

from shanzhi.duties import routing
from shanzhi.duties.actions import do_save_time_limit
from shanzhi.duties.models import TimeLimit, Unit
from shanzhi.petitions.steps import do_take_step
from shanzhi.petitions.tests.conftest import at

pytestmark = pytest.mark.django_db
ZHEJIANG = "《浙江省信访条例》（2016）"


def limit(clock, value, unit, procedure="petition"):
    return TimeLimit(procedure=procedure, clock=clock, value=value, unit=unit, basis_note=ZHEJIANG)


@pytest.mark.parametrize(
    "clock, value, unit, why",
    [
        ("handle", 61, Unit.CALENDAR_DAYS, "60 calendar days"),  # Art. 34
        ("transfer", 16, Unit.CALENDAR_DAYS, "15 calendar days"),  # Art. 22
        # Twelve working days end later than 15 days when a holiday lies between.
        ("transfer", 12, Unit.WORKING_DAYS, "15 calendar days"),
        ("objection", 6, Unit.WORKING_DAYS, "5 working days"),  # Art. 23
        ("notice", 16, Unit.CALENDAR_DAYS, "15 calendar days"),  # Art. 23
    ],
)
def test_a_looser_local_limit_is_refused(persona, clock, value, unit, why):
    with pytest.raises(ValidationError) as caught:
        do_save_time_limit(limit(clock, value, unit), actor=persona("admin"), note="本地规定")
    message = caught.value.message_dict["value"][0]
    assert "looser than the statutory limit" in message and why in message
    assert "信访工作条例" in message
    assert not TimeLimit.objects.filter(procedure="petition").exists()


def test_a_looser_review_period_is_refused_too(persona):
    with pytest.raises(ValidationError):
        do_save_time_limit(
            limit("decide", 45, Unit.CALENDAR_DAYS, "petition_rereview"),
            actor=persona("admin"),
            note="本地规定",
        )


def test_zhejiang_s_stricter_limits_are_accepted_and_applied(register, persona, department_body):
    admin = persona("admin")
    do_save_time_limit(limit("transfer", 5, Unit.WORKING_DAYS), actor=admin, note="浙江")
    do_save_time_limit(limit("handle", 30, Unit.CALENDAR_DAYS), actor=admin, note="浙江")
    routing.forget()
    # Received Friday 26 September 2025: five working days are Sunday 28 (make-up),
    # 29, 30 September, 9 and 10 October.
    day = at(2025, 9, 26, 10)
    petition = register(received_at=day, now=day)
    transfer = petition.case.clocks.get(name="transfer")
    assert (transfer.duration, transfer.unit) == (5, "working_days")
    assert transfer.due_at == at(2025, 10, 10, 23, 59, 59, 999999)
    assert ZHEJIANG in transfer.legal_basis
    do_take_step(
        petition.case, "dispatch", actor=persona("dispatcher"), body=department_body, now=day
    )
    do_take_step(petition.case, "accept", actor=persona("department"), now=at(2025, 9, 29, 9))
    handle = petition.case.clocks.get(name="handle")
    # 29 September + 30 days = 29 October 2025 (a Wednesday).
    assert (handle.duration, handle.due_at) == (30, at(2025, 10, 29, 23, 59, 59, 999999))
    notice = petition.case.petition_documents.get(kind="acceptance")
    assert "2025-10-29" in notice.text
