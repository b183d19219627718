"""Review (复查, Art. 35) and re-review (复核, Art. 36) as linked cases: in time, late,
repeated, a re-review without a review, and the same facts after a re-review."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.core.models import AuditEvent
from shanzhi.org.models import Body
from shanzhi.petitions.actions import do_request_review
from shanzhi.petitions.models import Review
from shanzhi.petitions.steps import do_take_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing_body():
    return Body.objects.get(name="区住房和城乡建设局")


@pytest.fixture
def answered(register, persona, department_body):
    petition = register(account=persona("resident"))
    do_take_step(petition.case, "dispatch", actor=persona("dispatcher"), body=department_body)
    do_take_step(petition.case, "accept", actor=persona("department"))
    do_take_step(
        petition.case,
        "reply",
        actor=persona("department"),
        outcome="not_supported",
        opinion="供热温度经检测达标",
        basis="《城镇供热条例》",
    )
    petition.case.refresh_from_db()
    return petition


def decide(case, persona, body, handler, outcome="upheld"):
    do_take_step(case, "dispatch", actor=persona("centre"), body=body)
    do_take_step(case, "reply", actor=handler, outcome=outcome, opinion="维持原意见", basis="同上")
    case.refresh_from_db()


def test_a_review_in_time_is_a_linked_case_with_its_own_clock(answered, persona):
    review = do_request_review(answered, 1, actor=persona("resident"), reasons="检测时间不合理")
    assert review.review_of == answered.case and review.level == 1
    assert review.petition == answered and review.case.procedure == "petition_review"
    assert review.case.requester == answered.case.requester
    assert review.case.clocks.get(name="decide").duration == 30
    assert review.reasons == "检测时间不合理" and "检测" not in review.reasons_encrypted
    assert (
        AuditEvent.objects.for_object(review.case).filter(action="petition.review_request").exists()
    )


def test_a_review_is_asked_for_once(answered, persona):
    first = do_request_review(answered, 1, actor=persona("resident"), reasons="不服")
    with pytest.raises(ValidationError) as caught:
        do_request_review(answered, 1, actor=persona("dispatcher"), reasons="再次不服")
    assert caught.value.code == "repeated" and first.case.number in caught.value.messages[0]
    assert Review.objects.count() == 1


def test_only_the_petitioner_or_the_office_asks(answered, persona):
    with pytest.raises(PermissionDenied):
        do_request_review(answered, 1, actor=persona("department"), reasons="不服")


def test_nothing_to_review_before_the_written_answer(register, persona):
    petition = register()
    with pytest.raises(ValidationError) as caught:
        do_request_review(petition, 1, actor=persona("dispatcher"), reasons="不服")
    assert caught.value.code == "not_answered"


def test_a_re_review_without_a_review_is_refused_art_36(answered, persona):
    with pytest.raises(ValidationError) as caught:
        do_request_review(answered, 2, actor=persona("resident"), reasons="直接复核")
    assert caught.value.code == "no_review" and "Art. 36" in caught.value.messages[0]
    assert not Review.objects.exists()


def test_the_review_goes_to_another_organ_than_the_one_that_answered(
    answered, persona, department_body
):
    review = do_request_review(answered, 1, actor=persona("resident"), reasons="不服")
    with pytest.raises(ValidationError) as caught:
        do_take_step(review.case, "dispatch", actor=persona("centre"), body=department_body)
    assert "one level above" in caught.value.message_dict["body"][0]


def test_the_whole_chain_and_its_finality(
    answered, persona, register, housing, housing_body, department_body
):
    review = do_request_review(answered, 1, actor=persona("resident"), reasons="不服")
    with pytest.raises(ValidationError) as caught:  # not before the review's opinion
        do_request_review(answered, 2, actor=persona("resident"), reasons="不服")
    assert caught.value.code == "not_answered"
    decide(review.case, persona, housing_body, housing)
    opinion = review.case.petition_documents.get(kind="review")
    assert "re-review" in opinion.text and "Art. 36" in opinion.text
    rereview = do_request_review(answered, 2, actor=persona("resident"), reasons="仍然不服")
    assert rereview.review_of == review.case and rereview.level == 2
    decide(rereview.case, persona, department_body, persona("department"))
    final = rereview.case.petition_documents.get(kind="rereview")
    assert "final" in final.text
    with pytest.raises(ValidationError) as caught:
        do_request_review(answered, 3, actor=persona("resident"), reasons="还要复核")
    assert caught.value.code == "final"
    # After the re-review, the same facts and reasons come back as a new petition: it is
    # recognised and answered with the legal reason instead of accepted again.
    with pytest.raises(ValidationError) as caught:
        register(actor="centre", subject="小区供暖温度不达标，要求重新处理")
    assert caught.value.code == "same_item" and "Art. 36" in caught.value.messages[0]
    again = register(actor="centre", answer_as_repeat=True)
    again.refresh_from_db()
    assert again.case.state == "not_accepted" and again.end_basis.endswith("第三十六条")
    notice = again.case.petition_documents.get(kind="not_accepted")
    assert rereview.case.number in notice.text
