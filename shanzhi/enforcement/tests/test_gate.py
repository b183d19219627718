"""The legal-review gate of the decision (《行政处罚法》第五十八条): a case that requires a
review is decided only when the CURRENT version of its draft decision passed; the
decision document is generated from the text the reviewer passed."""

import pytest
from django.core.exceptions import ValidationError

from shanzhi.enforcement.actions import do_record_evidence, do_require_review, do_take_step
from shanzhi.enforcement.tests.conftest import at, valid_officers
from shanzhi.legal.actions import (
    do_assign_review,
    do_give_opinion,
    do_request_review,
    do_save_draft,
)
from shanzhi.legal.models import Reviewer

TEXT_V1 = "经查，当事人擅自占用人行道经营。依据《城市道路管理条例》第四十二条，决定罚款500元。"
TEXT_V2 = TEXT_V1 + "（修改）"


@pytest.fixture
def notified(new_case, matter, officers, officer_user):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    do_record_evidence(
        ecase,
        actor=officer_user,
        now=at(2025, 9, 2, 9),
        officers=valid_officers(officers),
        note="调查笔录",
    )
    do_take_step(ecase, "conclude_investigation", actor=officer_user, now=at(2025, 9, 3, 9))
    do_take_step(
        ecase,
        "notify",
        actor=officer_user,
        now=at(2025, 9, 4, 9),
        penalty_kinds=["fine"],
        fine="500",
        note="拟罚款500元",
    )
    do_require_review(ecase, actor=officer_user, reason="complex", now=at(2025, 9, 4, 10))
    return ecase


def _pass(ecase, text, officer_user, reviewer, when, leader):
    draft = do_save_draft(
        kind="enforcement_decision",
        title="行政处罚决定书",
        text=text,
        actor=officer_user,
        case=ecase.case,
        now=when,
    )
    request = do_request_review(draft, actor=officer_user, now=when)
    do_assign_review(request, reviewer=reviewer, actor=leader, now=when)
    do_give_opinion(
        request,
        actor=reviewer,
        outcome="pass",
        reasons="事实清楚，依据正确",
        bases="《行政处罚法》第五十八条",
        now=when,
    )
    return draft


def test_decide_needs_a_passing_review_of_the_current_draft(notified, officer_user, persona):
    reviewer = persona("legal")
    Reviewer.objects.get_or_create(
        user=reviewer, defaults={"certificate_number": "A-TEST-1", "qualified_on": "2020-01-01"}
    )
    # No draft, no review: refused, citing Art. 58.
    with pytest.raises(ValidationError, match="第五十八条"):
        do_take_step(notified, "decide", actor=officer_user, now=at(2025, 9, 10, 9))
    assert notified.case.state == "notified"
    _pass(notified, TEXT_V1, officer_user, reviewer, at(2025, 9, 8, 9), persona("leader"))
    # The draft changed after the review: refused again.
    do_save_draft(
        kind="enforcement_decision",
        title="行政处罚决定书",
        text=TEXT_V2,
        actor=officer_user,
        case=notified.case,
        now=at(2025, 9, 9, 9),
    )
    with pytest.raises(ValidationError, match="第五十八条"):
        do_take_step(notified, "decide", actor=officer_user, now=at(2025, 9, 10, 9))
    notified.case.refresh_from_db()
    assert notified.case.state == "notified"
    # The changed version passes: the decision is taken, from that text.
    _pass(notified, TEXT_V2, officer_user, reviewer, at(2025, 9, 11, 9), persona("leader"))
    do_take_step(
        notified, "decide", actor=officer_user, now=at(2025, 9, 12, 9), decision_text="ignored"
    )
    notified.refresh_from_db()
    assert notified.case.state == "decided"
    assert notified.decision_text == TEXT_V2
    assert notified.reviewed_draft is not None


def test_no_review_required_decides_from_the_officers_text(
    new_case, matter, officers, officer_user
):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    do_record_evidence(
        ecase,
        actor=officer_user,
        now=at(2025, 9, 2, 9),
        officers=valid_officers(officers),
        note="调查笔录",
    )
    do_take_step(ecase, "conclude_investigation", actor=officer_user, now=at(2025, 9, 3, 9))
    do_take_step(
        ecase,
        "notify",
        actor=officer_user,
        now=at(2025, 9, 4, 9),
        penalty_kinds=["warning"],
        note="拟警告",
    )
    with pytest.raises(ValidationError, match="Write the penalty decision"):
        do_take_step(ecase, "decide", actor=officer_user, now=at(2025, 9, 5, 9))
    do_take_step(
        ecase, "decide", actor=officer_user, now=at(2025, 9, 5, 9), decision_text="给予警告"
    )
    assert ecase.decision_text == "给予警告"
