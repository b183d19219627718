"""A local time limit may be stricter than the statutory one, never looser — compared on
the working-day calendar, across units and holidays."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from shanzhi.duties import actions, calendar, statutory
from shanzhi.duties.models import TimeLimit, Unit

pytestmark = pytest.mark.django_db
BASIS = "《测试条例》第十条"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.forget()
    yield
    calendar.forget()


@pytest.fixture
def fifteen_days():
    with statutory.registered_limit("test_procedure", "handle", 15, Unit.CALENDAR_DAYS, BASIS):
        yield


def local_limit(value, unit, **fields):
    return TimeLimit(
        procedure="test_procedure",
        clock="handle",
        value=value,
        unit=unit,
        basis_note="示范区规定（虚构）",
        **fields,
    )


def test_a_looser_limit_is_refused_naming_the_statutory_limit(fifteen_days, persona):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        actions.do_save_time_limit(
            local_limit(20, Unit.CALENDAR_DAYS), actor=persona("admin"), note="放宽"
        )
    message = " ".join(caught.value.message_dict["value"])
    assert "looser than the statutory limit of 15 calendar days" in message
    assert BASIS in message
    assert not TimeLimit.objects.filter(procedure="test_procedure").exists()


def test_stricter_limits_are_accepted(fifteen_days, persona):
    for value, unit, urgency in [
        (15, Unit.CALENDAR_DAYS, "normal"),
        (10, Unit.CALENDAR_DAYS, "urgent"),
        (5, Unit.WORKING_DAYS, "critical"),  # ends within 15 days even across holidays
    ]:
        limit = local_limit(value, unit, urgency=urgency)
        actions.do_save_time_limit(limit, actor=persona("admin"), note="从严")
    assert TimeLimit.objects.filter(procedure="test_procedure").count() == 3


def test_working_days_that_run_past_a_long_holiday_are_looser(fifteen_days):
    # Ten working days are two weeks most of the year, but across the National Day and
    # Spring Festival holidays they end after fifteen calendar days.
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        local_limit(10, Unit.WORKING_DAYS).full_clean()
    assert "from " in " ".join(caught.value.messages)


def test_working_hours_across_a_weekend_are_looser_than_clock_hours():
    with statutory.registered_limit("test_procedure", "handle", 24, Unit.HOURS, BASIS):
        with pytest.raises(ValidationError):
            local_limit(3, Unit.WORKING_HOURS).full_clean()
        local_limit(20, Unit.HOURS).full_clean()


def test_a_limit_out_of_force_is_not_checked(fifteen_days):
    local_limit(30, Unit.CALENDAR_DAYS, is_active=False).full_clean()


def test_without_a_statutory_limit_any_limit_is_accepted():
    assert statutory.get("test_procedure", "handle") is None
    local_limit(365, Unit.CALENDAR_DAYS).full_clean()


def test_registering_temporarily_restores_the_previous_limit():
    outer = statutory.register("test_procedure", "reply", 60, Unit.CALENDAR_DAYS, "外层")
    try:
        with statutory.registered_limit("test_procedure", "reply", 30, Unit.CALENDAR_DAYS, "内层"):
            assert statutory.get("test_procedure", "reply").legal_basis == "内层"
        assert statutory.get("test_procedure", "reply") == outer
        assert outer in statutory.registered()
    finally:
        statutory.unregister("test_procedure", "reply")
    assert statutory.get("test_procedure", "reply") is None


def test_register_refuses_nonsense():
    with pytest.raises(ValueError):
        statutory.register("p", "c", 5, "fortnights", "x")
    with pytest.raises(ValueError):
        statutory.register("p", "c", 0, Unit.HOURS, "x")
