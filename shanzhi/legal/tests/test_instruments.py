"""Normative documents, major decisions and contracts: the public consultation of a
major decision lasts at least 30 days (《重大行政决策程序暂行条例》第十五条); nothing is
issued without a passing review of its current draft (第二十五条、第二十六条; 国办发〔2018〕
115号), and the consultation does not replace the review."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.legal.actions import (
    do_assign_review,
    do_give_opinion,
    do_request_review,
    do_save_draft,
)
from shanzhi.legal.gate import current_draft
from shanzhi.legal.instruments import (
    do_create_instrument,
    do_issue_instrument,
    do_open_consultation,
)
from shanzhi.legal.tests.conftest import at

pytestmark = pytest.mark.django_db
TEXT = "第一条 为规范老旧小区加装电梯，制定本决策方案。"


@pytest.fixture
def make(persona, street_office):
    def make(kind="major_decision", now=None):
        return do_create_instrument(
            kind=kind,
            title="老旧小区加装电梯实施方案",
            body=street_office,
            text=TEXT,
            actor=persona("streetstaff"),
            now=now or at(2025, 8, 1, 9),
        )

    return make


def passed(instrument, persona, adviser, now=None):
    draft = current_draft(instrument=instrument)
    request = do_request_review(draft, actor=persona("streetstaff"), now=now)
    do_assign_review(request, reviewer=adviser, actor=adviser, now=now)
    do_give_opinion(
        request, actor=adviser, outcome="pass", reasons="合法", bases="第二十五条", now=now
    )
    instrument.refresh_from_db()
    return request


def test_art_15_a_major_decision_is_consulted_on_for_at_least_30_days(make, persona):
    instrument = make()
    with pytest.raises(ValidationError, match=r"at least 30 days.*第十五条.*lasts 29") as raised:
        do_open_consultation(
            instrument,
            actor=persona("streetstaff"),
            starts_on=date(2025, 8, 1),
            ends_on=date(2025, 8, 29),
        )
    assert "ends_on" in raised.value.message_dict
    instrument.refresh_from_db()
    assert instrument.state == "draft" and instrument.consultation_ends is None
    do_open_consultation(
        instrument,
        actor=persona("streetstaff"),
        starts_on=date(2025, 8, 1),
        ends_on=date(2025, 8, 30),
    )
    instrument.refresh_from_db()
    assert instrument.state == "consulting"


def test_a_consultation_ending_before_it_starts_is_refused(make, persona):
    with pytest.raises(ValidationError, match="ends before it starts"):
        do_open_consultation(
            make("normative_document"),
            actor=persona("streetstaff"),
            starts_on=date(2025, 8, 10),
            ends_on=date(2025, 8, 1),
        )


def test_a_normative_document_is_issued_only_after_its_current_draft_passed(make, persona, adviser):
    instrument = make("normative_document")
    with pytest.raises(ValidationError, match=r"not been sent for legal review.*115号"):
        do_issue_instrument(instrument, actor=persona("streetstaff"))
    passed(instrument, persona, adviser)
    assert instrument.state == "reviewed"
    do_save_draft(
        kind="normative_document",
        title=instrument.title,
        text=TEXT + "第二条 （新增）",
        actor=persona("streetstaff"),
        instrument=instrument,
    )
    instrument.refresh_from_db()
    assert instrument.state == "draft"
    with pytest.raises(ValidationError, match="changed after its legal review"):
        do_issue_instrument(instrument, actor=persona("streetstaff"))
    passed(instrument, persona, adviser)
    do_issue_instrument(instrument, actor=persona("streetstaff"))
    instrument.refresh_from_db()
    assert instrument.state == "issued" and instrument.issued_by == persona("streetstaff")


def test_a_major_decision_needs_both_its_ended_consultation_and_its_review(make, persona, adviser):
    instrument = make(now=at(2025, 8, 1, 9))
    passed(instrument, persona, adviser, now=at(2025, 8, 1, 10))
    # Reviewed, but never consulted on: refused (review does not replace consultation).
    with pytest.raises(ValidationError, match=r"public consultation.*第十五条"):
        do_issue_instrument(instrument, actor=persona("streetstaff"), now=at(2025, 9, 1, 9))
    do_open_consultation(
        instrument,
        actor=persona("streetstaff"),
        starts_on=date(2025, 8, 2),
        ends_on=date(2025, 9, 5),
    )
    with pytest.raises(ValidationError, match="runs until 2025-09-05"):
        do_issue_instrument(instrument, actor=persona("streetstaff"), now=at(2025, 9, 5, 9))
    do_issue_instrument(instrument, actor=persona("streetstaff"), now=at(2025, 9, 6, 9))
    instrument.refresh_from_db()
    assert instrument.state == "issued"


def test_a_consulted_decision_without_review_is_not_issued(make, persona):
    instrument = make(now=at(2025, 8, 1, 9))
    do_open_consultation(
        instrument,
        actor=persona("streetstaff"),
        starts_on=date(2025, 8, 2),
        ends_on=date(2025, 9, 5),
    )
    with pytest.raises(ValidationError, match=r"legal review.*第二十五条、第二十六条"):
        do_issue_instrument(instrument, actor=persona("streetstaff"), now=at(2025, 9, 8, 9))
    instrument.refresh_from_db()
    assert instrument.state == "consulting"


def test_an_issued_instrument_is_not_changed_and_not_issued_twice(make, persona, adviser):
    instrument = make("contract")
    passed(instrument, persona, adviser)
    do_issue_instrument(instrument, actor=persona("streetstaff"))
    with pytest.raises(ValidationError, match="already issued"):
        do_issue_instrument(instrument, actor=persona("streetstaff"))
    with pytest.raises(ValidationError, match="issued instrument is not changed"):
        do_save_draft(
            kind="contract",
            title="x",
            text="y",
            actor=persona("streetstaff"),
            instrument=instrument,
        )


def test_only_the_bodys_staff_draft_consult_and_issue(make, persona, adviser):
    instrument = make("normative_document")
    for actor in (adviser, persona("dispatcher"), persona("department")):
        with pytest.raises(PermissionDenied):
            do_issue_instrument(instrument, actor=actor)
        with pytest.raises(PermissionDenied):
            do_open_consultation(
                instrument, actor=actor, starts_on=date(2025, 8, 1), ends_on=date(2025, 9, 1)
            )
