"""Grid event (网格事件, 数字城管 practice after GB/T 30428): 发现/上报 → 核实 → 立案 →
派遣 → 处置 → 核查 → 结案, with voiding (作废), rework on a failed check (返工) and
"solved in the grid" on the spot (still recorded), re-categorisation (改类) and extension
requests (延期申请)."""

from django.utils.translation import gettext_lazy as _

from shanzhi.cases.procedure import (
    Audience,
    ClockSpec,
    Party,
    Procedure,
    State,
    Transition,
    extension_steps,
    register,
)

D, H, S, G = Party.DISPATCHER, Party.HANDLER, Party.SUPERVISOR, Party.GRID_WORKER
PRACTICE = "GB/T 30428 数字化城市管理实践；本地时限规定"

STATES = (
    State("reported", _("Reported"), "Found by a grid worker, camera or resident; to be verified."),
    State(
        "verified",
        _("Verified"),
        "A grid worker confirmed it on site (核实); waits for registration.",
    ),
    State("registered", _("Registered"), "Registered as a case (立案); waits for dispatch."),
    State("dispatched", _("Dispatched"), "Sent to the responsible body (派遣)."),
    State(
        "handled", _("Handled"), "The body reports it handled (处置); waits for the on-site check."
    ),
    State("checked", _("Checked"), "The grid worker confirmed the result on site (核查)."),
    State(
        "closed", _("Closed"), "Closed (结案), including matters solved in the grid.", final=True
    ),
    State("voided", _("Voided"), "Not a real or not a valid event (作废).", final=True),
    State("merged", _("Merged"), "A duplicate, merged into another case (并单).", final=True),
)

# Every state a case can still change in.
OPEN = tuple(s.key for s in STATES if not s.final)

CLOCKS = (
    ClockSpec("verify", _("Verification"), 2, "working_hours", PRACTICE),
    # Registration (立案) and dispatch (派遣) are timed too: on-time registration and
    # dispatch are indicators of their own (DOMAIN §5).
    ClockSpec("register", _("Registration"), 1, "working_hours", PRACTICE),
    ClockSpec("dispatch", _("Dispatch"), 1, "working_hours", PRACTICE),
    ClockSpec("handle", _("Handling"), 1, "working_days", PRACTICE),
    ClockSpec("check", _("Check"), 4, "working_hours", PRACTICE),
)

TRANSITIONS = (
    Transition(
        "solve_on_spot",
        _("Solved in the grid"),
        ("reported",),
        "closed",
        (G,),
        note_required=True,
        stops=("verify",),
        tells=(Audience.REQUESTER,),
    ),
    Transition(
        "verify",
        _("Confirm on site (核实)"),
        ("reported",),
        "verified",
        (G, D),
        stops=("verify",),
        starts=("register",),
        bulk=True,
    ),
    Transition(
        "void",
        _("Void (作废)"),
        ("reported", "verified"),
        "voided",
        (D, G),
        note_required=True,
        stops=("verify", "register"),
        style="secondary",
        tells=(Audience.REQUESTER,),
    ),
    Transition(
        "register",
        _("Register (立案)"),
        ("verified",),
        "registered",
        (D,),
        stops=("register",),
        starts=("dispatch",),
        bulk=True,
    ),
    Transition(
        "dispatch",
        _("Dispatch (派遣)"),
        ("registered",),
        "dispatched",
        (D,),
        needs=("body",),
        stops=("dispatch",),
        starts=("handle",),
        tells=(Audience.BODY,),
        bulk=True,
    ),
    Transition(
        "redispatch",
        _("Re-dispatch"),
        ("dispatched",),
        "dispatched",
        (D,),
        needs=("body",),
        note_required=True,
        starts=("handle",),  # the new body gets a fresh handling clock
        style="warning",
        tells=(Audience.BODY,),
    ),
    Transition(
        "handle",
        _("Report handled (处置)"),
        ("dispatched",),
        "handled",
        (H,),
        note_required=True,
        stops=("handle",),
        starts=("check",),
    ),
    Transition(
        "recategorise",
        _("Change the category (改类)"),
        OPEN,
        None,
        (D,),
        needs=("category",),
        note_required=True,
        relimits=("handle",),
        style="secondary",
    ),
    # Extension (延期): the body asks, the dispatch centre or a supervisor decides.
    *extension_steps(("dispatched",)),
    Transition(
        "check_pass",
        _("Check passed (核查通过)"),
        ("handled",),
        "checked",
        (G, D),
        stops=("check",),
    ),
    Transition(
        "check_fail",
        _("Check failed: rework (返工)"),
        ("handled",),
        "dispatched",
        (G, D),
        note_required=True,
        stops=("check",),
        starts=("handle",),
        rework=True,
        style="danger",
        tells=(Audience.BODY,),
    ),
    Transition(
        "close",
        _("Close (结案)"),
        ("checked",),
        "closed",
        (D,),
        tells=(Audience.REQUESTER,),
        bulk=True,
    ),
    Transition(
        "merge",
        _("Merge into another case (并单)"),
        ("reported", "verified", "registered"),
        "merged",
        (D,),
        needs=("case",),
        note_required=True,
        cancels=("verify", "register", "dispatch"),
        style="secondary",
        tells=(Audience.REQUESTER,),
    ),
)

PROCEDURE = register(
    Procedure(
        key="grid_event",
        label=_("Grid event"),
        states=STATES,
        initial="reported",
        transitions=TRANSITIONS,
        clocks=CLOCKS,
        starts_on_create=("verify",),
        legal_basis=PRACTICE,
        number_prefix="GE",
    )
)
