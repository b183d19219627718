"""Registering a petition, asking for a review or re-review, a leader taking personal
charge, and changing the class. Each is one transaction with its audit event; the case
itself is created and moved by the case engine (``do_create_case``, ``do_transition``).
The steps of a petition's procedure are in ``steps.py``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shanzhi.cases.access import is_implicated, parties_of
from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.cases.models import Case, Channel, RequestKind
from shanzhi.cases.procedure import Party
from shanzhi.core import audit
from shanzhi.core.notify import notify
from shanzhi.duties.calendar import current_calendar
from shanzhi.org.access import scope_of
from shanzhi.org.models import Level
from shanzhi.petitions import identity, matching, periods, procedures
from shanzhi.petitions.access import require_register
from shanzhi.petitions.models import (
    DocumentKind,
    FileKind,
    Participant,
    ParticipantRole,
    Petition,
    PetitionChannel,
    PetitionClass,
    PetitionFile,
    Review,
    ReviewLevel,
)

# The engine's channel for each form of petition. The engine has no letter or fax yet:
# a letter reaches the office in person, a fax over the telephone line; the petition
# keeps its own channel, which the petition pages and statistics use.
ENGINE_CHANNEL = {
    PetitionChannel.ONLINE: Channel.WEB,
    PetitionChannel.LETTER: Channel.LETTER,
    PetitionChannel.PHONE: Channel.PHONE,
    PetitionChannel.FAX: Channel.FAX,
    PetitionChannel.VISIT: Channel.VISIT,
}
ENGINE_KIND = {
    PetitionClass.SUGGESTION: RequestKind.SUGGESTION,
    PetitionClass.ACCUSATION: RequestKind.REPORT,
    PetitionClass.CLAIM: RequestKind.COMPLAINT,
}
ANSWERED = matching.ANSWERED


@dataclass
class Registration:
    petition_class: str
    channel: str
    petitioner: identity.Petitioner
    subject: str
    request: str
    facts: str = ""
    place: object = None  # a street or community, or None: the whole district
    received_at: datetime | None = None
    postmark_date: date | None = None
    fax_number: str = ""
    online_reference: str = ""
    visit_place: str = ""
    visit_record: str = ""
    accused: str = ""  # the person or body accused, in the petitioner's words
    accused_body: object = None  # the body accused, when it is one of the platform's
    category: object = None
    account: object = None  # the petitioner's account: they follow it online (Art. 21)
    files: list = field(default_factory=list)  # (FileKind, upload)
    # The matter is already handled or finally reviewed: register it and answer it with
    # the legal reason at once, instead of refusing to register it.
    answer_as_repeat: bool = False


def neutral_texts() -> tuple[str, str]:
    """The title and description of an accusation's case, in the deployment's language:
    the material stays in the petition record."""
    with translation.override(settings.LANGUAGE_CODE):
        return (
            _("Accusation petition (检举控告)"),
            _(
                "The material of this accusation is kept in the petition record and read "
                "only by those who handle it (信访工作条例 Arts. 30, 46)."
            ),
        )


def _check(reg: Registration, actor, now, *, office: bool = True) -> identity.Petitioner:
    errors = {}
    if reg.petition_class not in PetitionClass.values:
        errors["petition_class"] = _("Choose the class of the petition.")
    if reg.channel not in PetitionChannel.values:
        errors["channel"] = _("Choose how the petition came in.")
    if not reg.subject.strip():
        errors["subject"] = _("Sum up the matter in a few words.")
    if not reg.request.strip():
        errors["request"] = _(
            "Enter what the petitioner asks for: a petition states its request, facts and "
            "reasons (信访工作条例 Art. 19)."
        )
    received = reg.received_at or now
    if received > now:
        errors["received_at"] = _("The day it was received lies in the future.")
    if reg.postmark_date and reg.postmark_date > timezone.localtime(received).date():
        errors["postmark_date"] = _("The postmark is later than the day it was received.")
    kinds = {kind for kind, _upload in reg.files}
    if reg.channel == PetitionChannel.LETTER and FileKind.LETTER not in kinds:
        errors["letter"] = _("Attach the scanned letter.")
    if reg.channel == PetitionChannel.FAX and FileKind.FAX not in kinds:
        errors["letter"] = _("Attach the received fax.")
    if reg.channel == PetitionChannel.VISIT and not reg.visit_record.strip():
        errors["visit_record"] = _("Write the record of the visit (接谈记录).")
    accusation = reg.petition_class == PetitionClass.ACCUSATION
    if accusation and not reg.accused.strip():
        errors["accused"] = _("Name the person or body the accusation is about.")
    if not accusation and (reg.accused.strip() or reg.accused_body is not None):
        errors["accused"] = _("Only an accusation (检举控告) names someone accused.")
    if reg.place is not None and reg.place.level not in (Level.STREET, Level.COMMUNITY):
        errors["place"] = _("Choose a street or a community.")
    elif office and not _in_area(actor, reg.place):
        errors["place"] = _("This place lies outside your area.")
    try:
        petitioner = identity.check(reg.petitioner, reg.petition_class, reg.channel)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        petitioner = None
    if errors:
        raise ValidationError(errors)
    if accusation and reg.accused_body is not None and is_implicated(actor, reg.accused_body):
        raise ValidationError(
            {
                "accused_body": _(
                    "You work for or with %(body)s, the body accused: the petition is "
                    "registered by another petition office, which keeps it from that body "
                    "(信访工作条例 Arts. 30, 46)."
                )
                % {"body": reg.accused_body.name}
            }
        )
    return petitioner


def _in_area(actor, place) -> bool:
    scope = scope_of(actor)
    if scope.everything:
        return True
    paths = [p for p in scope.region_paths if p]
    if place is None:  # the whole district: district-level staff only
        return any(p.count("/") <= 2 for p in paths)
    return any(place.path.startswith(p) for p in paths)


def _blocked_message(finding, actor) -> str:
    article, _petition, case, message = finding.blocked
    if Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        return message
    # An earlier petition the officer may not open: the rule, not its number.
    if article == procedures.ART_36:
        return _(
            "The same facts and reasons were finally decided by a re-review (复核): they "
            "are not accepted again (信访工作条例 Art. 36)."
        )
    return _(
        "The same matter of this petitioner is accepted or being handled within its time "
        "limit: it is not accepted again (信访工作条例 Art. 19)."
    )


def do_register_petition(reg: Registration, *, actor, now=None) -> Petition:
    """Register a petition from any channel (Arts. 17, 21, 22): the case, its petition
    record, the group's representatives, the material; flagged as a first letter or
    visit, or as a repeat of an earlier petition about the same matter. A matter already
    being handled (Art. 19) or finally reviewed (Art. 36) is refused, or — when the
    office chooses — registered and answered at once with the legal reason."""
    require_register(actor)
    return _register(reg, actor=actor, now=now or timezone.now(), office=True)


def do_submit_online(reg: Registration, *, actor, now=None) -> Petition:
    """A signed-in resident petitions online (Art. 17): registered at once, to follow
    and evaluate online (Art. 21). A matter already being handled or finally reviewed
    is refused with the rule."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to petition online."))
    reg.channel, reg.account = PetitionChannel.ONLINE, actor
    reg.received_at, reg.answer_as_repeat = None, False
    return _register(reg, actor=actor, now=now or timezone.now(), office=False)


