"""The delegated-enforcement procedure (行政处罚法 2021), written as data for the engine:
clue → assign to the street's team → file (立案) → investigate → notice of the intended
penalty (事先告知) → [hearing] → decide (after the legal review where it is required) →
serve → execute → closed; or not filed, not penalised (首违不罚 and other grounds), or
an on-the-spot penalty (简易程序).

Periods of 2, 3, 5 and 7 days in the law are working days (Art. 85); its 15 and 90 days
are calendar days. Every limit the law sets is statutory: a jurisdiction may configure a
stricter one in the time-limit table, never a looser one.
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

D, H, S = Party.DISPATCHER, Party.HANDLER, Party.SUPERVISOR
LAW = "《行政处罚法》"


def art(number: str) -> str:
    return f"{LAW}第{number}条"


ART_24 = art("二十四")
ART_33 = art("三十三")
ART_39 = art("三十九")
ART_41 = art("四十一")
ART_42 = art("四十二")
ART_44_45 = f"{LAW}第四十四条、第四十五条"
ART_47 = art("四十七")
ART_48 = art("四十八")
ART_51 = art("五十一")
ART_54 = art("五十四")
ART_57 = art("五十七")
ART_58 = art("五十八")
ART_60 = art("六十")
ART_61 = art("六十一")
ART_63 = art("六十三")
ART_64_1 = f"{LAW}第六十四条第（一）项"
ART_64_2 = f"{LAW}第六十四条第（二）项"
ART_67 = art("六十七")
ART_72 = art("七十二")
ART_85 = art("八十五")
PIPL = "《个人信息保护法》"
STATE_COUNCIL_118 = "国办发〔2018〕118号"

KEY = "enforcement"
OWNER = "enforcement"
GATE = "enforcement_legal_review"

STATES = (
    State(
        "received",
        _("Clue received (线索)"),
        "A clue (12345 case, patrol, camera, report): the dispatch centre sends it to the "
        "street's enforcement team.",
    ),
    State(
        "assigned",
        _("With the enforcement team"),
        "The team checks the filing standard: files, does not file, or penalises on the spot.",
    ),
    State(
        "filed",
        _("Filed, under investigation (立案·调查取证)"),
        "Filed; evidence is gathered by at least two certified officers (Art. 42). The "
        "decision is due within 90 days of filing (Art. 60).",
    ),
    State(
        "investigated",
        _("Investigation concluded"),
        "The evidence is complete; the party is to be told of the intended penalty.",
    ),
    State(
        "notified",
        _("Party notified (已事先告知)"),
        "The party was told the intended penalty, its facts, reasons and basis, and their "
        "right to state, defend and, where the penalty allows, ask for a hearing within "
        "5 working days (Arts. 44, 45, 64).",
    ),
    State(
        "hearing_requested",
        _("Hearing requested (申请听证)"),
        "The party asked for a hearing; it is notified at least 7 working days ahead.",
    ),
    State("heard", _("Heard (已听证)"), "The hearing was held and recorded."),
    State(
        "decided",
        _("Decided (已决定)"),
        "The penalty decision was made; it is served within 7 working days (Art. 61).",
    ),
    State(
        "served",
        _("Served (已送达)"),
        "The decision was served; a fine is paid within 15 days (Art. 67).",
    ),
    State("closed", _("Closed (结案)"), "Executed and closed.", final=True),
    State(
        "not_filed",
        _("Not filed (不予立案)"),
        "The filing standard is not met; the reason is recorded.",
        final=True,
    ),
    State(
        "not_penalised",
        _("Not penalised (不予处罚)"),
        "No penalty: a first minor violation promptly corrected (Art. 33) or another "
        "ground the law gives; the reason is recorded.",
        final=True,
    ),
)

CLOCKS = (
    ClockSpec(
        "decide",
        _("Decision (90 days from filing)"),
        90,
        "calendar_days",
        f"{ART_60}：行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定",
        statutory=True,
    ),
    ClockSpec(
        "hearing_request",
        _("Hearing request period"),
        5,
        "working_days",
        f"{ART_64_1}：当事人要求听证的，应当在行政机关告知后五日内提出（{ART_85}：工作日）",
        statutory=True,
        window=True,
    ),
    ClockSpec(
        "service",
        _("Service of the decision"),
        7,
        "working_days",
        f"{ART_61}：行政机关应当在七日内依照民事诉讼法的有关规定送达（{ART_85}：工作日）",
        statutory=True,
    ),
    ClockSpec(
        "payment",
        _("Payment of the fine"),
        15,
        "calendar_days",
        f"{ART_67}：当事人应当自收到行政处罚决定书之日起十五日内缴纳罚款",
        statutory=True,
    ),
)

TRANSITIONS = (
    Transition(
        "assign",
        _("Send to the enforcement team"),
        ("received",),
        "assigned",
        (D, S),
        needs=("body",),
        tells=(Audience.BODY,),
        legal_basis=ART_24,
    ),
    Transition(
        "not_file",
        _("Do not file (不予立案)"),
        ("assigned",),
        "not_filed",
        (H,),
        note_required=True,
        tells=(Audience.REQUESTER,),
        legal_basis=ART_54,
        style="secondary",
    ),
    Transition(
        "file",
        _("File the case (立案)"),
        ("assigned",),
        "filed",
        (H,),
        starts=("decide",),
        legal_basis=ART_54,
    ),
    Transition(
        "on_the_spot",
        _("Penalise on the spot (当场处罚)"),
        ("assigned",),
        "served",
        (H,),
        starts=("payment",),
        legal_basis=ART_51,
        style="secondary",
    ),
    Transition(
        "conclude_investigation",
        _("Conclude the investigation"),
        ("filed",),
        "investigated",
        (H,),
        legal_basis=ART_42,
    ),
    Transition(
        "no_penalty",
        _("Do not penalise (不予处罚)"),
        ("filed", "investigated", "notified", "heard"),
        "not_penalised",
        (H,),
        note_required=True,
        stops=("decide",),
        cancels=("hearing_request",),
        tells=(Audience.REQUESTER,),
        legal_basis=ART_33,
        style="secondary",
    ),
    Transition(
        "notify",
        _("Notify the intended penalty (事先告知)"),
        ("investigated",),
        "notified",
        (H,),
        starts=("hearing_request",),
        legal_basis=ART_44_45,
    ),
    Transition(
        "request_hearing",
        _("Record the request for a hearing (听证申请)"),
        ("notified",),
        "hearing_requested",
        (H,),
        within="hearing_request",
        stops=("hearing_request",),
        legal_basis=ART_64_1,
        style="warning",
    ),
    Transition(
        "hold_hearing",
        _("Record the hearing (听证笔录)"),
        ("hearing_requested",),
        "heard",
        (H,),
        legal_basis=ART_64_2,
    ),
    Transition(
        "decide",
        _("Decide the penalty (作出处罚决定)"),
        ("notified", "heard"),
        "decided",
        (H,),
        stops=("decide",),
        cancels=("hearing_request",),
        starts=("service",),
        gates=(GATE,),
        legal_basis=f"{ART_57}、{ART_58}、{ART_60}",
    ),
    Transition(
        "serve",
        _("Serve the decision (送达)"),
        ("decided",),
        "served",
        (H,),
        stops=("service",),
        starts=("payment",),
        legal_basis=ART_61,
    ),
    Transition(
        "execute",
        _("Record the execution and close (执行·结案)"),
        ("served",),
        "closed",
        (H,),
        stops=("payment",),
        tells=(Audience.REQUESTER,),
        legal_basis=f"{ART_67}、{ART_72}",
    ),
)


def _record_allows(user, case, what: str) -> bool:
    """Whether ``user`` reads (or works on) ``case`` by the rules of this app
    (``access.reads``, ``access.works_on``), wherever the engine's case is reached."""
    from shanzhi.enforcement import access
    from shanzhi.enforcement.models import EnforcementCase

    ecase = EnforcementCase.objects.filter(case=case).select_related("street", "matter").first()
    if ecase is None:
        return False
    if what == "reads":
        return access.reads(user, ecase)
    return access.works_on(user, ecase.street)


PROCEDURE = register(
    Procedure(
        key=KEY,
        label=_("Delegated enforcement (赋权执法)"),
        states=STATES,
        initial="received",
        transitions=TRANSITIONS,
        clocks=CLOCKS,
        legal_basis=LAW,
        number_prefix="ZF",
        owner=OWNER,
        own_page="enforcement:case",
        readers=lambda user, case: _record_allows(user, case, "reads"),
        actors=lambda user, case: _record_allows(user, case, "works"),
    )
)
