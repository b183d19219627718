"""People's mediation (人民调解) as a procedure of the case engine, under the People's
Mediation Law 2010 (《中华人民共和国人民调解法》, checked against its full text):

申请/登记 (Art. 17) → 受理, mediators named (Art. 19) → sessions → a written agreement
signed (Arts. 28–29) or an oral one recorded (Arts. 28, 30) → follow-up of its
performance (Art. 31) → closed; or mediation ends without agreement and the parties are
told of the other remedies (Art. 26); or it is not taken up (a party refuses, Art. 17).

Clocks: the mediation period (30 days unless the parties agree on a longer one, which is
recorded as an extension the handling body applies), the judicial-confirmation window
(30 days from the day a written agreement takes effect, Art. 33) and the follow-up
visit. The dispute's own facts — GB/T 31000 fields, parties, committee, sessions, the
agreement — live in this app's models (``models/mediation.py``).
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

D, H, S, C = Party.DISPATCHER, Party.HANDLER, Party.SUPERVISOR, Party.COMMUNITY
LAW = "《中华人民共和国人民调解法》"
# The app that creates mediation cases and takes their steps (``Procedure.owner``).
OWNER = "disputes"
# The national law sets no mediation period. 司法部《人民调解工作若干规定》(2002) Art. 33:
# "一般在一个月内调结"; 30 days is this default, configurable in the time-limit table. A
# longer period agreed by the parties is local practice (e.g. Shanghai's 30 working days
# "可以约定延长"); no Shenzhen article setting a period was found.
PERIOD_BASIS = (
    "司法部《人民调解工作若干规定》（2002）第三十三条：一般在一个月内调结"
    "（默认30日，可配置）；当事人约定延长为本地做法"
)
CONFIRMATION_BASIS = "《中华人民共和国人民调解法》第三十三条"
FOLLOW_UP_BASIS = "《中华人民共和国人民调解法》第三十一条（回访时限为本地实践，可配置）"

STATES = (
    State(
        "applied",
        _("Applied for mediation"),
        "Registered from a party's application, a referral or a screening finding "
        "(Art. 17); the committee decides whether to mediate.",
    ),
    State(
        "mediating",
        _("Mediating"),
        "Taken up by a committee with its mediators named (Art. 19); the mediation period runs.",
    ),
    State(
        "agreed",
        _("Agreement reached"),
        "A written agreement signed (Art. 29) or an oral one recorded (Arts. 28, 30); "
        "its performance is followed up (Art. 31).",
    ),
    State(
        "closed",
        _("Closed"),
        "The follow-up visit recorded how the agreement is performed.",
        final=True,
    ),
    State(
        "ended",
        _("Ended without agreement"),
        "Mediation failed or a party asked to end it; the parties were told of the other "
        "remedies (Art. 26).",
        final=True,
    ),
    State(
        "declined",
        _("Not mediated"),
        "Not taken up: a party refused mediation (Art. 17), or the matter is not one for "
        "people's mediation.",
        final=True,
    ),
)

CLOCKS = (
    ClockSpec("mediation", _("Mediation period"), 30, "calendar_days", PERIOD_BASIS),
    # A window: the parties' right, which closes when it runs out; nobody is late.
    ClockSpec(
        "confirmation",
        _("Judicial confirmation window"),
        30,
        "calendar_days",
        CONFIRMATION_BASIS,
        statutory=True,
        window=True,
    ),
    ClockSpec("follow_up", _("Follow-up visit"), 30, "calendar_days", FOLLOW_UP_BASIS),
)

TRANSITIONS = (
    Transition(
        "accept_mediation",
        _("Take up for mediation"),
        ("applied",),
        "mediating",
        (D, C),
        needs=("body",),
        starts=("mediation",),
        tells=(Audience.BODY, Audience.REQUESTER),
        legal_basis=f"{LAW}第十七条、第十九条",
    ),
    Transition(
        "decline_mediation",
        _("Do not mediate"),
        ("applied",),
        "declined",
        (D, C),
        note_required=True,
        tells=(Audience.REQUESTER,),
        style="secondary",
        legal_basis=f"{LAW}第十七条",
    ),
    # A longer period the parties agreed on: recorded by the handling body with the
    # parties' agreement (the engine's extension request) and applied by it at once.
    Transition(
        "record_agreed_period",
        _("Record the parties' agreement to a longer period"),
        ("mediating",),
        None,
        (H,),
        needs=("extension",),
        note_required=True,
        extension_step="request",
        style="secondary",
    ),
    Transition(
        "apply_agreed_period",
        _("Apply the period the parties agreed on"),
        ("mediating",),
        None,
        (H,),
        needs=("extension",),
        note_required=True,
        extension_step="approve",
        style="secondary",
    ),
    Transition(
        "agree_written",
        _("Written agreement signed"),
        ("mediating",),
        "agreed",
        (H,),
        stops=("mediation",),
        starts=("confirmation", "follow_up"),
        tells=(Audience.REQUESTER,),
        legal_basis=f"{LAW}第二十八条、第二十九条",
    ),
    Transition(
        "agree_oral",
        _("Oral agreement recorded"),
        ("mediating",),
        "agreed",
        (H,),
        stops=("mediation",),
        starts=("follow_up",),
        tells=(Audience.REQUESTER,),
        legal_basis=f"{LAW}第二十八条、第三十条",
    ),
    Transition(
        "end_mediation",
        _("End without agreement"),
        ("mediating",),
        "ended",
        (H,),
        note_required=True,
        stops=("mediation",),
        tells=(Audience.REQUESTER,),
        style="danger",
        legal_basis=f"{LAW}第二十六条",
    ),
    Transition(
        "follow_up",
        _("Record the follow-up visit"),
        ("agreed",),
        "closed",
        (H, C),
        note_required=True,
        stops=("follow_up",),
        tells=(Audience.REQUESTER,),
        legal_basis=f"{LAW}第三十一条",
    ),
)

PROCEDURE = register(
    Procedure(
        key="mediation",
        label=_("People's mediation (人民调解)"),
        states=STATES,
        initial="applied",
        transitions=TRANSITIONS,
        clocks=CLOCKS,
        legal_basis=LAW,
        number_prefix="MD",
        extended_clock="mediation",
        owner=OWNER,
        own_page="disputes:dispute",
    )
)

# Labels of this app's own audit events, for the audit log and the case timeline.
EVENT_LABELS = {
    "dispute.register": _("Dispute registered for mediation"),
    "dispute.session": _("Mediation session recorded"),
    "dispute.agreement_draft": _("Agreement terms written"),
    "dispute.confirmation_request": _("Request for judicial confirmation recorded"),
    "dispute.confirmation_reminder": _("Judicial confirmation reminder sent"),
    "committee.save": _("Mediation committee saved"),
    "risk.report": _("Risk reported"),
    "risk.close": _("Risk report closed"),
    "screening.campaign": _("Screening campaign started"),
    "screening.close": _("Screening campaign closed"),
    "screening.submit": _("Screening checklist filled"),
    "screening.finding": _("Screening finding turned into a case"),
    "warning.acknowledge": _("Early warning acknowledged"),
}
