"""The case page renders in every state with the steps the state allows, and the
documents appear as their records exist."""

from django.urls import reverse

from shanzhi.enforcement.actions import (
    do_record_evidence,
    do_schedule_hearing,
    do_take_step,
)
from shanzhi.enforcement.tests.conftest import at, valid_officers


def _page(client_as, ecase, username="zf-officer1"):
    page = client_as(username).get(reverse("enforcement:case", args=[ecase.case.number]))
    assert page.status_code == 200
    return page.content.decode()


def test_every_state_renders(client_as, persona, big_matter, officers, officer_user, street):
    from shanzhi.enforcement.actions import Clue, do_register_clue

    ecase = do_register_clue(
        Clue(
            matter=big_matter,
            street=street,
            title="违法搭建",
            description="楼顶加建",
            source="patrol",
            party_kind="individual",
            party_name="王测试",
        ),
        actor=officer_user,
        now=at(2025, 9, 1, 9),
    )
    assert 'data-action="assign"' not in _page(client_as, ecase)
    assert "Send to the enforcement team" in _page(client_as, ecase, "dispatcher")
    user = officer_user
    do_take_step(ecase, "assign", actor=persona("dispatcher"), now=at(2025, 9, 1, 9))
    assert 'data-action="file"' in _page(client_as, ecase)
    do_take_step(ecase, "file", actor=user, now=at(2025, 9, 1, 10), filing_standard="违法事实")
    body = _page(client_as, ecase)
    assert "Record evidence" in body and 'data-action="conclude_investigation"' in body
    do_record_evidence(
        ecase, actor=user, now=at(2025, 9, 2, 9), officers=valid_officers(officers), note="笔录"
    )
    do_take_step(ecase, "conclude_investigation", actor=user, now=at(2025, 9, 3, 9))
    assert 'data-action="notify"' in _page(client_as, ecase)
    do_take_step(
        ecase,
        "notify",
        actor=user,
        now=at(2025, 9, 26, 9),
        penalty_kinds=["fine"],
        fine="50000",
        note="拟罚款五万元",
    )
    body = _page(client_as, ecase)
    assert 'data-action="request_hearing"' in body and "Record statement" in body
    do_take_step(ecase, "request_hearing", actor=user, now=at(2025, 9, 29, 9))
    assert "Notify the hearing" in _page(client_as, ecase)
    do_schedule_hearing(
        ecase,
        actor=user,
        now=at(2025, 9, 29, 10),
        hearing_at=at(2025, 10, 16, 9),
        note="街道会议室",
    )
    do_take_step(ecase, "hold_hearing", actor=user, now=at(2025, 10, 16, 12), note="听证笔录")
    body = _page(client_as, ecase)
    assert "generated from the draft the legal reviewer passed" in body
    hearing_doc = client_as("zf-officer1").get(
        reverse("enforcement:document", args=[ecase.case.number, "hearing"])
    )
    assert hearing_doc.status_code == 200 and "2025-10-16" in hearing_doc.content.decode()
    notice_doc = (
        client_as("zf-officer1")
        .get(reverse("enforcement:document", args=[ecase.case.number, "notice"]))
        .content.decode()
    )
    assert "5 working days" in notice_doc
