"""The steps of a petition, review or re-review, with what the regulation adds to the
engine's transition: the document each step issues (受理告知书, 延期告知书, 信访处理意见书,
复查/复核意见书, the notices that end a petition), the first-handling body (首办责任), the
at most 30 days of extension (Art. 34), the class a step is for (Art. 31), and the
petitioner of an accusation told by text message when they have no account (their
number is not on the engine's case).

``do_take_step`` runs the engine's ``do_transition`` and the additions in one
transaction: either the step and its document are both stored, or neither is.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shanzhi.cases.engine import do_transition
from shanzhi.cases.models import Clock, ExtensionRequest, ExtensionStatus
from shanzhi.cases.procedure import Audience
from shanzhi.core import audit
from shanzhi.core.notify import notify_phone
from shanzhi.petitions import documents, procedures
from shanzhi.petitions.access import root_of
from shanzhi.petitions.models import (
    Delivery,
    DocumentKind,
    Outcome,
    Petition,
    PetitionChannel,
    PetitionClass,
    Remedy,
    Review,
    ReviewLevel,
    ReviewOutcome,
)

# Why a petition is not accepted: the rule, by key.
NOT_ACCEPT_BASES = {
    "23": procedures.ART_23,  # not within this organ's competence: told where to turn
    "19": procedures.ART_19,  # the same matter is already handled within its limit
    "36": procedures.ART_36,  # the same facts and reasons were finally decided
}


@dataclass
class StepInput:
    """What a step may take besides the engine's input."""

    outcome: str = ""
    findings: str = ""
    opinion: str = ""
    basis: str = ""  # the legal basis of an opinion, or a key of NOT_ACCEPT_BASES
    channel: str = ""  # the competent channel the petitioner is told of
    remedy: str = ""
    delivery: str = ""


def do_take_step(
    case,
    action: str,
    *,
    actor,
    note: str = "",
    body=None,
    assisting=(),
    extension=None,
    satisfaction=None,
    now=None,
    **extra,
):
    """Take ``action`` on a petition, review or re-review case (see the module)."""
    now = now or timezone.now()
    given = StepInput(**extra)
    root = root_of(case)
    if root is None:
        raise ValidationError(_("This case has no petition record."))
    review = None
    if case.procedure != procedures.PETITION:
        review = Review.objects.filter(case=case).first()
    prepare = _PREPARE.get(action, _nothing)
    with transaction.atomic():
        context = prepare(case, root, review, given, note=note, body=body, extension=extension)
        context.setdefault("note", (note or "").strip())
        case = do_transition(
            case,
            action,
            actor=actor,
            note=context["note"],
            body=body,
            assisting=assisting,
            extension=extension,
            satisfaction=satisfaction,
            now=now,
            owner=procedures.OWNER,
        )
        finish = _FINISH.get(action)
        if finish is not None:
            finish(case, root, review, given, context, actor=actor, now=now)
        transition = case.procedure_def.by_action[action]
        if Audience.REQUESTER in transition.tells:
            _tell_petitioner(root, case)
    return case


def _nothing(case, root, review, given, **kwargs) -> dict:
    return {}


# --- Before the transition: check what the step needs ------------------------------------


def _prepare_send(case, root, review, given, *, body, **kwargs) -> dict:
    if review is not None and body is not None:
        answered_by = review.review_of.responsible_body_id
        if body.pk == answered_by:
            article = procedures.ART_35 if review.level == ReviewLevel.REVIEW else procedures.ART_36
            raise ValidationError(
                {
                    "body": _(
                        "%(body)s gave the answer under review: the review is for the organ "
                        "one level above it (%(article)s)."
                    )
                    % {"body": body.name, "article": article}
                }
            )
    return {}


def _prepare_accept(case, root, review, given, **kwargs) -> dict:
    delivery = given.delivery or Delivery.IN_WRITING
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": _("Choose how the notice is given.")})
    if delivery == Delivery.ON_THE_SPOT and root.channel != PetitionChannel.VISIT:
        raise ValidationError(
            {"delivery": _("A notice is given on the spot only to a petitioner who is there.")}
        )
    return {"delivery": delivery}


