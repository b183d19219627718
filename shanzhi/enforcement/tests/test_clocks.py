"""Working-day limits across National Day 2025 (2025-10-01..08 holidays; Sun 2025-09-28
and Sat 2025-10-11 are make-up working days): 《行政处罚法》第八十五条 makes the 5 and 7 days
of Arts. 61 and 64 working days; the 90 days of Art. 60 and 15 days of Art. 67 are
calendar days."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from shanzhi.enforcement.actions import (
    do_record_annulment,
    do_record_evidence,
    do_schedule_hearing,
    do_take_step,
    do_withdraw_publication,
    earliest_hearing,
)
from shanzhi.enforcement.supervision import anomalies
from shanzhi.enforcement.tests.conftest import at, valid_officers


def _to_notice(ecase, officers, user, when, *, fine="20000"):
    do_record_evidence(
        ecase, actor=user, now=when, officers=valid_officers(officers), note="调查笔录"
    )
    do_take_step(ecase, "conclude_investigation", actor=user, now=when)
    do_take_step(
        ecase,
        "notify",
        actor=user,
        now=when,
        penalty_kinds=["fine"],
        fine=fine,
        note="拟处罚款",
    )


def test_hearing_request_window_is_five_working_days(new_case, big_matter, officers, officer_user):
    # Art. 64(1) with Art. 85: notice Mon 29 Sep → 30 Sep, 9, 10, 11 (make-up), 13 Oct.
    ecase = new_case(big_matter, now=at(2025, 9, 20, 9))
    _to_notice(ecase, officers, officer_user, at(2025, 9, 29, 10))
    assert ecase.hearing_offered
    window = ecase.case.clocks.get(name="hearing_request")
    assert window.unit == "working_days" and "第六十四条" in window.legal_basis
    assert window.due_at.date() == date(2025, 10, 13)
    with pytest.raises(ValidationError, match="has ended"):
        do_take_step(ecase, "request_hearing", actor=officer_user, now=at(2025, 10, 14, 9))
    do_take_step(ecase, "request_hearing", actor=officer_user, now=at(2025, 10, 13, 17))
    assert ecase.case.state == "hearing_requested"


def test_decision_waits_for_the_hearing_request_period(
    new_case, big_matter, officers, officer_user
):
    ecase = new_case(big_matter, now=at(2025, 9, 20, 9))
    _to_notice(ecase, officers, officer_user, at(2025, 9, 29, 10))
    with pytest.raises(ValidationError, match="第六十四条"):
        do_take_step(
            ecase, "decide", actor=officer_user, now=at(2025, 10, 10, 9), decision_text="罚款"
        )


def test_hearing_notice_at_least_seven_working_days_ahead(
    new_case, big_matter, officers, officer_user
):
    # Art. 64(2): notified Mon 29 Sep → 7 working days end Wed 15 Oct; first day 16 Oct.
    assert earliest_hearing(at(2025, 9, 29, 10)) == date(2025, 10, 16)
    ecase = new_case(big_matter, now=at(2025, 9, 20, 9))
    _to_notice(ecase, officers, officer_user, at(2025, 9, 26, 10))
    do_take_step(ecase, "request_hearing", actor=officer_user, now=at(2025, 9, 28, 10))
    with pytest.raises(ValidationError) as exc:
        do_schedule_hearing(
            ecase,
            actor=officer_user,
            now=at(2025, 9, 29, 10),
            hearing_at=at(2025, 10, 15, 9),
            note="街道会议室",
        )
    assert "2025-10-16" in str(exc.value) and "第六十四条" in str(exc.value)
    do_schedule_hearing(
        ecase,
        actor=officer_user,
        now=at(2025, 9, 29, 10),
        hearing_at=at(2025, 10, 16, 9),
        note="街道会议室",
    )
    with pytest.raises(ValidationError, match="not taken place"):
        do_take_step(
            ecase, "hold_hearing", actor=officer_user, now=at(2025, 10, 15, 9), note="听证笔录"
        )
    do_take_step(
        ecase, "hold_hearing", actor=officer_user, now=at(2025, 10, 16, 11), note="听证笔录"
    )
    ecase.refresh_from_db()
    # A heard case always needs the legal review (Art. 58).
    assert ecase.review_required and ecase.review_reason == "heard"


def test_service_and_publication_seven_working_days(new_case, matter, officers, officer_user):
    # Art. 61 and Art. 48: decided Fri 26 Sep → Sun 28 (make-up), 29, 30 Sep, 9, 10,
    # 11 (make-up), 13 Oct.
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    _to_notice(ecase, officers, officer_user, at(2025, 9, 2, 10), fine="500")
    do_take_step(
        ecase, "decide", actor=officer_user, now=at(2025, 9, 26, 10), decision_text="罚款500元"
    )
    assert ecase.case.clocks.get(name="service").due_at.date() == date(2025, 10, 13)
    assert ecase.publication.due_at.date() == date(2025, 10, 13)
    # The 15 days to pay (Art. 67) are calendar days, through the holiday.
    do_take_step(ecase, "serve", actor=officer_user, now=at(2025, 9, 30, 10), note="直接送达")
    assert ecase.case.clocks.get(name="payment").due_at.date() == date(2025, 10, 15)


def test_withdrawal_within_three_working_days(new_case, matter, officers, officer_user):
    # Art. 48: annulled Tue 30 Sep → 9, 10, 11 (make-up) Oct.
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    _to_notice(ecase, officers, officer_user, at(2025, 9, 2, 10), fine="500")
    do_take_step(
        ecase, "decide", actor=officer_user, now=at(2025, 9, 5, 10), decision_text="罚款500元"
    )
    publication = do_record_annulment(
        ecase, actor=officer_user, kind="annulled", reason="复议决定撤销", now=at(2025, 9, 30, 10)
    )
    assert publication.withdraw_due_at.date() == date(2025, 10, 11)
    publication = do_withdraw_publication(ecase, actor=officer_user, now=at(2025, 10, 13, 9))
    assert publication.withdraw_on_time is False


def test_ninety_calendar_days_and_a_late_decision_is_still_taken(
    new_case, matter, officers, officer_user
):
    # Art. 60: filed 10 Jul 2025 → the 90th calendar day is 8 Oct, a holiday: the period
    # ends on the first working day after it, 9 Oct (民法典第二百零三条).
    ecase = new_case(matter, now=at(2025, 7, 10, 10))
    decide = ecase.case.clocks.get(name="decide")
    assert decide.unit == "calendar_days" and "第六十条" in decide.legal_basis
    assert decide.due_at.date() == date(2025, 10, 9)
    _to_notice(ecase, officers, officer_user, at(2025, 7, 11, 10), fine="500")
    late = at(2025, 10, 20, 10)
    assert "past_limit" in [a.kind for a in anomalies([ecase], now=late)]
    do_take_step(ecase, "decide", actor=officer_user, now=late, decision_text="罚款500元")
    ecase.refresh_from_db()
    assert ecase.case.state == "decided" and ecase.decided_late
    assert ecase.case.clocks.get(name="decide").on_time is False