def _register(reg: Registration, *, actor, now, office: bool) -> Petition:
    petitioner = _check(reg, actor, now, office=office)
    received = reg.received_at or now
    accusation = reg.petition_class == PetitionClass.ACCUSATION
    keys = identity.keys(petitioner)
    finding = matching.find(
        subject=reg.subject,
        request=reg.request,
        facts=reg.facts,
        account=reg.account,
        phone=petitioner.phone,
        user=actor,
        accusation=accusation,
        **keys,
    )
    if finding.blocked is not None and not reg.answer_as_repeat:
        raise ValidationError(_blocked_message(finding, actor), code="same_item")
    if accusation:
        title, description = neutral_texts()
    else:
        title = reg.subject.strip()
        description = "\n\n".join(t for t in (reg.request.strip(), reg.facts.strip()) if t)
    intake = Intake(
        procedure=procedures.PETITION,
        channel=ENGINE_CHANNEL[reg.channel],
        title=title,
        description=description,
        category=reg.category,
        kind=ENGINE_KIND[reg.petition_class],
        # An accusation is kept at the district's level, above the bodies it may accuse.
        address="" if accusation or reg.place is None else reg.place.name,
        requester=reg.account,
        requester_name="" if accusation else petitioner.name,
        requester_phone="" if accusation else petitioner.phone,
        anonymous=petitioner.anonymous,
        confidential=True,
        accused_body=reg.accused_body if accusation else None,
    )
    with transaction.atomic():
        case = do_create_case(intake, actor=actor, now=received, owner=procedures.OWNER)
        petition = Petition(
            case=case,
            petition_class=reg.petition_class,
            channel=reg.channel,
            received_at=received,
            postmark_date=reg.postmark_date,
            fax_number=reg.fax_number.strip()[:30],
            online_reference=reg.online_reference.strip()[:60],
            visit_place=reg.visit_place.strip()[:100],
            place=reg.place,
            is_first=finding.is_first,
            repeat_of=finding.repeat_of,
            registered_by=actor,
        )
        identity.store(petition, petitioner)
        petition.subject = reg.subject[:500]
        petition.request = reg.request
        petition.facts = reg.facts
        petition.accused = reg.accused
        petition.visit_record = reg.visit_record
        petition.save()
        _participants(petition, petitioner)
        for kind, upload in reg.files:
            PetitionFile.objects.create(
                case=case,
                kind=kind,
                file=upload,
                name=upload.name[:200],
                content_type=upload.content_type,
                size=upload.size,
                uploaded_by=actor,
            )
        audit.record(
            actor,
            "petition.register",
            case,
            after={
                "class": reg.petition_class,
                "channel": reg.channel,
                "received": received,
                "first": finding.is_first,
                "repeat_of": finding.repeat_of.case.number if finding.repeat_of else None,
                "representatives": len(petitioner.representatives),
                "accompanying": len(petitioner.accompanying),
            },
            legal_basis=procedures.ART_22,
            scope_path=case.scope_path,
        )
        if finding.blocked is not None:
            _answer_as_repeat(petition, finding, actor=actor)
    return petition


