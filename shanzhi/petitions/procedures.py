"""The petition procedures of 信访工作条例 (2022), written as data for the case engine:
the petition itself (register → transfer or assign → accept or object → handle → answer
with an opinion → close, or end as not accepted, separated to the judicial channel or
routed to another legal procedure), the review (复查, Art. 35) and the re-review (复核,
Art. 36), each a case of its own.

Periods in 日 are calendar days and periods in 工作日 working days, as the regulation
writes them (民法典 Arts. 201–203 count both: docs/petitions.md). Every limit the
regulation sets is statutory: a jurisdiction may configure a stricter one in the
time-limit table, never a looser one.

States are named like those of the other procedures where they wait for the same step,
and only there (``registered``, ``received`` and ``objected`` for the dispatch centre,
``dispatched`` for the body to accept, ``in_progress`` for its answer): the staff work
queues are defined by state names across procedures, so they hold petitions too, and a
state name never brings another procedure's cases into the wrong queue.
"""

from django.utils.translation import gettext_lazy as _

from shanzhi.cases.procedure import (
    Audience,
    ClockSpec,
    Party,
    Procedure,
    State,
    Transition,
    register,
)

D, H, S, R = Party.DISPATCHER, Party.HANDLER, Party.SUPERVISOR, Party.REQUESTER
REGULATION = "《信访工作条例》"
ART_19 = f"{REGULATION}第十九条"
ART_20 = f"{REGULATION}第二十条"
ART_22 = f"{REGULATION}第二十二条"
ART_23 = f"{REGULATION}第二十三条"
ART_28 = f"{REGULATION}第二十八条"
ART_30_46 = f"{REGULATION}第三十条、第四十六条"
ART_31 = f"{REGULATION}第三十一条"
ART_32 = f"{REGULATION}第三十二条"
ART_34 = f"{REGULATION}第三十四条"
ART_35 = f"{REGULATION}第三十五条"
ART_36 = f"{REGULATION}第三十六条"

PETITION = "petition"
# The app that creates these cases and takes their steps (``Procedure.owner``).
OWNER = "petitions"
REVIEW = "petition_review"
REREVIEW = "petition_rereview"
KEYS = (PETITION, REVIEW, REREVIEW)
# The most an extension of the handling period may add, in calendar days (Art. 34).
MAX_EXTENSION_DAYS = 30

STATES = (
    State(
        "registered",
        _("Registered (登记)"),
        "Registered by the petition office; it transfers or assigns it within 15 days.",
    ),
    State(
        "dispatched",
        _("Transferred (转送/交办)"),
        "With the body it was sent to: it accepts and tells the petitioner in writing "
        "within 15 days, or objects within 5 working days that it is not competent.",
    ),
    State(
        "objected",
        _("Objection raised (异议)"),
        "The body says it is not competent; the petition office verifies.",
    ),
    State(
        "in_progress",
        _("Accepted, being handled (受理·办理)"),
        "Accepted with a notice; to be handled within 60 days (plus at most 30).",
    ),
    State(
        "replied",
        _("Answered (已答复)"),
        "The written opinion was served; the petitioner may ask for a review (复查) "
        "within 30 days of receiving it.",
    ),
    State("evaluated", _("Evaluated (已评价)"), "The petitioner rated the handling."),
    State("closed", _("Closed (办结)"), "Done.", final=True),
    State(
        "not_accepted",
        _("Not accepted (不予受理)"),
        "Not for this organ, or the same matter is already handled or finally reviewed: "
        "the petitioner was told the reason and the competent channel.",
        final=True,
    ),
    State(
        "separated",
        _("To the judicial channel (诉访分离)"),
        "A matter of litigation rights: separated to the political-legal organs (Art. 28).",
        final=True,
    ),
    State(
        "routed",
        _("To another legal procedure (导入法定途径)"),
        "A claim with its own legal procedure (arbitration, reconsideration …): routed to "
        "it, with the reason told (Art. 31).",
        final=True,
    ),
)

