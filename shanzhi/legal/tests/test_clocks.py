"""The review period on fixed dates across the National Day 2025 holiday (1–8 October;
Sunday 28 September and Saturday 11 October are make-up working days): 7 working days,
the starting day not counted (《重大行政决策程序暂行条例》第二十六条 "一般不少于7个工作日"),
configurable in the time-limit table but never below 7 working days for a major
administrative decision."""

import pytest
from django.core.exceptions import ValidationError

from shanzhi.duties import routing
from shanzhi.duties.models import TimeLimit
from shanzhi.legal.actions import do_request_review
from shanzhi.legal.gate import current_draft
from shanzhi.legal.instruments import do_create_instrument
from shanzhi.legal.models import ReviewRequest
from shanzhi.legal.tests.conftest import at

pytestmark = pytest.mark.django_db
ART_26 = "第二十六条"


def end_of(y, m, d):
    return at(y, m, d, 23, 59, 59, 999999)


def request_on(persona, street_office, day, kind="normative_document"):
    instrument = do_create_instrument(
        kind=kind,
        title="东湖街道门前三包管理办法",
        body=street_office,
        text="第一条 为规范门前三包管理，制定本办法。",
        actor=persona("streetstaff"),
        now=day,
    )
    draft = current_draft(instrument=instrument)
    return do_request_review(draft, actor=persona("streetstaff"), now=day)


def due(request):
    clock = request.case.clocks.get(name="review")
    return clock.due_at.astimezone(at(2025, 1, 1).tzinfo), clock


def test_art_26_seven_working_days_count_the_make_up_days_and_skip_the_holiday(
    persona, street_office
):
    # Friday 26 September: 28 Sep (make-up), 29, 30 Sep, 9, 10, 11 (make-up), 13 Oct.
    request = request_on(persona, street_office, at(2025, 9, 26, 10))
    when, clock = due(request)
    assert when == end_of(2025, 10, 13)
    assert clock.unit == "working_days" and clock.duration == 7
    assert ART_26 in clock.legal_basis
    assert request.due_at == clock.due_at


def test_art_26_a_request_on_the_eve_of_the_holiday_runs_after_it(persona, street_office):
    # Tuesday 30 September: 9, 10, 11 (make-up), 13, 14, 15, 16 October.
    request = request_on(persona, street_office, at(2025, 9, 30, 16))
    assert due(request)[0] == end_of(2025, 10, 16)


def test_art_26_a_request_during_the_holiday_counts_from_the_first_working_day(
    persona, street_office
):
    request = request_on(persona, street_office, at(2025, 10, 3, 9))
    assert due(request)[0] == end_of(2025, 10, 16)


def _local_limit(value):
    TimeLimit.objects.create(
        procedure="legal_review", clock="review", value=value, unit="working_days"
    )
    routing.forget()


def test_a_longer_local_review_period_is_used(persona, street_office):
    _local_limit(10)
    request = request_on(persona, street_office, at(2025, 9, 26, 10))
    # 28, 29, 30 Sep, 9, 10, 11, 13, 14, 15, 16 October.
    assert due(request)[0] == end_of(2025, 10, 16)


def test_a_local_period_under_7_working_days_is_refused_for_a_major_decision(
    persona, street_office
):
    _local_limit(5)
    before = ReviewRequest.objects.count()
    with pytest.raises(ValidationError, match=f"shorter than the 7 working days.*{ART_26}"):
        request_on(persona, street_office, at(2025, 9, 26, 10), kind="major_decision")
    assert ReviewRequest.objects.count() == before
    # Another kind of act takes the local period as configured.
    request = request_on(persona, street_office, at(2025, 9, 26, 10))
    assert due(request)[0] == end_of(2025, 10, 10)