def _participants(petition, petitioner) -> None:
    for role, people in (
        (ParticipantRole.REPRESENTATIVE, petitioner.representatives),
        (ParticipantRole.ACCOMPANYING, petitioner.accompanying),
    ):
        for person in people:
            row = Participant(
                petition=petition,
                role=role,
                name_masked=identity.mask_name(person.name),
                id_number_masked=identity.idcard.mask(person.id_number) if person.id_number else "",
            )
            row.name = person.name
            row.id_number = person.id_number
            row.save()


def _answer_as_repeat(petition, finding, *, actor) -> None:
    """Not accepted at once, with the rule that stands in the way."""
    from shanzhi.petitions.steps import do_take_step

    article, _earlier, case, _message = finding.blocked
    if Party.DISPATCHER not in parties_of(actor, petition.case):
        raise ValidationError(
            _("Only the petition office over this petition can answer it as not accepted.")
        )
    if article == procedures.ART_36:
        basis, channel = "36", _("None: the matter was finally decided by the re-review.")
    else:
        basis = "19"
        channel = _("The organ handling %(number)s.") % {"number": case.number}
    do_take_step(
        petition.case,
        "not_accept",
        actor=actor,
        note=_blocked_message(finding, actor),
        basis=basis,
        channel=channel,
    )


# --- Review (复查) and re-review (复核) ------------------------------------------------


def answered_at(case) -> datetime | None:
    """When the written answer of ``case`` was issued (the petitioner's 30 days count
    from it): its handling opinion, or its review opinion."""
    from shanzhi.core.models import AuditEvent

    kinds = (DocumentKind.OPINION, DocumentKind.REVIEW, DocumentKind.REREVIEW)
    document = case.petition_documents.filter(kind__in=kinds).order_by("-issued_at").first()
    if document is not None:
        return document.issued_at
    event = AuditEvent.objects.for_object(case).filter(action="case.reply").order_by("-seq")
    event = event.first()
    return event.created if event is not None else None