CLOCKS = (
    ClockSpec(
        "transfer",
        _("Transfer or assignment"),
        15,
        "calendar_days",
        f"{ART_22}：收到信访事项，应当予以登记，并在15日内转送、交办",
        statutory=True,
    ),
    ClockSpec(
        "notice",
        _("Written notice of acceptance"),
        15,
        "calendar_days",
        f"{ART_23}：自收到之日起15日内书面告知信访人",
        statutory=True,
    ),
    ClockSpec(
        "objection",
        _("Objection period"),
        5,
        "working_days",
        f"{ART_23}：不属于职权范围的，自收到之日起5个工作日内提出异议",
        statutory=True,
        window=True,
    ),
    ClockSpec(
        "handle",
        _("Handling"),
        60,
        "calendar_days",
        f"{ART_34}：自受理之日起60日内办结",
        statutory=True,
    ),
)

_SEND = dict(
    needs=("body",),
    stops=("transfer",),
    starts=("notice", "objection"),
    tells=(Audience.BODY, Audience.REQUESTER),
    legal_basis=ART_22,
)

TRANSITIONS = (
    Transition("dispatch", _("Transfer (转送)"), ("registered",), "dispatched", (D,), **_SEND),
    Transition(
        "assign",
        _("Assign, result to be reported (交办)"),
        ("registered",),
        "dispatched",
        (D,),
        note_required=True,
        **_SEND,
    ),
    Transition(
        "not_accept",
        _("Do not accept (不予受理)"),
        ("registered", "objected"),
        "not_accepted",
        (D,),
        note_required=True,
        stops=("transfer", "notice"),
        tells=(Audience.REQUESTER,),
        legal_basis=ART_23,
        style="secondary",
    ),
    Transition(
        "separate",
        _("Separate to the judicial channel (诉访分离)"),
        ("registered", "dispatched", "in_progress"),
        "separated",
        (D, H),
        note_required=True,
        stops=("transfer", "notice", "handle"),
        cancels=("objection",),
        tells=(Audience.REQUESTER,),
        legal_basis=ART_28,
        style="secondary",
    ),
    Transition(
        "object",
        _("Object: not competent (异议)"),
        ("dispatched",),
        "objected",
        (H,),
        note_required=True,
        within="objection",
        stops=("objection",),
        pauses=("notice",),
        tells=(Audience.DISPATCH_CENTRE,),
        legal_basis=ART_23,
        style="warning",
    ),
    Transition(
        "uphold_objection",
        _("Uphold the objection and transfer again"),
        ("objected",),
        "dispatched",
        (D,),
        needs=("body",),
        note_required=True,
        starts=("notice", "objection"),
        tells=(Audience.BODY, Audience.REQUESTER),
        legal_basis=ART_23,
        style="warning",
    ),
    Transition(
        "reject_objection",
        _("Reject the objection"),
        ("objected",),
        "dispatched",
        (D,),
        note_required=True,
        resumes=("notice",),
        legal_basis=ART_23,
    ),
    Transition(
        "accept",
        _("Accept (受理)"),
        ("dispatched",),
        "in_progress",
        (H,),
        stops=("notice", "objection"),
        starts=("handle",),
        tells=(Audience.REQUESTER,),
        legal_basis=ART_23,
    ),
    # Extension (Art. 34): the body asks, the leader approves (负责人批准) or refuses.
    Transition(
        "request_extension",
        _("Ask for an extension (延期申请)"),
        ("in_progress",),
        None,
        (H,),
        needs=("extension",),
        note_required=True,
        extension_step="request",
        legal_basis=ART_34,
        style="secondary",
    ),
    Transition(
        "extend",
        _("Approve the extension (负责人批准延期)"),
        ("in_progress",),
        None,
        (S,),
        needs=("extension",),
        note_required=True,
        extension_step="approve",
        tells=(Audience.REQUESTER,),
        legal_basis=ART_34,
        style="secondary",
    ),
    Transition(
        "reject_extension",
        _("Refuse the extension"),
        ("in_progress",),
        None,
        (S,),
        note_required=True,
        extension_step="reject",
        legal_basis=ART_34,
        style="secondary",
    ),
    Transition(
        "route",
        _("Route to another legal procedure (导入法定途径)"),
        ("in_progress",),
        "routed",
        (H,),
        note_required=True,
        stops=("handle",),
        tells=(Audience.REQUESTER,),
        legal_basis=ART_31,
        style="secondary",
    ),
    Transition(
        "reply",
        _("Answer with a written opinion (出具意见书)"),
        ("in_progress",),
        "replied",
        (H,),
        note_required=True,
        stops=("handle",),
        tells=(Audience.REQUESTER, Audience.DISPATCH_CENTRE),
        legal_basis=ART_32,
    ),
    Transition(
        "evaluate",
        _("Rate the handling (评价)"),
        ("replied",),
        "evaluated",
        (R,),
        needs=("satisfaction",),
        legal_basis=f"{REGULATION}第二十一条",
    ),
    Transition(
        "close",
        _("Close (办结)"),
        ("replied", "evaluated"),
        "closed",
        (D,),
        tells=(Audience.REQUESTER,),
    ),
)

