"""The printable documents of an enforcement case, generated as pages from its records:
立案审批表, 行政处罚事先告知书, 听证通知书, 行政处罚决定书, 送达回证."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.enforcement import procedures as p
from shanzhi.enforcement.models import PartyKind, PenaltyKind, StepKind
from shanzhi.enforcement.rules import mask_name

KINDS = {
    "filing": gettext_lazy("Filing approval form (立案审批表)"),
    "notice": gettext_lazy("Notice of the intended penalty (行政处罚事先告知书)"),
    "hearing": gettext_lazy("Hearing notice (听证通知书)"),
    "decision": gettext_lazy("Penalty decision (行政处罚决定书)"),
    "service": gettext_lazy("Proof of service (送达回证)"),
}


def _ready(ecase, kind: str) -> bool:
    if kind == "filing":
        return ecase.filed_at is not None
    if kind == "notice":
        return ecase.steps.filter(kind=StepKind.NOTICE).exists()
    if kind == "hearing":
        return ecase.hearing_at is not None
    return ecase.decided_at is not None


def available(ecase) -> list[tuple[str, str]]:
    return [(k, label) for k, label in KINDS.items() if _ready(ecase, k)]


def _day(moment) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else "—"


def _penalty(ecase) -> str:
    kinds = "、".join(str(PenaltyKind(k).label) for k in ecase.penalty_kinds)
    if ecase.fine:
        kinds += _("; fine %(fine)s yuan") % {"fine": ecase.fine}
    return kinds or "—"


def remedies() -> str:
    return _(
        "If you do not accept this decision, you may apply for administrative "
        "reconsideration (行政复议) within 60 days of receiving it, or bring an "
        "administrative lawsuit (行政诉讼) within 6 months."
    )


def build(ecase, kind: str, *, full: bool = True) -> dict | None:
    """The document ``kind`` of the case; with ``full=False`` (for those who only read
    the case) an individual's name is masked and no ID number is shown."""
    if kind not in KINDS or not _ready(ecase, kind):
        return None
    case = ecase.case
    individual = ecase.party_kind == PartyKind.INDIVIDUAL
    shown_id = ecase.party_id if full or not individual else ""
    rows = [
        (_("Case number"), case.number),
        (_("Party"), ecase.party_name if full or not individual else mask_name(ecase.party_name)),
        (_("ID number or unified social credit code"), shown_id or "—"),
        (_("Delegated matter"), f"{ecase.matter.power_code} {ecase.matter.name}"),
        (_("Legal basis"), ecase.matter.legal_basis),
        (_("Enforcing organ"), ecase.street.name),
    ]
    body, basis = "", ""
    if kind == "filing":
        rows += [
            (_("Source"), ecase.get_source_display()),
            (_("Filed on"), _day(ecase.filed_at)),
            (_("Filing standard met"), ecase.filing_standard),
        ]
        body, basis = case.description, p.ART_54
    elif kind == "notice":
        step = ecase.steps.filter(kind=StepKind.NOTICE).last()
        rows += [(_("Intended penalty"), _penalty(ecase)), (_("Notified on"), _day(step.at))]
        body = (
            step.text
            + "\n\n"
            + _("You have the right to state your case and defend yourself (陈述、申辩).")
        )
        if ecase.hearing_offered:
            body += " " + _(
                "You have the right to ask for a hearing (听证) within 5 working days of "
                "this notice."
            )
        basis = p.ART_44_45
    elif kind == "hearing":
        step = ecase.steps.filter(kind=StepKind.HEARING).last()
        rows += [
            (_("Hearing on"), timezone.localtime(ecase.hearing_at).strftime("%Y-%m-%d %H:%M")),
        ]
        body, basis = step.text if step else "", p.ART_64_2
    elif kind == "decision":
        rows += [
            (_("Decision number"), ecase.decision_number),
            (_("Penalty"), _penalty(ecase)),
            (_("Decided on"), _day(ecase.decided_at)),
        ]
        body = ecase.decision_text + "\n\n"
        if ecase.fine:
            body += (
                _(
                    "Pay the fine within 15 days of receiving this decision; for each day late, "
                    "3 %% of the fine is added, at most the amount of the fine (%(basis)s)."
                )
                % {"basis": f"{p.ART_67}、{p.ART_72}"}
                + "\n\n"
            )
        body += remedies()
        basis = f"{p.ART_57}、{p.ART_61}"
    elif kind == "service":
        rows += [
            (_("Document served"), ecase.decision_number),
            (_("Served on"), _day(ecase.served_at)),
        ]
        step = ecase.steps.filter(kind=StepKind.SERVICE).last()
        body, basis = (step.text if step else ""), p.ART_61
    return {"kind": kind, "title": KINDS[kind], "rows": rows, "body": body, "basis": basis}
