"""The petition procedures as declared: the whole graph, the clocks with their units and
articles, and the limits registered as statutory (a local limit may only be stricter)."""

import pytest
from django.core.exceptions import ValidationError

from shanzhi.cases.procedure import get
from shanzhi.duties import statutory
from shanzhi.petitions import procedures
from shanzhi.petitions.steps import do_take_step

pytestmark = pytest.mark.django_db


def graph(key):
    return {
        t.action: (tuple(sorted(t.sources)), t.target, tuple(sorted(t.parties)))
        for t in get(key).transitions
    }


def test_the_petition_graph():
    D, H, S, R = "dispatcher", "handler", "supervisor", "requester"
    assert graph("petition") == {
        "dispatch": (("registered",), "dispatched", (D,)),
        "assign": (("registered",), "dispatched", (D,)),
        "not_accept": (("objected", "registered"), "not_accepted", (D,)),
        "separate": (("dispatched", "in_progress", "registered"), "separated", (D, H)),
        "object": (("dispatched",), "objected", (H,)),
        "uphold_objection": (("objected",), "dispatched", (D,)),
        "reject_objection": (("objected",), "dispatched", (D,)),
        "accept": (("dispatched",), "in_progress", (H,)),
        "request_extension": (("in_progress",), None, (H,)),
        "extend": (("in_progress",), None, (S,)),
        "reject_extension": (("in_progress",), None, (S,)),
        "route": (("in_progress",), "routed", (H,)),
        "reply": (("in_progress",), "replied", (H,)),
        "evaluate": (("replied",), "evaluated", (R,)),
        "close": (("evaluated", "replied"), "closed", (D,)),
    }
    petition = get("petition")
    finals = {s.key for s in petition.states if s.final}
    assert finals == {"closed", "not_accepted", "separated", "routed"}
    assert petition.starts_on_create == ("transfer",) and petition.extended_clock == "handle"


def test_the_review_graphs():
    D, H, R = "dispatcher", "handler", "requester"
    common = {
        "dispatch": (("received",), "in_progress", (D,)),
        "reply": (("in_progress",), "replied", (H,)),
        "evaluate": (("replied",), "evaluated", (R,)),
        "close": (("evaluated", "replied"), "closed", (D,)),
    }
    assert graph("petition_review") == common
    assert graph("petition_rereview") == {
        **common,
        "hold_hearing": (("in_progress",), "hearing", (H,)),
        "end_hearing": (("hearing",), "in_progress", (H,)),
    }
    hearing = get("petition_rereview").by_action["hold_hearing"]
    assert hearing.pauses == ("decide",)


@pytest.mark.parametrize(
    "key, clock, value, unit, article",
    [
        ("petition", "transfer", 15, "calendar_days", "第二十二条"),
        ("petition", "notice", 15, "calendar_days", "第二十三条"),
        ("petition", "objection", 5, "working_days", "第二十三条"),
        ("petition", "handle", 60, "calendar_days", "第三十四条"),
        ("petition_review", "decide", 30, "calendar_days", "第三十五条"),
        ("petition_rereview", "decide", 30, "calendar_days", "第三十六条"),
    ],
)
def test_each_limit_is_statutory_in_the_regulation_s_unit(key, clock, value, unit, article):
    spec = get(key).by_clock[clock]
    assert (spec.value, spec.unit, spec.statutory) == (value, unit, True)
    assert article in spec.legal_basis and "信访工作条例" in spec.legal_basis
    limit = statutory.get(key, clock)
    assert (limit.value, limit.unit) == (value, unit)


def test_the_objection_period_is_a_window():
    assert get("petition").by_clock["objection"].window
    assert get("petition").by_action["object"].within == "objection"


def test_a_step_the_state_does_not_allow_is_refused(register, persona, department_body):
    petition = register()
    do_take_step(petition.case, "dispatch", actor=persona("dispatcher"), body=department_body)
    do_take_step(petition.case, "accept", actor=persona("department"))
    with pytest.raises(ValidationError, match="not possible"):
        do_take_step(petition.case, "dispatch", actor=persona("dispatcher"), body=department_body)
    petition.case.refresh_from_db()
    assert petition.case.state == "in_progress"
    assert procedures.MAX_EXTENSION_DAYS == 30


def test_the_work_queues_hold_petitions_in_the_right_queue_only():
    """Queues are defined by state names across procedures: a petition's state waits in
    a queue only for what the other procedures' state of that name waits for."""
    from shanzhi.cases import queues

    assert queues.waiting_states(queues.BY_KEY["dispatch"].waits_for) == {
        "received",
        "registered",
        "objected",
    }
    assert queues.waiting_states(queues.BY_KEY["accept"].waits_for) == {"dispatched"}
    assert queues.waiting_states(queues.BY_KEY["progress"].waits_for) == {
        "accepted",
        "in_progress",
        "suspended",
    }