def _prepare_ending(action):
    def prepare(case, root, review, given, *, note, **kwargs) -> dict:
        errors = {}
        if not given.channel.strip():
            errors["channel"] = _(
                "Name the competent organ or procedure the petitioner is told to turn to."
            )
        basis = documents.BASIS_OF_ENDING[action]
        if action == "not_accept":
            if given.basis and given.basis not in NOT_ACCEPT_BASES:
                errors["basis"] = _("Choose the rule the petition is not accepted under.")
            basis = NOT_ACCEPT_BASES.get(given.basis or "23", procedures.ART_23)
        if action == "route":
            if root.petition_class != PetitionClass.CLAIM:
                errors["remedy"] = _(
                    "Only an appeal or claim (申诉求决) is routed to another legal procedure "
                    "(信访工作条例 Art. 31)."
                )
            elif given.remedy not in Remedy.values:
                errors["remedy"] = _("Choose the legal procedure.")
        if errors:
            raise ValidationError(errors)
        return {"basis": basis}

    return prepare


def _allowance(case) -> int:
    """Days of extension still allowed on the handling period (Art. 34: at most 30)."""
    granted = (
        ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.APPROVED)
        .values_list("granted", flat=True)
        .order_by()
    )
    return procedures.MAX_EXTENSION_DAYS - int(sum(g or 0 for g in granted))


def _prepare_extension(case, root, review, given, *, extension, **kwargs) -> dict:
    if case.procedure != procedures.PETITION:
        return {}
    pending = ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.PENDING).first()
    amount = extension if extension is not None else (pending.requested if pending else None)
    left = _allowance(case)
    if amount is not None and amount > left:
        raise ValidationError(
            {
                "extension": _(
                    "The handling period may be extended by at most 30 days in all "
                    "(信访工作条例 Art. 34); %(left)d days are left."
                )
                % {"left": max(left, 0)}
            }
        )
    return {"reason": pending.reason if pending is not None else ""}


def _prepare_reply(case, root, review, given, **kwargs) -> dict:
    errors = {}
    choices = ReviewOutcome if review is not None else Outcome
    if given.outcome not in choices.values:
        errors["outcome"] = _("Choose the outcome (信访工作条例 Art. 32).")
    if not given.opinion.strip():
        errors["opinion"] = _("Write the opinion.")
    if not given.basis.strip():
        errors["basis"] = _(
            "Give the legal basis of the opinion: an opinion states its laws and rules "
            "(信访工作条例 Art. 32)."
        )
    if errors:
        raise ValidationError(errors)
    outcome = choices(given.outcome)
    kind = DocumentKind.OPINION
    if review is not None:
        kind = DocumentKind.REVIEW if review.level == ReviewLevel.REVIEW else DocumentKind.REREVIEW
    number = documents.next_number(case, kind)
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Written opinion %(number)s: %(outcome)s") % {
            "number": number,
            "outcome": outcome.label,
        }
    return {"note": note, "outcome": outcome, "kind": kind}


# --- After the transition: documents and records -------------------------------------------


def _finish_send(action):
    def finish(case, root, review, given, context, *, actor, now) -> None:
        if review is None:  # 交办 expects the result reported back; 转送 does not
            Petition.objects.filter(pk=root.pk).update(assigned=action == "assign")

    return finish


def _finish_accept(case, root, review, given, context, *, actor, now) -> None:
    handle = Clock.objects.filter(case=case, name="handle", stopped_at__isnull=True).first()
    body = case.responsible_body
    if root.first_body_id is None:
        Petition.objects.filter(pk=root.pk).update(
            first_body=body, first_officer=actor if actor.is_authenticated else None
        )
    document = documents.issue(
        case,
        DocumentKind.ACCEPTANCE,
        lambda number: documents.acceptance(
            root, number=number, body=body, at=now, due=handle.due_at if handle else now
        ),
        actor=actor,
        at=now,
        delivery=context["delivery"],
    )
    _record(case, document, actor)