PETITION_PROCEDURE = register(
    Procedure(
        key=PETITION,
        label=_("Petition (信访)"),
        states=STATES,
        initial="registered",
        transitions=TRANSITIONS,
        clocks=CLOCKS,
        starts_on_create=("transfer",),
        legal_basis=REGULATION,
        number_prefix="XF",
        extended_clock="handle",
        owner=OWNER,
        own_page="petitions:detail",
        # The petitioner's rating needs no record of this app's: from the tracking page
        # or the link in a text message too.
        generic_actions=("evaluate",),
    )
)


def _review(key: str, label, article: str, prefix: str, *, hearing: bool) -> Procedure:
    """A review (复查) or re-review (复核): the petition office sends the request to the
    organ one level above the one that answered, which gives its opinion within 30 days
    of receiving the request; for a re-review, the time of a hearing is not counted."""
    states = [
        State(
            "received",
            _("Request received"),
            "The office sends it to the organ one level above the one that answered.",
        ),
        State(
            "in_progress",
            _("With the reviewing organ"),
            "It gives its opinion in writing within 30 days of receiving the request.",
        ),
        State("replied", _("Opinion given"), "The written opinion was served."),
        State("evaluated", _("Evaluated (已评价)"), "The petitioner rated the handling."),
        State("closed", _("Closed (办结)"), "Done.", final=True),
    ]
    transitions = [
        Transition(
            "dispatch",
            _("Send to the reviewing organ"),
            ("received",),
            "in_progress",
            (D,),
            needs=("body",),
            tells=(Audience.BODY, Audience.REQUESTER),
            legal_basis=article,
        ),
        Transition(
            "reply",
            _("Give the written opinion"),
            ("in_progress",),
            "replied",
            (H,),
            note_required=True,
            stops=("decide",),
            tells=(Audience.REQUESTER, Audience.DISPATCH_CENTRE),
            legal_basis=article,
        ),
        Transition(
            "evaluate",
            _("Rate the handling (评价)"),
            ("replied",),
            "evaluated",
            (R,),
            needs=("satisfaction",),
        ),
        Transition(
            "close",
            _("Close (办结)"),
            ("replied", "evaluated"),
            "closed",
            (D,),
            tells=(Audience.REQUESTER,),
        ),
    ]
    if hearing:
        states.insert(
            2,
            State(
                "hearing",
                _("Hearing (听证)"),
                "A hearing is held; its time is not counted in the 30 days (Art. 36).",
            ),
        )
        transitions += [
            Transition(
                "hold_hearing",
                _("Hold a hearing (听证)"),
                ("in_progress",),
                "hearing",
                (H,),
                note_required=True,
                pauses=("decide",),
                legal_basis=article,
                style="secondary",
            ),
            Transition(
                "end_hearing",
                _("Hearing over: continue"),
                ("hearing",),
                "in_progress",
                (H,),
                resumes=("decide",),
                legal_basis=article,
            ),
        ]
    clock = ClockSpec(
        "decide",
        _("Opinion"),
        30,
        "calendar_days",
        f"{article}：自收到请求之日起30日内提出意见",
        statutory=True,
    )
    return register(
        Procedure(
            key=key,
            label=label,
            states=tuple(states),
            initial="received",
            transitions=tuple(transitions),
            clocks=(clock,),
            starts_on_create=("decide",),
            legal_basis=article,
            number_prefix=prefix,
            extended_clock="decide",
            owner=OWNER,
            own_page="petitions:detail",
            generic_actions=("evaluate",),
        )
    )


REVIEW_PROCEDURE = _review(REVIEW, _("Petition review (复查)"), ART_35, "FC", hearing=False)
REREVIEW_PROCEDURE = _review(REREVIEW, _("Petition re-review (复核)"), ART_36, "FH", hearing=True)
