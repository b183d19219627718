"""The functions the enforcement app calls: drafts and their versions, the request,
the assignment, the opinion, and the gate that lets a decision through only when the
CURRENT version of its draft passed legal review (《行政处罚法》第五十八条)."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.cases import gates
from shanzhi.cases.procedure import Transition
from shanzhi.core.models import AuditEvent, Notification
from shanzhi.legal.actions import (
    do_assign_review,
    do_confirm_changes,
    do_give_opinion,
    do_request_review,
    do_save_draft,
)
from shanzhi.legal.gate import current_draft, require_passing_review
from shanzhi.legal.tests.conftest import DECISION_TEXT

pytestmark = pytest.mark.django_db
ART_58 = "《行政处罚法》第五十八条"


def save(case, actor, text=DECISION_TEXT):
    return do_save_draft(
        kind="enforcement_decision", title="行政处罚决定书", text=text, actor=actor, case=case
    )


def reviewed(case, persona, adviser, outcome="pass", text=DECISION_TEXT):
    draft = save(case, persona("dispatcher"), text)
    request = do_request_review(draft, actor=persona("dispatcher"), reason="罚款决定")
    do_assign_review(request, reviewer=adviser, actor=adviser)
    do_give_opinion(
        request,
        actor=adviser,
        outcome=outcome,
        reasons="事实清楚，证据确凿，适用依据正确，程序合法。",
        bases="《行政处罚法》第五十八条",
    )
    request.refresh_from_db()
    return draft, request


def test_saving_the_same_text_keeps_the_version_and_a_new_text_makes_the_next(
    persona, enforcement_case
):
    first = save(enforcement_case, persona("dispatcher"))
    assert first.version == 1
    assert first.digest == hashlib.sha256(DECISION_TEXT.encode()).hexdigest()
    assert save(enforcement_case, persona("dispatcher")).pk == first.pk
    second = save(enforcement_case, persona("dispatcher"), DECISION_TEXT + "限十五日内缴纳。")
    assert second.version == 2 and second.digest != first.digest
    assert current_draft(case=enforcement_case) == second
    assert AuditEvent.objects.filter(action="legal.draft").count() >= 2


def test_a_draft_needs_a_title_a_text_and_the_kind_of_act(persona, enforcement_case):
    with pytest.raises(ValidationError) as raised:
        do_save_draft(
            kind="poem", title=" ", text="  ", actor=persona("dispatcher"), case=enforcement_case
        )
    assert set(raised.value.message_dict) == {"kind", "title", "text"}
    assert current_draft(case=enforcement_case) is None


def test_someone_without_a_part_in_the_case_may_not_draft_its_decision(
    persona, enforcement_case, outsider
):
    with pytest.raises(PermissionDenied):
        save(enforcement_case, outsider)
    assert current_draft(case=enforcement_case) is None


def test_the_review_runs_from_request_to_opinion_on_the_engine(persona, adviser, enforcement_case):
    draft, request = reviewed(enforcement_case, persona, adviser)
    assert request.case.number.startswith("FS")
    request.case.refresh_from_db()
    assert request.case.state == "passed"
    assert request.opinion.outcome == "pass" and request.opinion.reviewer == adviser
    clock = request.case.clocks.get(name="review")
    assert clock.stopped_at is not None and clock.on_time is True
    assert "第二十六条" in clock.legal_basis
    assert require_passing_review(case=enforcement_case, basis=ART_58) == draft
    # The one who asked is told the outcome.
    told = Notification.objects.filter(recipient=persona("dispatcher"))
    assert told.filter(subject__contains=request.case.number).exists()


def test_the_gate_refuses_without_any_draft_or_review(persona, enforcement_case):
    with pytest.raises(ValidationError, match=r"No draft has been saved.*第五十八条"):
        require_passing_review(case=enforcement_case, basis=ART_58)
    save(enforcement_case, persona("dispatcher"))
    with pytest.raises(ValidationError, match=r"not been sent for legal review.*第五十八条"):
        require_passing_review(case=enforcement_case, basis=ART_58)


def test_the_gate_refuses_while_the_review_is_under_way(persona, enforcement_case):
    draft = save(enforcement_case, persona("dispatcher"))
    do_request_review(draft, actor=persona("dispatcher"))
    with pytest.raises(ValidationError, match="still under legal review"):
        require_passing_review(case=enforcement_case, basis=ART_58)


def test_the_gate_refuses_after_a_failing_opinion(persona, adviser, enforcement_case):
    reviewed(enforcement_case, persona, adviser, outcome="fail")
    with pytest.raises(ValidationError, match=r"did not pass legal review.*第五十八条"):
        require_passing_review(case=enforcement_case, basis=ART_58)


def test_the_gate_refuses_when_the_draft_changed_after_its_review(
    persona, adviser, enforcement_case
):
    reviewed(enforcement_case, persona, adviser)
    save(enforcement_case, persona("dispatcher"), DECISION_TEXT + "（改）")
    with pytest.raises(ValidationError, match="version 1 was reviewed, version 2 is current"):
        require_passing_review(case=enforcement_case, basis=ART_58)


def test_pass_with_changes_opens_the_gate_only_after_the_changed_version_is_confirmed(
    persona, adviser, enforcement_case
):
    _draft, request = reviewed(enforcement_case, persona, adviser, outcome="pass_with_changes")
    assert request.opinion.changes  # the changes required are stated
    with pytest.raises(ValidationError, match="passed only after changes"):
        require_passing_review(case=enforcement_case, basis=ART_58)
    changed = save(enforcement_case, persona("dispatcher"), DECISION_TEXT + "并告知复议权利。")
    confirmation = do_request_review(changed, actor=persona("dispatcher"))
    assert confirmation.confirms == request.opinion
    opinion = do_confirm_changes(confirmation, actor=adviser)
    assert opinion.outcome == "pass" and opinion.bases == request.opinion.bases
    assert require_passing_review(case=enforcement_case, basis=ART_58) == changed


def test_the_engine_gate_refuses_a_step_citing_its_legal_basis(persona, adviser, enforcement_case):
    decide = Transition(
        "decide",
        "Decide",
        ("received",),
        "closed",
        (),
        gates=("legal_review",),
        legal_basis="《行政处罚法》第五十七条",
    )
    with pytest.raises(ValidationError, match="第五十七条"):
        gates.check(enforcement_case, decide, None)
    reviewed(enforcement_case, persona, adviser)
    gates.check(enforcement_case, decide, None)  # passes: no exception


def test_only_the_current_version_is_sent_and_only_once(persona, enforcement_case):
    first = save(enforcement_case, persona("dispatcher"))
    save(enforcement_case, persona("dispatcher"), DECISION_TEXT + "（二稿）")
    with pytest.raises(ValidationError, match="Only the current version"):
        do_request_review(first, actor=persona("dispatcher"))
    current = current_draft(case=enforcement_case)
    do_request_review(current, actor=persona("dispatcher"))
    with pytest.raises(ValidationError, match="already under legal review"):
        do_request_review(current, actor=persona("dispatcher"))


def test_the_opinion_needs_reasons_and_bases_and_comes_from_the_reviewer(
    persona, adviser, enforcement_case
):
    draft = save(enforcement_case, persona("dispatcher"))
    request = do_request_review(draft, actor=persona("dispatcher"))
    do_assign_review(request, reviewer=adviser, actor=persona("leader"))
    with pytest.raises(ValidationError) as raised:
        do_give_opinion(request, actor=adviser, outcome="maybe", reasons=" ", bases="")
    assert set(raised.value.message_dict) == {"outcome", "reasons", "bases"}
    with pytest.raises(PermissionDenied):
        do_give_opinion(
            request, actor=persona("leader"), outcome="pass", reasons="同意", bases="第五十八条"
        )
    request.case.refresh_from_db()
    assert request.case.state == "assigned" and not hasattr(request, "opinion")
