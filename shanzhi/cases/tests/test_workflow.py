"""Each procedure's whole transition graph, including every illegal move."""

import pytest
from django.core.exceptions import ValidationError

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Case
from shanzhi.cases.procedure import Party, get

D, H, S, G, R = (
    Party.DISPATCHER,
    Party.HANDLER,
    Party.SUPERVISOR,
    Party.GRID_WORKER,
    Party.REQUESTER,
)

SR_OPEN = {
    "received",
    "dispatched",
    "objected",
    "accepted",
    "in_progress",
    "suspended",
    "replied",
    "evaluated",
}
GE_OPEN = {"reported", "verified", "registered", "dispatched", "handled", "checked"}
# action: (sources, target, parties) — the whole graph, written out by hand from the
# regulations so that any change to a procedure module has to be made here too.
SERVICE_REQUEST = {
    "answer": ({"received"}, "closed", {D}),
    "redirect": ({"received"}, "redirected", {D}),
    "dispatch": ({"received"}, "dispatched", {D}),
    "object": ({"dispatched"}, "objected", {H}),
    "uphold_objection": ({"objected"}, "dispatched", {D}),
    "reject_objection": ({"objected"}, "accepted", {D}),
    "accept": ({"dispatched"}, "accepted", {H}),
    "start": ({"accepted"}, "in_progress", {H}),
    "suspend": ({"accepted", "in_progress"}, "suspended", {D, S}),
    "resume": ({"suspended"}, "in_progress", {D, S}),
    "redispatch": ({"dispatched", "accepted", "in_progress", "suspended"}, "dispatched", {D}),
    "recategorise": (SR_OPEN, None, {D}),
    "request_extension": ({"accepted", "in_progress"}, None, {H}),
    "extend": ({"accepted", "in_progress"}, None, {D, S}),
    "reject_extension": ({"accepted", "in_progress"}, None, {D, S}),
    "reply": ({"accepted", "in_progress"}, "replied", {H}),
    "return_visit": ({"replied"}, "evaluated", {D}),
    "evaluate": ({"replied"}, "evaluated", {R}),
    "reopen": ({"evaluated"}, "in_progress", {S}),
    "close": ({"evaluated"}, "closed", {D, S}),
    "merge": ({"received", "dispatched"}, "merged", {D}),
}
GRID_EVENT = {
    "solve_on_spot": ({"reported"}, "closed", {G}),
    "verify": ({"reported"}, "verified", {G, D}),
    "void": ({"reported", "verified"}, "voided", {D, G}),
    "register": ({"verified"}, "registered", {D}),
    "dispatch": ({"registered"}, "dispatched", {D}),
    "redispatch": ({"dispatched"}, "dispatched", {D}),
    "handle": ({"dispatched"}, "handled", {H}),
    "recategorise": (GE_OPEN, None, {D}),
    "request_extension": ({"dispatched"}, None, {H}),
    "extend": ({"dispatched"}, None, {D, S}),
    "reject_extension": ({"dispatched"}, None, {D, S}),
    "check_pass": ({"handled"}, "checked", {G, D}),
    "check_fail": ({"handled"}, "dispatched", {G, D}),
    "close": ({"checked"}, "closed", {D}),
    "merge": ({"reported", "verified", "registered"}, "merged", {D}),
}
GRAPHS = {"service_request": SERVICE_REQUEST, "grid_event": GRID_EVENT}
FINAL = {
    "service_request": {"closed", "redirected", "merged"},
    "grid_event": {"closed", "voided", "merged"},
}


@pytest.mark.parametrize("key", GRAPHS)
def test_graph_is_exactly_as_declared(key):
    procedure = get(key)
    declared = {t.action: (set(t.sources), t.target, set(t.parties)) for t in procedure.transitions}
    assert declared == GRAPHS[key]
    assert {s.key for s in procedure.states if s.final} == FINAL[key]


# The extension request's steps and the clocks a re-categorisation moves, per procedure.
EXTENSION_STEPS = {
    "request_extension": "request",
    "extend": "approve",
    "reject_extension": "reject",
}
RELIMITS = {"recategorise": ("handle",)}


@pytest.mark.parametrize("key", GRAPHS)
def test_extension_steps_and_relimits_are_as_declared(key):
    procedure = get(key)
    steps = {t.action: t.extension_step for t in procedure.transitions if t.extension_step}
    assert steps == EXTENSION_STEPS
    relimits = {t.action: t.relimits for t in procedure.transitions if t.relimits}
    assert relimits == RELIMITS
    assert procedure.extended_clock == "handle"


@pytest.mark.parametrize("key", GRAPHS)
def test_every_state_is_reachable_and_every_open_state_has_a_way_out(key):
    procedure = get(key)
    reached, frontier = {procedure.initial}, [procedure.initial]
    while frontier:
        state = frontier.pop()
        for t in procedure.available(state):
            target = t.target or state
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(procedure.by_state)
    for state in procedure.states:
        assert state.final or procedure.available(state.key), state.key


@pytest.mark.parametrize("key", GRAPHS)
def test_available_actions_per_state(key):
    procedure = get(key)
    for state in procedure.states:
        expected = {a for a, (sources, _t, _p) in GRAPHS[key].items() if state.key in sources}
        assert {t.action for t in procedure.available(state.key)} == expected


def _illegal_moves():
    for key, graph in GRAPHS.items():
        for state in get(key).by_state:
            for action, (sources, _target, _parties) in graph.items():
                if state not in sources:
                    yield key, state, action


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "state", "action"), list(_illegal_moves()))
def test_engine_refuses_every_illegal_move(key, state, action, django_user_model):
    root = django_user_model.objects.create_superuser("root-" + action[:10], password="x-long-pass")
    case = do_create_case(
        Intake(procedure=key, channel="phone", title="t", description="d"), actor=root
    )
    Case.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        do_transition(case, action, actor=root, note="n")
    case.refresh_from_db()
    assert case.state == state
