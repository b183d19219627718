"""Service request (12345 诉求工单): the closed loop of 国办发〔2020〕53号 —
受理 → 派单 → 办理 → 回复 → 回访 → 评价 → 办结, with objections to a dispatch (派单异议),
re-dispatch (改派), re-categorisation (改类), extension requests (延期申请), suspension
(缓办), rework (返工) and redirection out of 12345."""

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

D, H, S, R = Party.DISPATCHER, Party.HANDLER, Party.SUPERVISOR, Party.REQUESTER
HOTLINE = "《北京市接诉即办工作条例》；国办发〔2020〕53号"

STATES = (
    State("received", _("Received"), "Registered from a channel; waits for dispatch."),
    State("dispatched", _("Dispatched"), "Sent to a body, which may accept it or object."),
    State(
        "objected",
        _("Objection raised"),
        "The body says it is not responsible; the dispatch centre decides.",
    ),
    State("accepted", _("Accepted"), "The responsible body took the case on."),
    State("in_progress", _("In progress"), "The body is handling the matter."),
    State(
        "suspended", _("Suspended"), "Handling paused with a reason (缓办); its clock is paused."
    ),
    State("replied", _("Replied"), "The body answered the requester; waits for the return visit."),
    State("evaluated", _("Evaluated"), "The requester rated the handling (five levels)."),
    State(
        "closed",
        _("Closed"),
        "Done (办结), including consultations answered on the spot.",
        final=True,
    ),
    State(
        "redirected",
        _("Redirected"),
        "Not a 12345 matter: sent to 110/119/120/122, a court, petitions …",
        final=True,
    ),
    State("merged", _("Merged"), "A duplicate, merged into another case (并单).", final=True),
)

# Every state a case can still change in.
OPEN = tuple(s.key for s in STATES if not s.final)

CLOCKS = (
    ClockSpec("dispatch", _("Dispatch"), 2, "working_hours", HOTLINE),
    ClockSpec("objection", _("Objection period"), 1, "working_days", HOTLINE, window=True),
    ClockSpec("handle", _("Handling"), 7, "working_days", HOTLINE),
    # The dispatch centre decides an objection promptly: the handling clock waits for it.
    ClockSpec("review", _("Objection review"), 4, "working_hours", HOTLINE),
)

TRANSITIONS = (
    Transition(
        "answer",
        _("Answer on the spot"),
        ("received",),
        "closed",
        (D,),
        note_required=True,
        stops=("dispatch",),
        tells=(Audience.REQUESTER,),
    ),
    Transition(
        "redirect",
        _("Redirect out of 12345"),
        ("received",),
        "redirected",
        (D,),
        note_required=True,
        stops=("dispatch",),
        style="secondary",
        tells=(Audience.REQUESTER,),
    ),
    Transition(
        "dispatch",
        _("Dispatch"),
        ("received",),
        "dispatched",
        (D,),
        needs=("body",),
        stops=("dispatch",),
        starts=("objection", "handle"),
        tells=(Audience.BODY,),
        bulk=True,
    ),
    Transition(
        "object",
        _("Object to the dispatch"),
        ("dispatched",),
        "objected",
        (H,),
        note_required=True,
        # Only within the objection period; the handling clock waits while the dispatch
        # centre reviews the objection.
        within="objection",
        stops=("objection",),
        pauses=("handle",),
        starts=("review",),
        style="warning",
        tells=(Audience.DISPATCH_CENTRE,),
    ),
    Transition(
        "uphold_objection",
        _("Uphold the objection and re-dispatch"),
        ("objected",),
        "dispatched",
        (D,),
        needs=("body",),
        note_required=True,
        # The new body gets its own objection period and a fresh handling clock.
        stops=("review",),
        starts=("objection", "handle"),
        style="warning",
        tells=(Audience.BODY,),
    ),
    Transition(
        "reject_objection",
        _("Reject the objection"),
        ("objected",),
        "accepted",
        (D,),
        note_required=True,
        stops=("review",),
        resumes=("handle",),
    ),
    Transition(
        "accept", _("Accept"), ("dispatched",), "accepted", (H,), stops=("objection",), bulk=True
    ),
    Transition("start", _("Start handling"), ("accepted",), "in_progress", (H,), bulk=True),
    Transition(
        "suspend",
        _("Suspend (缓办)"),
        ("accepted", "in_progress"),
        "suspended",
        (D, S),
        note_required=True,
        pauses=("handle",),
        style="secondary",
    ),
    Transition("resume", _("Resume"), ("suspended",), "in_progress", (D, S), resumes=("handle",)),
    Transition(
        "redispatch",
        _("Re-dispatch (改派)"),
        ("dispatched", "accepted", "in_progress", "suspended"),
        "dispatched",
        (D,),
        needs=("body",),
        note_required=True,
        # The new body gets its own objection period and a fresh handling clock.
        starts=("objection", "handle"),
        style="warning",
        tells=(Audience.BODY,),
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
    *extension_steps(("accepted", "in_progress")),
    Transition(
        "reply",
        _("Reply to the requester"),
        ("accepted", "in_progress"),
        "replied",
        (H,),
        note_required=True,
        stops=("handle",),
        tells=(Audience.REQUESTER,),
    ),
    Transition(
        "return_visit",
        _("Record the return visit"),
        ("replied",),
        "evaluated",
        (D,),
        needs=("satisfaction",),
    ),
    Transition(
        "evaluate", _("Rate the handling"), ("replied",), "evaluated", (R,), needs=("satisfaction",)
    ),
    Transition(
        "reopen",
        _("Send back for rework (返工)"),
        ("evaluated",),
        "in_progress",
        (S,),
        note_required=True,
        starts=("handle",),
        rework=True,
        only_if_dissatisfied=True,
        style="danger",
        tells=(Audience.BODY,),
    ),
    Transition(
        "close",
        _("Close"),
        ("evaluated",),
        "closed",
        (D, S),
        tells=(Audience.REQUESTER,),
        bulk=True,
    ),
    Transition(
        "merge",
        _("Merge into another case (并单)"),
        ("received", "dispatched"),
        "merged",
        (D,),
        needs=("case",),
        note_required=True,
        cancels=("dispatch", "objection", "handle"),
        style="secondary",
        tells=(Audience.REQUESTER,),
    ),
)

PROCEDURE = register(
    Procedure(
        key="service_request",
        label=_("Service request (12345)"),
        states=STATES,
        initial="received",
        transitions=TRANSITIONS,
        clocks=CLOCKS,
        starts_on_create=("dispatch",),
        legal_basis=HOTLINE,
        number_prefix="SR",
    )
)