def do_request_review(
    petition: Petition,
    level: int,
    *,
    actor,
    reasons: str,
    requested_at: datetime | None = None,
    postmark: date | None = None,
    now=None,
) -> Review:
    """Ask for a review (复查, Art. 35) of the handling opinion, or a re-review (复核,
    Art. 36) of the review opinion: within 30 days of receiving it, once, and a re-review
    only after a review. The request becomes a case of its own, linked to the case it
    reviews."""
    now = now or timezone.now()
    requested_at = requested_at or now
    reviewed = _reviewed_case(petition, level)
    parties = parties_of(actor, reviewed)
    if not parties & {Party.REQUESTER, Party.DISPATCHER}:
        raise PermissionDenied(
            _("A review is asked for by the petitioner, or registered by the petition office.")
        )
    if not reasons.strip():
        raise ValidationError({"reasons": _("Say why the petitioner does not accept it.")})
    if requested_at > now:
        raise ValidationError({"requested_at": _("The day it was received lies in the future.")})
    existing = Review.objects.filter(review_of=reviewed).select_related("case").first()
    if existing is not None:
        raise ValidationError(
            _("A %(level)s of %(number)s was already asked for: %(existing)s.")
            % {
                "level": ReviewLevel(level).label,
                "number": reviewed.number,
                "existing": existing.case.number,
            },
            code="repeated",
        )
    answered = answered_at(reviewed)
    use_postmark = postmark if getattr(settings, "PETITION_POSTMARK_COUNTS", True) else None
    check = periods.check_request(answered, requested_at, current_calendar(), postmark=use_postmark)
    if not check.in_time:
        article = procedures.ART_35 if level == ReviewLevel.REVIEW else procedures.ART_36
        raise ValidationError(
            _(
                "Too late: the written answer of %(day)s could be challenged until "
                "%(end)s (30 days, %(article)s); this request was made on %(made)s."
            )
            % {
                "day": f"{timezone.localtime(answered):%Y-%m-%d}",
                "end": f"{timezone.localtime(check.ends):%Y-%m-%d}",
                "article": article,
                "made": f"{check.made_on:%Y-%m-%d}",
            },
            code="late",
        )
    root = petition.case
    if petition.confidential:
        title, description = neutral_texts()
    else:
        title = (
            _("Review of %(number)s: %(subject)s")
            % {"number": reviewed.number, "subject": petition.subject}
        )[:120]
        description = reasons.strip()
    intake = Intake(
        procedure=procedures.REVIEW if level == ReviewLevel.REVIEW else procedures.REREVIEW,
        channel=root.channel,
        title=title,
        description=description,
        category=root.category,
        kind=root.kind,
        address=root.address,
        requester=root.requester,
        requester_name=root.requester_name,
        requester_phone=root.requester_phone,
        anonymous=root.anonymous,
        confidential=True,
        accused_body=root.accused_body,
    )
    try:
        with transaction.atomic():
            case = do_create_case(intake, actor=actor, now=requested_at, owner=procedures.OWNER)
            review = Review(
                case=case,
                review_of=reviewed,
                petition=petition,
                level=level,
                requested_at=requested_at,
                postmark_date=postmark,
            )
            review.reasons = reasons.strip()
            review.save()
            audit.record(
                actor,
                "petition.review_request",
                case,
                after={"review_of": reviewed.number, "level": level, "answered": answered},
                legal_basis=procedures.ART_35 if level == ReviewLevel.REVIEW else procedures.ART_36,
                scope_path=case.scope_path,
            )
    except IntegrityError:  # asked for twice at the same moment: the other one won
        raise ValidationError(
            _("A %(level)s of %(number)s was already asked for.")
            % {"level": ReviewLevel(level).label, "number": reviewed.number},
            code="repeated",
        ) from None
    return review


