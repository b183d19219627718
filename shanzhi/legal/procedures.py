"""The legal review procedure (法制审核 / 合法性审查) written as data for the case engine.

A review request is a case of its own: requested → assigned to a reviewer → the
reviewer's opinion ends it as passed, passed with changes, or not passed. Its clock is
the review period given to the reviewer, 7 working days by default: "送请合法性审查，应当
保证必要的审查时间，一般不少于7个工作日" (《重大行政决策程序暂行条例》第二十六条). The period
is a minimum the sender owes the reviewer, not a ceiling: a jurisdiction may give more
in the time-limit table, and for major administrative decisions never less (checked when
a review is requested, ``actions.review_period_problem``), so the clock is not
``statutory`` (that marks ceilings).

The reviewer's steps are taken by a legal adviser whose area covers the request
(``Party.LEGAL_ADVISER``); the engine creates and moves these cases only for this app.
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

KEY = "legal_review"
OWNER = "legal"
PENALTY_ART_58 = "《行政处罚法》第五十八条"
DECISION_REGULATION = "《重大行政决策程序暂行条例》"
DECISION_ART_15 = f"{DECISION_REGULATION}第十五条"
DECISION_ART_25_26 = f"{DECISION_REGULATION}第二十五条、第二十六条"
DECISION_ART_26 = f"{DECISION_REGULATION}第二十六条"
NORMATIVE_DOCUMENTS = (
    "《国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见》（国办发〔2018〕115号）"
)
# The review period in working days the sender owes the reviewer (Art. 26).
MIN_REVIEW_DAYS = 7
# The least public consultation period of a major decision, in days (Art. 15).
MIN_CONSULTATION_DAYS = 30

# A legal adviser whose area covers the request; the supervisor (a leader over the area)
# may also give the request to a reviewer.
LEGAL = Party.LEGAL_ADVISER
REVIEWERS = (LEGAL,)
ASSIGNERS = (*REVIEWERS, Party.SUPERVISOR)

STATES = (
    State(
        "requested",
        _("Review requested (送审)"),
        "A draft version was sent for legal review; it waits for a reviewer.",
    ),
    State(
        "assigned",
        _("With the reviewer (审核中)"),
        "A legal adviser reviews the draft version within the review period.",
    ),
    State(
        "passed",
        _("Passed (通过)"),
        "The reviewed version may be decided or issued.",
        final=True,
    ),
    State(
        "passed_with_changes",
        _("Passed after changes (修改后通过)"),
        "The opinion states the changes required; the changed version needs the "
        "reviewer's confirmation (a pass on that version) before it may be decided.",
        final=True,
    ),
    State(
        "failed",
        _("Not passed (不予通过)"),
        "The reviewed version may not be decided or issued.",
        final=True,
    ),
)

CLOCKS = (
    ClockSpec(
        "review",
        _("Legal review period"),
        MIN_REVIEW_DAYS,
        "working_days",
        f"{DECISION_ART_26}：送请合法性审查，应当保证必要的审查时间，一般不少于7个工作日",
    ),
)

OPINION_STEPS = {
    "pass": "give_pass",
    "pass_with_changes": "give_pass_with_changes",
    "fail": "give_fail",
}

TRANSITIONS = (
    Transition(
        "assign_reviewer",
        _("Give to a reviewer"),
        ("requested",),
        "assigned",
        ASSIGNERS,
        legal_basis=PENALTY_ART_58,
    ),
    Transition(
        "give_pass",
        _("Opinion: passed (通过)"),
        ("assigned",),
        "passed",
        REVIEWERS,
        note_required=True,
        stops=("review",),
        tells=(Audience.REQUESTER,),  # the one who asked is told the outcome
        legal_basis=DECISION_ART_26,
        style="success",
    ),
    Transition(
        "give_pass_with_changes",
        _("Opinion: passed after changes (修改后通过)"),
        ("assigned",),
        "passed_with_changes",
        REVIEWERS,
        note_required=True,
        stops=("review",),
        tells=(Audience.REQUESTER,),  # the one who asked is told the outcome
        legal_basis=DECISION_ART_26,
        style="warning",
    ),
    Transition(
        "give_fail",
        _("Opinion: not passed (不予通过)"),
        ("assigned",),
        "failed",
        REVIEWERS,
        note_required=True,
        stops=("review",),
        tells=(Audience.REQUESTER,),  # the one who asked is told the outcome
        legal_basis=DECISION_ART_26,
        style="danger",
    ),
)

PROCEDURE = register(
    Procedure(
        key=KEY,
        label=_("Legal review (法制审核)"),
        states=STATES,
        initial="requested",
        transitions=TRANSITIONS,
        clocks=CLOCKS,
        starts_on_create=("review",),
        legal_basis=PENALTY_ART_58,
        number_prefix="FS",
        owner=OWNER,
        own_page="legal:detail",
    )
)
