"""The whole procedure on fixed dates: filing starts the 90-day decision clock
(《行政处罚法》第六十条), evidence by two officers, notice, decision, service within 7
working days (第六十一条), payment within 15 days (第六十七条)."""

from decimal import Decimal

from shanzhi.enforcement.actions import do_record_evidence, do_take_step
from shanzhi.enforcement.tests.conftest import at, valid_officers


def test_general_procedure_to_closure(new_case, matter, officers, officer_user):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    decide = ecase.case.clocks.get(name="decide")
    assert decide.unit == "calendar_days"
    assert "第六十条" in decide.legal_basis
    do_record_evidence(
        ecase,
        actor=officer_user,
        now=at(2025, 9, 2, 10),
        officers=valid_officers(officers),
        note="现场检查笔录",
    )
    do_take_step(ecase, "conclude_investigation", actor=officer_user, now=at(2025, 9, 3, 10))
    do_take_step(
        ecase,
        "notify",
        actor=officer_user,
        now=at(2025, 9, 4, 10),
        penalty_kinds=["fine"],
        fine="500",
        note="拟罚款500元",
    )
    assert not ecase.hearing_offered
    do_take_step(
        ecase,
        "decide",
        actor=officer_user,
        now=at(2025, 9, 26, 10),
        decision_text="罚款500元",
        decision_number="东湖罚〔2025〕1号",
    )
    service = ecase.case.clocks.get(name="service")
    # 7 working days from Fri 26 Sep 2025: Sun 28 Sep (make-up) … Mon 13 Oct.
    assert service.due_at.date().isoformat() == "2025-10-13"
    do_take_step(ecase, "serve", actor=officer_user, now=at(2025, 10, 13, 16), note="直接送达")
    payment = ecase.case.clocks.get(name="payment")
    assert payment.due_at.date().isoformat() == "2025-10-28"
    do_take_step(
        ecase,
        "execute",
        actor=officer_user,
        now=at(2025, 10, 31, 10),
        paid_on=at(2025, 10, 30).date(),
    )
    ecase.refresh_from_db()
    assert ecase.case.state == "closed"
    # Two days late: 3 % of 500 yuan per day (第七十二条).
    assert ecase.surcharge == Decimal("30.00")