def _reviewed_case(petition: Petition, level: int) -> Case:
    if level == ReviewLevel.REVIEW:
        case = petition.case
        missing = _("The petition has not been answered in writing yet: nothing to review.")
    elif level == ReviewLevel.REREVIEW:
        review = petition.reviews.filter(level=ReviewLevel.REVIEW).select_related("case").first()
        if review is None:
            raise ValidationError(
                _(
                    "A re-review (复核) follows a review (复查): this petition has had no "
                    "review (信访工作条例 Art. 36)."
                ),
                code="no_review",
            )
        case = review.case
        missing = _(
            "The review (复查) %(number)s has not given its opinion yet: a re-review (复核) "
            "follows it (信访工作条例 Art. 36)."
        ) % {"number": case.number}
    else:
        raise ValidationError(
            _("A re-review (复核) is final: there is no further review (信访工作条例 Art. 36)."),
            code="final",
        )
    if case.state not in ANSWERED:
        raise ValidationError(missing, code="not_answered")
    return case


# --- The leader in personal charge (包案) and the class --------------------------------


def do_assign_leader(petition: Petition, *, actor, leader, note: str = "", now=None) -> Petition:
    """A leader takes personal charge of a petition (包案, Art. 18), or names another
    leader over its area to do so."""
    now = now or timezone.now()
    case = petition.case
    if Party.SUPERVISOR not in parties_of(actor, case):
        raise PermissionDenied(_("Only a leader over the petition's area assigns a leader."))
    if leader is None or Party.SUPERVISOR not in parties_of(leader, case):
        raise ValidationError({"leader": _("Choose a leader over the petition's area.")})
    if case.accused_body_id and is_implicated(leader, case.accused_body):
        raise ValidationError({"leader": _("This leader is implicated with the body accused.")})
    if case.procedure_def.by_state[case.state].final:
        raise ValidationError(_("The petition is finished."))
    with transaction.atomic():
        before = {"leader": petition.leader_id}
        Petition.objects.filter(pk=petition.pk).update(leader=leader, leader_since=now)
        petition.leader, petition.leader_since = leader, now
        audit.record(
            actor,
            "petition.leader",
            case,
            before=before,
            after={"leader": leader.pk, "leader_name": leader.display_name},
            note=note.strip(),
            legal_basis=f"{procedures.REGULATION}第十八条",
            scope_path=case.scope_path,
        )
        if leader.pk != getattr(actor, "pk", None):
            with translation.override(settings.LANGUAGE_CODE):
                notify(
                    [leader],
                    _("You are in personal charge of petition %(number)s (包案)")
                    % {"number": case.number},
                    note.strip(),
                    reverse("petitions:detail", args=[case.number]),
                )
    return petition


def do_reclassify(petition: Petition, petition_class: str, *, actor, note: str) -> Petition:
    """Correct the class between a suggestion and a claim. An accusation's material is
    kept apart from the start, so a petition does not become one, nor stop being one:
    it is registered anew as what it is."""
    case = petition.case
    if Party.DISPATCHER not in parties_of(actor, case) and Party.HANDLER not in parties_of(
        actor, case
    ):
        raise PermissionDenied(_("You may not change the class of this petition."))
    if not note.strip():
        raise ValidationError({"note": _("Please give a reason or a reply.")})
    confidential = {petition.petition_class, petition_class} & {PetitionClass.ACCUSATION}
    if petition_class not in PetitionClass.values or petition_class == petition.petition_class:
        raise ValidationError({"petition_class": _("Choose another class.")})
    if confidential:
        raise ValidationError(
            {
                "petition_class": _(
                    "An accusation (检举控告) is registered as one from the start, so that "
                    "its material is never shown to the body accused: register it anew."
                )
            }
        )
    with transaction.atomic():
        before = {"class": petition.petition_class}
        Petition.objects.filter(pk=petition.pk).update(petition_class=petition_class)
        petition.petition_class = petition_class
        audit.record(
            actor,
            "petition.reclassify",
            case,
            before=before,
            after={"class": petition_class},
            note=note.strip(),
            legal_basis=f"{procedures.REGULATION}第二十九条至第三十一条",
            scope_path=case.scope_path,
        )
    return petition


def log_export(actor, year: int) -> None:
    """The annual report left the platform as a file: who and when (counts only)."""
    with transaction.atomic():
        audit.record(
            actor,
            "petition.export",
            None,
            after={"year": year},
            legal_basis=f"{procedures.REGULATION}第四十一条",
            scope_path=next(iter(scope_of(actor).region_paths), ""),
        )