def _finish_ending(action):
    def finish(case, root, review, given, context, *, actor, now) -> None:
        kind = documents.KIND_OF_ENDING[action]
        reason = context["note"]
        by = case.responsible_body.name if case.responsible_body_id else _("The petition office")
        with translation.override(settings.LANGUAGE_CODE):
            by = str(by)
        Petition.objects.filter(pk=root.pk).update(
            end_basis=context["basis"][:100],
            end_channel=given.channel.strip()[:200],
            remedy=given.remedy if action == "route" else "",
        )
        document = documents.issue(
            case,
            kind,
            lambda number: documents.ending(
                root,
                kind,
                number=number,
                reason=reason,
                basis=context["basis"],
                channel=given.channel.strip(),
                by=by,
                at=now,
            ),
            actor=actor,
            at=now,
        )
        _record(case, document, actor)

    return finish


def _finish_extend(case, root, review, given, context, *, actor, now) -> None:
    if case.procedure != procedures.PETITION:
        return
    request = (
        ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.APPROVED)
        .order_by("-decided_at", "-pk")
        .first()
    )
    handle = Clock.objects.filter(case=case, name="handle", stopped_at__isnull=True).first()
    document = documents.issue(
        case,
        DocumentKind.EXTENSION,
        lambda number: documents.extension(
            root,
            number=number,
            amount=int(request.granted),
            reason=context.get("reason") or request.reason,
            due=handle.due_at,
            body=case.responsible_body,
            at=now,
        ),
        actor=actor,
        at=now,
    )
    _record(case, document, actor)


def _finish_reply(case, root, review, given, context, *, actor, now) -> None:
    outcome, kind = context["outcome"], context["kind"]
    body = case.responsible_body
    if review is None:
        Petition.objects.filter(pk=root.pk).update(outcome=outcome.value)
        root.outcome = outcome.value

        def make(number):
            return documents.opinion(
                root,
                number=number,
                outcome=outcome,
                findings=given.findings.strip(),
                text=given.opinion.strip(),
                basis=given.basis.strip(),
                body=body,
                at=now,
            )
    else:
        Review.objects.filter(pk=review.pk).update(outcome=outcome.value)
        review.petition = root

        def make(number):
            return documents.review_opinion(
                review,
                number=number,
                outcome=outcome,
                text=given.opinion.strip(),
                basis=given.basis.strip(),
                body=body,
                at=now,
            )

    document = documents.issue(case, kind, make, actor=actor, at=now)
    _record(case, document, actor)


def _record(case, document, actor) -> None:
    audit.record(
        actor,
        "petition.document",
        case,
        after={"document": document.number, "kind": document.kind, "delivery": document.delivery},
        scope_path=case.scope_path,
    )


def _tell_petitioner(root: Petition, case) -> None:
    """The engine tells a petitioner through their account, or the number on the case.
    An accusation's case carries no number: its petitioner without an account gets a
    text message here (the number, the step, no material)."""
    if not root.confidential or case.requester_id or root.anonymous or not root.phone:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your petition %(number)s: %(state)s") % {
            "number": case.number,
            "state": case.get_state_display(),
        }
    notify_phone(root.phone, subject, url=reverse("petitions:mine"))


_PREPARE = {
    "dispatch": _prepare_send,
    "assign": _prepare_send,
    "uphold_objection": _prepare_send,
    "accept": _prepare_accept,
    "not_accept": _prepare_ending("not_accept"),
    "separate": _prepare_ending("separate"),
    "route": _prepare_ending("route"),
    "request_extension": _prepare_extension,
    "extend": _prepare_extension,
    "reply": _prepare_reply,
}
_FINISH = {
    "dispatch": _finish_send("dispatch"),
    "assign": _finish_send("assign"),
    "accept": _finish_accept,
    "not_accept": _finish_ending("not_accept"),
    "separate": _finish_ending("separate"),
    "route": _finish_ending("route"),
    "extend": _finish_extend,
    "reply": _finish_reply,
}
