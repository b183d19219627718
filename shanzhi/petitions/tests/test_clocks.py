"""Every time limit of the petition procedures on fixed dates, across the National Day
2025 holiday (1–8 October, make-up working days Sunday 28 September and Saturday
11 October) and the Spring Festival 2026 holiday (15–23 February), counted as
民法典 Arts. 201–203 count: the starting day is not counted; a period in 日 whose last day
is a rest day ends on the first working day after it; a make-up day is a working day."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from shanzhi.cases.models import Clock
from shanzhi.petitions.actions import do_request_review
from shanzhi.petitions.periods import check_request
from shanzhi.petitions.steps import do_take_step
from shanzhi.petitions.tests.conftest import at

pytestmark = pytest.mark.django_db


def due(case, name):
    clock = Clock.objects.filter(case=case, name=name).order_by("-pk").first()
    return clock.due_at.astimezone(at(2025, 1, 1).tzinfo)


def end_of(y, m, d):
    return at(y, m, d, 23, 59, 59, 999999)


def transferred(register, persona, department_body, day):
    petition = register(received_at=day, now=day)
    do_take_step(
        petition.case, "dispatch", actor=persona("dispatcher"), body=department_body, now=day
    )
    petition.case.refresh_from_db()
    return petition


def accepted(register, persona, department_body, day):
    petition = transferred(register, persona, department_body, day)
    do_take_step(petition.case, "accept", actor=persona("department"), now=day)
    petition.case.refresh_from_db()
    return petition


def answered(register, persona, department_body, day):
    petition = accepted(register, persona, department_body, day)
    do_take_step(
        petition.case,
        "reply",
        actor=persona("department"),
        outcome="not_supported",
        opinion="请求缺乏事实根据",
        basis="《城镇供热条例》第二十条",
        now=day,
    )
    petition.case.refresh_from_db()
    return petition


def test_art_22_transfer_within_15_days_ends_after_the_national_day_holiday(register):
    # Received Saturday 20 September: the 15th day, 5 October, is a holiday; the period
    # ends with the first working day after it, Thursday 9 October.
    petition = register(received_at=at(2025, 9, 20, 10), now=at(2025, 9, 20, 10))
    assert due(petition.case, "transfer") == end_of(2025, 10, 9)
    clock = petition.case.clocks.get(name="transfer")
    assert clock.unit == "calendar_days" and "第二十二条" in clock.legal_basis


def test_art_22_the_15_days_count_from_receipt_not_from_registration(register):
    # A letter received on 1 September and registered on the 3rd: counted from the 1st.
    petition = register(received_at=at(2025, 9, 1, 9), now=at(2025, 9, 3, 9))
    assert due(petition.case, "transfer") == end_of(2025, 9, 16)
    assert petition.case.created == at(2025, 9, 1, 9)


def test_art_23_written_notice_within_15_days_may_end_on_a_make_up_working_day(
    register, persona, department_body
):
    # Transferred Friday 26 September: the 15th day is Saturday 11 October, a make-up
    # working day: not a rest day, so the period ends on it.
    petition = transferred(register, persona, department_body, at(2025, 9, 26, 10))
    assert due(petition.case, "notice") == end_of(2025, 10, 11)
    assert petition.case.clocks.get(name="notice").unit == "calendar_days"


def test_art_23_objection_within_5_working_days_counts_the_make_up_sunday(
    register, persona, department_body
):
    # From Friday 26 September: Sunday 28 (make-up), Monday 29, Tuesday 30, then after the
    # holiday Thursday 9 and Friday 10 October.
    petition = transferred(register, persona, department_body, at(2025, 9, 26, 10))
    assert due(petition.case, "objection") == end_of(2025, 10, 10)
    late = at(2025, 10, 11, 9)
    with pytest.raises(ValidationError, match="ended"):
        do_take_step(
            petition.case, "object", actor=persona("department"), note="不属于本单位职权", now=late
        )
    do_take_step(
        petition.case,
        "object",
        actor=persona("department"),
        note="不属于本单位职权",
        now=at(2025, 10, 10, 17),
    )
    petition.case.refresh_from_db()
    assert petition.case.state == "objected"


def test_art_34_handling_within_60_days_ends_after_the_spring_festival(
    register, persona, department_body
):
    # Accepted Saturday 20 December 2025: the 60th day, 18 February 2026, falls in the
    # Spring Festival holiday (15–23 February): it ends on Tuesday 24 February.
    petition = accepted(register, persona, department_body, at(2025, 12, 20, 10))
    assert due(petition.case, "handle") == end_of(2026, 2, 24)
    clock = petition.case.clocks.get(name="handle")
    assert clock.unit == "calendar_days" and "第三十四条" in clock.legal_basis
    assert due(petition.case, "notice") < due(petition.case, "handle")


def test_art_34_extension_of_at_most_30_days_with_the_reason_told(
    register, persona, department_body
):
    petition = accepted(register, persona, department_body, at(2025, 12, 20, 10))
    case = petition.case
    handler, leader = persona("department"), persona("leader")
    do_take_step(
        case,
        "request_extension",
        actor=handler,
        extension=30,
        note="需补充调查取证",
        now=at(2026, 2, 2, 9),
    )
    do_take_step(case, "extend", actor=leader, note="同意延期", now=at(2026, 2, 3, 9))
    # 24 February + 30 days = 26 March 2026, a Thursday.
    assert due(case, "handle") == end_of(2026, 3, 26)
    notice = case.petition_documents.get(kind="extension")
    assert "需补充调查取证" in notice.text and "2026-03-26" in notice.text
    # Thirty days in all: no more.
    with pytest.raises(ValidationError, match="at most 30 days"):
        do_take_step(
            case, "request_extension", actor=handler, extension=1, note="再延", now=at(2026, 3, 2)
        )


def test_art_35_review_request_within_30_days_of_the_answer(register, persona, department_body):
    # Answered Friday 5 September: the 30th day, 5 October, is a holiday: a request may
    # come until the end of Thursday 9 October.
    petition = answered(register, persona, department_body, at(2025, 9, 5, 10))
    with pytest.raises(ValidationError) as late:
        do_request_review(
            petition,
            1,
            actor=persona("dispatcher"),
            reasons="不服处理意见",
            requested_at=at(2025, 10, 10, 9),
            now=at(2025, 10, 10, 9),
        )
    message = late.value.messages[0]
    assert late.value.code == "late"
    assert "2025-09-05" in message and "2025-10-09" in message and "2025-10-10" in message
    assert "第三十五条" in message
    review = do_request_review(
        petition,
        1,
        actor=persona("dispatcher"),
        reasons="不服处理意见",
        requested_at=at(2025, 10, 9, 16),
        now=at(2025, 10, 9, 16),
    )
    assert review.case.procedure == "petition_review"


def test_art_35_a_request_by_letter_counts_from_its_postmark(register, persona, department_body):
    petition = answered(register, persona, department_body, at(2025, 9, 5, 10))
    review = do_request_review(
        petition,
        1,
        actor=persona("dispatcher"),
        reasons="不服处理意见（来信）",
        requested_at=at(2025, 10, 13, 9),
        postmark=date(2025, 10, 9),
        now=at(2025, 10, 13, 9),
    )
    assert review.postmark_date == date(2025, 10, 9)


def test_art_35_review_opinion_within_30_days_of_the_request(register, persona, department_body):
    petition = answered(register, persona, department_body, at(2026, 1, 5, 10))
    review = do_request_review(
        petition,
        1,
        actor=persona("dispatcher"),
        reasons="不服",
        requested_at=at(2026, 1, 20, 10),
        now=at(2026, 1, 20, 10),
    )
    # 20 January + 30 = 19 February, in the Spring Festival holiday: 24 February.
    assert due(review.case, "decide") == end_of(2026, 2, 24)
    assert "第三十五条" in review.case.clocks.get(name="decide").legal_basis


def test_art_36_re_review_within_30_days_the_hearing_not_counted(
    register, persona, department_body, housing
):
    petition = answered(register, persona, department_body, at(2025, 8, 1, 10))
    review = do_request_review(
        petition,
        1,
        actor=persona("dispatcher"),
        reasons="不服",
        requested_at=at(2025, 8, 11),
        now=at(2025, 8, 11),
    )
    do_take_step(
        review.case,
        "dispatch",
        actor=persona("dispatcher"),
        body=housing_body(),
        now=at(2025, 8, 11, 11),
    )
    do_take_step(
        review.case,
        "reply",
        actor=housing,
        outcome="upheld",
        opinion="维持",
        basis="同上",
        now=at(2025, 9, 5, 10),
    )
    rereview = do_request_review(
        petition,
        2,
        actor=persona("dispatcher"),
        reasons="仍不服",
        requested_at=at(2025, 9, 10, 10),
        now=at(2025, 9, 10, 10),
    )
    case = rereview.case
    # 10 September + 30 = Friday 10 October, a working day after the holiday.
    assert due(case, "decide") == end_of(2025, 10, 10)
    centre = persona("centre")
    do_take_step(case, "dispatch", actor=centre, body=department_body, now=at(2025, 9, 11, 9))
    handler = persona("department")
    do_take_step(case, "hold_hearing", actor=handler, note="举行听证", now=at(2025, 9, 15, 10))
    do_take_step(case, "end_hearing", actor=handler, now=at(2025, 9, 25, 16))
    # The nine days wholly inside the hearing (16–24 September) are not counted: the
    # 19 October it then falls on is a Sunday, so it ends Monday 20 October.
    assert due(case, "decide") == end_of(2025, 10, 20)
    assert "第三十六条" in case.clocks.get(name="decide").legal_basis


def housing_body():
    from shanzhi.org.models import Body

    return Body.objects.get(name="区住房和城乡建设局")


def test_the_review_period_is_a_pure_rule_of_dates():
    from shanzhi.duties.calendar import current_calendar

    calendar = current_calendar()
    check = check_request(at(2025, 9, 5, 10), at(2025, 10, 9, 23), calendar)
    assert check.in_time and check.ends == end_of(2025, 10, 9)
    assert not check_request(at(2025, 9, 5, 10), at(2025, 10, 10, 0, 1), calendar).in_time
    by_post = check_request(at(2025, 9, 5), at(2025, 10, 20), calendar, postmark=date(2025, 10, 9))
    assert by_post.in_time and by_post.made_on == date(2025, 10, 9)
