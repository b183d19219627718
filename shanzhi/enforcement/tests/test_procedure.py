"""The procedure's graph, and its short ways: not filed, on the spot (《行政处罚法》第五十一条),
first minor violation not penalised (第三十三条)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.cases.engine import do_transition
from shanzhi.enforcement import procedures as p
from shanzhi.enforcement.actions import do_take_step
from shanzhi.enforcement.models import Step
from shanzhi.enforcement.tests.conftest import at, valid_officers


def test_graph():
    graph = {t.action: (t.sources, t.target) for t in p.PROCEDURE.transitions}
    assert graph == {
        "assign": (("received",), "assigned"),
        "not_file": (("assigned",), "not_filed"),
        "file": (("assigned",), "filed"),
        "on_the_spot": (("assigned",), "served"),
        "conclude_investigation": (("filed",), "investigated"),
        "no_penalty": (("filed", "investigated", "notified", "heard"), "not_penalised"),
        "notify": (("investigated",), "notified"),
        "request_hearing": (("notified",), "hearing_requested"),
        "hold_hearing": (("hearing_requested",), "heard"),
        "decide": (("notified", "heard"), "decided"),
        "serve": (("decided",), "served"),
        "execute": (("served",), "closed"),
    }
    assert p.PROCEDURE.by_action["decide"].gates == (p.GATE,)
    assert p.PROCEDURE.number_prefix == "ZF" and p.PROCEDURE.owner == "enforcement"
    assert all(t.legal_basis.startswith("《行政处罚法》") for t in p.PROCEDURE.transitions)


def test_engine_refuses_steps_not_asked_by_the_owner(new_case, matter, officer_user):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    assert ecase.case.number.startswith("ZF")
    with pytest.raises(ValidationError):
        do_transition(ecase.case, "conclude_investigation", actor=officer_user)


def test_not_filed_needs_a_reason(new_case, matter, officer_user):
    ecase = new_case(matter, now=at(2025, 9, 1, 9), file=False)
    with pytest.raises(ValidationError):
        do_take_step(ecase, "not_file", actor=officer_user, now=at(2025, 9, 2, 9))
    do_take_step(ecase, "not_file", actor=officer_user, now=at(2025, 9, 2, 9), note="无违法事实")
    assert ecase.case.state == "not_filed"


def test_filing_needs_the_standard(new_case, matter, officer_user):
    ecase = new_case(matter, now=at(2025, 9, 1, 9), file=False)
    with pytest.raises(ValidationError) as exc:
        do_take_step(ecase, "file", actor=officer_user, now=at(2025, 9, 2, 9))
    assert "第五十四条" in str(exc.value)
    assert ecase.case.clocks.filter(name="decide").count() == 0


def test_on_the_spot_within_limits(new_case, matter, officers, officer_user):
    ecase = new_case(matter, now=at(2025, 9, 1, 9), file=False)
    with pytest.raises(ValidationError, match="第五十一条"):
        do_take_step(
            ecase,
            "on_the_spot",
            actor=officer_user,
            now=at(2025, 9, 1, 10),
            officers=valid_officers(officers),
            penalty_kinds=["fine"],
            fine="201",
            note="现场",
        )
    with pytest.raises(ValidationError, match="第四十二条"):
        do_take_step(
            ecase,
            "on_the_spot",
            actor=officer_user,
            now=at(2025, 9, 1, 10),
            officers=officers[:1],
            penalty_kinds=["fine"],
            fine="200",
            note="现场",
        )
    assert not Step.objects.filter(ecase=ecase, kind="on_the_spot").exists()
    do_take_step(
        ecase,
        "on_the_spot",
        actor=officer_user,
        now=at(2025, 9, 1, 10),
        officers=valid_officers(officers),
        penalty_kinds=["fine"],
        fine="200",
        note="现场",
    )
    assert ecase.case.state == "served" and ecase.on_the_spot


def test_organisation_on_the_spot_up_to_3000(new_case, demo, officers, officer_user):
    matter = demo["matters"][2]  # fines up to 5,000 yuan, on-the-spot possible
    ecase = new_case(
        matter,
        now=at(2025, 9, 1, 9),
        file=False,
        party_kind="organisation",
        name="示范商贸有限公司",
        party_id="91110105MA01ABCD26",
    )
    with pytest.raises(ValidationError, match="3000"):
        do_take_step(
            ecase,
            "on_the_spot",
            actor=officer_user,
            now=at(2025, 9, 1, 10),
            officers=valid_officers(officers),
            penalty_kinds=["fine"],
            fine="3500",
            note="现场",
        )
    do_take_step(
        ecase,
        "on_the_spot",
        actor=officer_user,
        now=at(2025, 9, 1, 10),
        officers=valid_officers(officers),
        penalty_kinds=["fine"],
        fine="3000",
        note="现场",
    )
    assert ecase.fine == 3000


def test_first_violation_not_penalised(new_case, matter, officer_user):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    with pytest.raises(ValidationError, match="第三十三条"):
        do_take_step(
            ecase,
            "no_penalty",
            actor=officer_user,
            now=at(2025, 9, 2, 9),
            first_violation=True,
            note="首次违法",
        )
    do_take_step(
        ecase,
        "no_penalty",
        actor=officer_user,
        now=at(2025, 9, 2, 9),
        first_violation=True,
        corrected=True,
        note="首次违法，当场改正",
    )
    ecase.refresh_from_db()
    assert ecase.case.state == "not_penalised" and ecase.first_violation
    assert "首违不罚" in ecase.outcome
    assert ecase.case.clocks.get(name="decide").stopped_at is not None


def test_fine_outside_the_matters_range(new_case, matter, officers, officer_user):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    from shanzhi.enforcement.actions import do_record_evidence

    do_record_evidence(
        ecase,
        actor=officer_user,
        now=at(2025, 9, 2, 9),
        officers=valid_officers(officers),
        note="笔录",
    )
    do_take_step(ecase, "conclude_investigation", actor=officer_user, now=at(2025, 9, 3, 9))
    with pytest.raises(ValidationError, match="between"):
        do_take_step(
            ecase,
            "notify",
            actor=officer_user,
            now=at(2025, 9, 4, 9),
            penalty_kinds=["fine"],
            fine="5000",
            note="拟罚款",
        )
    with pytest.raises(ValidationError, match="does not provide"):
        do_take_step(
            ecase,
            "notify",
            actor=officer_user,
            now=at(2025, 9, 4, 9),
            penalty_kinds=["closure"],
            note="拟责令停业",
        )


def test_outsider_takes_no_step(new_case, matter, outsider):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    with pytest.raises(PermissionDenied):
        do_take_step(ecase, "conclude_investigation", actor=outsider, now=at(2025, 9, 2, 9))


def test_clue_for_a_matter_not_delegated_to_the_street(demo, other_street, persona):
    from shanzhi.core.models import User
    from shanzhi.core.roles import Role
    from shanzhi.enforcement.actions import Clue, do_register_clue
    from shanzhi.org.models import Membership

    user = User.objects.create_user(username="staff-other", password="x-Test-2026-pass")
    Membership.objects.create(user=user, role=Role.STREET_STAFF, region=other_street)
    with pytest.raises(ValidationError) as exc:
        do_register_clue(
            Clue(
                matter=demo["matters"][0],
                street=other_street,
                title="t",
                description="d",
                source="patrol",
                party_kind="individual",
                party_name="张测试",
            ),
            actor=user,
            now=at(2025, 9, 1, 9),
        )
    assert "第二十四条" in str(exc.value)
