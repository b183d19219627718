"""The declarative shape of a procedure: the law written as data.

A procedure module declares its states (each with a comment saying what it means), a
table of transitions (action → allowed source states, target state, who may take it,
which clocks start, stop, pause or resume) and its clocks with their statutory or
default limits and legal bases. The engine (``cases/engine.py``) runs every procedure
the same way.

Who may act is said with *parties*, resolved against the case by ``cases/access.py``:
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Party:
    """Relations between a user and a case that can authorise a transition."""

    DISPATCHER = "dispatcher"  # a dispatcher whose area covers the case
    HANDLER = "handler"  # acts for the responsible (lead) body
    SUPERVISOR = "supervisor"  # a leader / supervisor whose area covers the case
    GRID_WORKER = "grid_worker"  # grid worker or leader of the case's grid
    COMMUNITY = "community"  # community staff of the case's community
    REQUESTER = "requester"  # the person who raised the matter
    LEGAL_ADVISER = "legal_adviser"  # a legal adviser whose area covers the case
    ALL = (DISPATCHER, HANDLER, SUPERVISOR, GRID_WORKER, COMMUNITY, REQUESTER, LEGAL_ADVISER)


class Audience:
    """Who is told when a transition happens (``cases/routing.notify_bodies``)."""

    BODY = "body"  # the people of the responsible body (a street body: copy to the district)
    DISPATCH_CENTRE = "dispatch_centre"  # leaders and dispatchers of the street or district
    REQUESTER = "requester"  # the requester, and those whose duplicates were merged in
    ALL = (BODY, DISPATCH_CENTRE, REQUESTER)


NEEDS = ("body", "satisfaction", "extension", "case", "category")
EXTENSION_STEPS = ("", "request", "approve", "reject")


@dataclass(frozen=True)
class State:
    key: str
    label: Promise | str
    comment: str
    final: bool = False


@dataclass(frozen=True)
class ClockSpec:
    name: str
    label: Promise | str
    value: float  # default limit when the time-limit table has no row
    unit: str  # a duties.models.Unit value
    legal_basis: str
    statutory: bool = False  # a limit set by law: local limits may only be stricter
    # A window (e.g. the objection period) closes when it runs out; it is not a deadline
    # anyone misses, so it never turns red, is never swept and never escalates.
    window: bool = False


@dataclass(frozen=True)
class Transition:
    action: str
    label: Promise | str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays (e.g. an approved extension)
    parties: tuple[str, ...]
    note_required: bool = False
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    pauses: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    # Clocks ended without a verdict (a merged duplicate was not handled late or on time).
    cancels: tuple[str, ...] = ()
    # The action is possible only while this window clock runs (e.g. objections).
    within: str | None = None
    # Counts as sending the work back (返工), a fact the indicators need.
    rework: bool = False
    # Extra input the action takes, handled by the engine: "body" (dispatch target),
    # "satisfaction" (1–5), "extension" (an amount of the extended clock's unit),
    # "case" (merge target), "category" (the matter category, 改类).
    needs: tuple[str, ...] = ()
    # The step of an extension request (延期申请) the action takes: "request" (the
    # handler asks for an amount, with a reason), "approve" (grants at most the amount
    # asked and moves the clock), "reject"; "" for none.
    extension_step: str = ""
    # Running clocks that take the new category's limit when the action changes the
    # category, under the rules in docs/procedures.md ("Re-categorisation").
    relimits: tuple[str, ...] = ()
    # Offered as a bulk action on the work queue (cases/bulk.py): only for steps that take
    # no input but an optional note — or a body, which is then the one proposed.
    bulk: bool = False
    # Only after the requester said they were dissatisfied (a rating of 1 or 2): the
    # rework (返工) a supervisor agrees to.
    only_if_dissatisfied: bool = False
    # Who is told (``Audience``); a merge ("case" in needs) also tells the target's
    # requester.
    tells: tuple[str, ...] = ()
    # Conditions kept by another app, checked by the engine before the step is taken
    # (``cases/gates.py``): e.g. "legal_review", a passing legal review of the current
    # draft of the decision.
    gates: tuple[str, ...] = ()
    legal_basis: str = ""
    style: str = "primary"  # button colour on the case page


@dataclass
class Procedure:
    key: str
    label: Promise | str
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    clocks: tuple[ClockSpec, ...]
    # Clocks started when the case is created.
    starts_on_create: tuple[str, ...] = ()
    # The basis of the procedure as a whole; a transition may name a more specific one.
    legal_basis: str = ""
    number_prefix: str = "CS"
    # The clock an approved extension (延期) moves.
    extended_clock: str = "handle"
    # The app whose own actions create these cases and take their steps, with the
    # records, documents and checks the steps need (a petition's notices, a mediation's
    # agreement). The engine refuses anyone else, so the generic case page, the bulk
    # actions and the JSON API cannot take them bare. "" for the engine's own procedures.
    owner: str = ""
    # The URL name (taking the case number) of the owner's page for one case.
    own_page: str = ""
    # Steps of an owned procedure that need no record of the owner's, which the generic
    # paths may take too: the requester's rating (评价) from the tracking page, the link
    # in a text message or the API.
    generic_actions: tuple[str, ...] = ()
    # An owned procedure's own rules, (user, case) -> bool, applied on top of the
    # generic ones: who reads a case (``access.access_case``: the case page and the API
    # answer "not found" to others) and who acts on it for the owner (e.g. drafts its
    # decision for legal review). None: the generic rules alone.
    readers: Callable | None = None
    actors: Callable | None = None
    by_action: dict[str, Transition] = field(init=False)
    by_state: dict[str, State] = field(init=False)
    by_clock: dict[str, ClockSpec] = field(init=False)

    def __post_init__(self):
        self.by_action = {t.action: t for t in self.transitions}
        self.by_state = {s.key: s for s in self.states}
        self.by_clock = {c.name: c for c in self.clocks}
        self.check()

    def check(self) -> None:
        """Refuse an inconsistent declaration at start-up rather than at run time."""
        assert len(self.by_action) == len(self.transitions), f"{self.key}: duplicate action"
        assert self.initial in self.by_state, f"{self.key}: unknown initial state"
        for t in self.transitions:
            for state in (*t.sources, *([t.target] if t.target else [])):
                assert state in self.by_state, f"{self.key}.{t.action}: unknown state {state}"
            for name in (
                *t.starts,
                *t.stops,
                *t.pauses,
                *t.resumes,
                *t.cancels,
                *([t.within] if t.within else []),
            ):
                assert name in self.by_clock, f"{self.key}.{t.action}: unknown clock {name}"
            for party in t.parties:
                assert party in Party.ALL, f"{self.key}.{t.action}: unknown party {party}"
            for need in t.needs:
                assert need in NEEDS, f"{self.key}.{t.action}: unknown input {need}"
            if t.bulk:
                assert not t.note_required and set(t.needs) <= {"body"}, (
                    f"{self.key}.{t.action}: a bulk action takes no input"
                )
            for audience in t.tells:
                assert audience in Audience.ALL, f"{self.key}.{t.action}: unknown audience"
            assert t.extension_step in EXTENSION_STEPS, f"{self.key}.{t.action}: bad step"
            if t.extension_step in ("request", "approve"):
                assert "extension" in t.needs, f"{self.key}.{t.action}: needs an amount"
            for name in t.relimits:
                assert name in self.by_clock, f"{self.key}.{t.action}: unknown clock {name}"
                assert "category" in t.needs, f"{self.key}.{t.action}: relimits, no category"
            assert not any(self.by_state[s].final for s in t.sources), (
                f"{self.key}.{t.action}: leaves a final state"
            )
        assert bool(self.owner) == bool(self.own_page), f"{self.key}: owner without a page"
        for action in self.generic_actions:
            assert action in self.by_action, f"{self.key}: unknown generic action {action}"

    def extension_transition(self, step: str) -> Transition | None:
        return next((t for t in self.transitions if t.extension_step == step), None)

    def state_label(self, key: str):
        state = self.by_state.get(key)
        return state.label if state else key

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]


def extension_steps(sources: tuple[str, ...]) -> tuple[Transition, ...]:
    """An extension (延期) in the states ``sources``, as three steps: the handling body
    asks for an amount with its reason; the dispatch centre or a supervisor approves (at
    most the amount asked, moving the procedure's ``extended_clock``) or refuses."""
    decides = (Party.DISPATCHER, Party.SUPERVISOR)
    return (
        Transition(
            "request_extension",
            _("Ask for an extension (延期申请)"),
            sources,
            None,
            (Party.HANDLER,),
            needs=("extension",),
            note_required=True,
            extension_step="request",
            style="secondary",
        ),
        Transition(
            "extend",
            _("Approve an extension (延期)"),
            sources,
            None,
            decides,
            needs=("extension",),
            note_required=True,
            extension_step="approve",
            style="secondary",
        ),
        Transition(
            "reject_extension",
            _("Refuse the extension"),
            sources,
            None,
            decides,
            note_required=True,
            extension_step="reject",
            style="secondary",
        ),
    )


_REGISTRY: dict[str, Procedure] = {}


def register(procedure: Procedure) -> Procedure:
    from shanzhi.duties import statutory

    _REGISTRY[procedure.key] = procedure
    for clock in procedure.clocks:
        if clock.statutory:
            statutory.register(
                procedure.key, clock.name, clock.value, clock.unit, clock.legal_basis
            )
    return procedure


def window_clocks() -> set[str]:
    """Names of window clocks (they never count as overdue)."""
    return {c.name for p in _REGISTRY.values() for c in p.clocks if c.window}


def get(key: str) -> Procedure:
    return _REGISTRY[key]


def all_procedures() -> list[Procedure]:
    return list(_REGISTRY.values())


def generic_procedures() -> list[Procedure]:
    """The procedures whose cases anyone with the right party creates and moves through
    the generic pages and the API: those no app owns."""
    return [p for p in _REGISTRY.values() if not p.owner]
