"""Who reviews: a legal adviser whose area covers the request; someone reviewing a
penalty decision for the first time holds the national legal professional
qualification (《行政处罚法》第五十八条第二款)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.legal.actions import (
    do_assign_review,
    do_give_opinion,
    do_request_review,
    do_save_draft,
)
from shanzhi.legal.models import Reviewer
from shanzhi.legal.tests.conftest import DECISION_TEXT

pytestmark = pytest.mark.django_db


def requested(case, persona, text=DECISION_TEXT):
    draft = do_save_draft(
        kind="enforcement_decision",
        title="行政处罚决定书",
        text=text,
        actor=persona("dispatcher"),
        case=case,
    )
    return do_request_review(draft, actor=persona("dispatcher"))


def test_a_first_time_reviewer_without_the_qualification_is_refused_citing_art_58(
    persona, enforcement_case, unqualified
):
    request = requested(enforcement_case, persona)
    with pytest.raises(ValidationError, match=r"first time.*第五十八条第二款") as raised:
        do_assign_review(request, reviewer=unqualified, actor=persona("leader"))
    assert "reviewer" in raised.value.message_dict
    request.refresh_from_db()
    request.case.refresh_from_db()
    assert request.reviewer is None and request.case.state == "requested"


def test_a_qualified_reviewer_is_given_a_first_review_and_it_is_flagged(
    persona, enforcement_case, unqualified
):
    Reviewer.objects.create(
        user=unqualified, certificate_number="A20200101000002", qualified_on="2020-01-01"
    )
    request = requested(enforcement_case, persona)
    do_assign_review(request, reviewer=unqualified, actor=persona("leader"))
    request.refresh_from_db()
    assert request.reviewer == unqualified and request.first_time is True


def test_a_reviewer_with_earlier_penalty_reviews_needs_no_record(
    persona, enforcement_case, unqualified
):
    # Reviewed penalty decisions before (grandfathered): not a first-time reviewer.
    Reviewer.objects.create(
        user=unqualified, certificate_number="A20200101000003", qualified_on="2020-01-01"
    )
    first = requested(enforcement_case, persona)
    do_assign_review(first, reviewer=unqualified, actor=persona("leader"))
    do_give_opinion(
        first, actor=unqualified, outcome="fail", reasons="证据不足", bases="第五十八条"
    )
    Reviewer.objects.filter(user=unqualified).delete()
    second = requested(enforcement_case, persona, DECISION_TEXT + "（补充证据）")
    do_assign_review(second, reviewer=unqualified, actor=persona("leader"))
    second.refresh_from_db()
    assert second.first_time is False


def test_a_reviewer_from_another_street_is_refused(persona, enforcement_case, outsider):
    request = requested(enforcement_case, persona)
    with pytest.raises(ValidationError, match="whose area covers"):
        do_assign_review(request, reviewer=outsider, actor=persona("leader"))


def test_only_a_legal_adviser_or_leader_over_the_area_gives_out_reviews(
    persona, adviser, enforcement_case, outsider
):
    request = requested(enforcement_case, persona)
    for actor in (persona("dispatcher"), outsider):
        with pytest.raises(PermissionDenied):
            do_assign_review(request, reviewer=adviser, actor=actor)
    do_assign_review(request, reviewer=adviser, actor=adviser)
    with pytest.raises(ValidationError, match="already with a reviewer"):
        do_assign_review(request, reviewer=adviser, actor=persona("leader"))
