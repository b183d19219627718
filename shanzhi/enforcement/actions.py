"""Every change to delegated enforcement: the matter list and its evaluations, officers,
clues and the steps of a case, and the publication of decisions. Each action is one
transaction with its audit event; the case itself is created and moved by the engine
(``do_create_case``, ``do_transition``, as the owner of the procedure)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.cases import clocks as case_clocks
from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Channel, RequestKind
from shanzhi.core import audit
from shanzhi.duties.calendar import current_calendar
from shanzhi.enforcement import access, rules
from shanzhi.enforcement import procedures as p
from shanzhi.enforcement.models import (
    Conclusion,
    DelegatedMatter,
    Device,
    EnforcementCase,
    FileKind,
    MatterEvaluation,
    Officer,
    PartyKind,
    PenaltyKind,
    Publication,
    Source,
    Step,
    StepFile,
    StepKind,
)
from shanzhi.legal.gate import require_passing_review
from shanzhi.lib import codes, idcard, identity, media, workdays
from shanzhi.org.models import BodyKind, Level

SOURCE_CHANNEL = {
    Source.HOTLINE: Channel.PHONE,
    Source.PATROL: Channel.PATROL,
    Source.CAMERA: Channel.CAMERA,
    Source.REPORT: Channel.VISIT,
    Source.TRANSFER: Channel.LETTER,
}
# Why a legal review is required (Art. 58).
REVIEW_REASONS = {
    "public_interest": gettext_lazy("It concerns a major public interest (涉及重大公共利益)"),
    "heard": gettext_lazy("The case was heard (经过听证程序)"),
    "complex": gettext_lazy("The case is complex or involves several legal relations (疑难复杂)"),
}


def _money(value, field_name: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        raise ValidationError({field_name: _("Enter an amount in yuan.")}) from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field_name: _("Enter an amount in yuan, at most two decimals.")})
    return amount


def _kinds(values, field_name: str = "penalty_kinds") -> list[str]:
    kinds = [v for v in values or [] if v]
    bad = [v for v in kinds if v not in PenaltyKind.values]
    if bad:
        raise ValidationError({field_name: _("Unknown penalty kind: %(v)s.") % {"v": bad[0]}})
    return sorted(set(kinds))


# --- the matter list (Art. 24, Art. 39) -----------------------------------------------


def do_save_matter(matter: DelegatedMatter, *, streets, actor, now=None) -> DelegatedMatter:
    """Create or change a delegated matter (Art. 24: a published delegation list)."""
    access.require_manage(actor)
    now = now or timezone.now()
    errors = {}
    streets = list(streets or [])
    if not (matter.power_code or "").strip():
        errors["power_code"] = _("Enter the power code (权力事项编码).")
    if not (matter.name or "").strip():
        errors["name"] = _("Enter the name of the matter.")
    if not (matter.legal_basis or "").strip():
        errors["legal_basis"] = _("Enter the legal basis (%(basis)s).") % {"basis": p.ART_39}
    if matter.department_id is None or matter.department.kind != BodyKind.DEPARTMENT:
        errors["department"] = _("The delegating organ must be a district department.")
    if not streets:
        errors["streets"] = _("Choose the street(s) the matter is delegated to (%(basis)s).") % {
            "basis": p.ART_24
        }
    elif any(s.level != Level.STREET for s in streets):
        errors["streets"] = _("A matter is delegated to streets only (%(basis)s).") % {
            "basis": p.ART_24
        }
    try:
        matter.penalty_kinds = _kinds(matter.penalty_kinds)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not matter.penalty_kinds:
        errors.setdefault("penalty_kinds", _("Choose at least one penalty kind."))
    if (matter.fine_min is not None and matter.fine_max is not None) and (
        matter.fine_min < 0 or matter.fine_max < matter.fine_min
    ):
        errors["fine_max"] = _("The highest fine must not be below the lowest.")
    if not matter.active and matter.withdrawn_on is None:
        matter.withdrawn_on = timezone.localdate(now)
    if errors:
        raise ValidationError(errors)
    clash = DelegatedMatter.objects.filter(power_code=matter.power_code).exclude(pk=matter.pk)
    if clash.exists():
        raise ValidationError({"power_code": _("This power code is already in the list.")})
    with transaction.atomic():
        created = matter.pk is None
        matter.save()
        matter.streets.set(streets)
        audit.record(
            actor,
            "enforcement.matter_save",
            matter,
            after={
                "power_code": matter.power_code,
                "created": created,
                "active": matter.active,
                "streets": [s.code for s in streets],
            },
            legal_basis=p.ART_24,
        )
    return matter


def matter_figures(matter, start: date, end: date) -> dict:
    """The figures of a matter's cases filed (or registered) in the period: volume,
    decided after the 90 days, annulled or changed, complaints (12345 cases that were the
    source of its cases)."""
    cases = EnforcementCase.objects.filter(
        matter=matter,
        case__created__date__gte=start,
        case__created__date__lte=end,
    )
    return {
        "volume": cases.count(),
        "overdue": cases.filter(decided_late=True).count(),
        "reversed_on_review": Publication.objects.filter(ecase__in=cases, annulment__gt="").count(),
        # Complaints (投诉) from the 12345 line that became cases of the matter.
        "complaints": cases.filter(source_case__kind=RequestKind.COMPLAINT).count(),
    }


def do_record_evaluation(
    matter, *, actor, period_start, period_end, conclusion, note, now=None
) -> MatterEvaluation:
    """The periodic evaluation of a delegated matter (Art. 24 定期组织评估)."""
    if not access.may_evaluate(actor, matter):
        raise PermissionDenied(_("You may not evaluate this matter."))
    now = now or timezone.now()
    errors = {}
    if not isinstance(period_start, date) or not isinstance(period_end, date):
        errors["period_start"] = _("Enter the period evaluated.")
    elif period_end < period_start:
        errors["period_end"] = _("The period ends before it starts.")
    if conclusion not in Conclusion.values:
        errors["conclusion"] = _("Choose the conclusion: keep, adjust or withdraw.")
    if not (note or "").strip():
        errors["note"] = _("Write the reasons of the evaluation.")
    if errors:
        raise ValidationError(errors)
    figures = matter_figures(matter, period_start, period_end)
    with transaction.atomic():
        evaluation = MatterEvaluation.objects.create(
            matter=matter,
            period_start=period_start,
            period_end=period_end,
            conclusion=conclusion,
            note=note.strip(),
            evaluator=actor,
            created=now,
            **figures,
        )
        audit.record(
            actor,
            "enforcement.evaluate",
            matter,
            after={"conclusion": conclusion, **figures},
            note=note.strip(),
            legal_basis=p.ART_24,
        )
    return evaluation


# --- officers (Art. 42) ---------------------------------------------------------------


def do_save_officer(officer: Officer, *, matters=(), streets=(), actor) -> Officer:
    access.require_manage(actor)
    errors = {}
    if not (officer.certificate_number or "").strip():
        errors["certificate_number"] = _("Enter the certificate number (执法证号).")
    if not (officer.issued_by or "").strip():
        errors["issued_by"] = _("Enter the issuing authority.")
    if officer.valid_from and officer.expires_on and officer.expires_on < officer.valid_from:
        errors["expires_on"] = _("The certificate expires before it is valid.")
    streets = list(streets)
    if any(s.level != Level.STREET for s in streets):
        errors["streets"] = _("Choose streets.")
    if not list(matters) and not streets:
        errors["matters"] = _("Give the scope: the matters or the streets.")
    if errors:
        raise ValidationError(errors)
    clash = Officer.objects.filter(certificate_number=officer.certificate_number).exclude(
        pk=officer.pk
    )
    if clash.exists():
        raise ValidationError(
            {"certificate_number": _("This certificate number is already registered.")}
        )
    with transaction.atomic():
        officer.save()
        officer.matters.set(list(matters))
        officer.streets.set(streets)
        audit.record(
            actor,
            "enforcement.officer_save",
            officer,
            after={
                "certificate": officer.certificate_number,
                "expires_on": officer.expires_on.isoformat(),
                "revoked": officer.revoked,
            },
            legal_basis=p.ART_42,
        )
    return officer


# --- clues and steps ------------------------------------------------------------------


@dataclass
class Clue:
    matter: DelegatedMatter
    street: object
    title: str
    description: str
    source: str
    party_kind: str
    party_name: str
    party_id: str = ""
    party_phone: str = ""
    address: str = ""
    source_case: object = None
    device: Device | None = None


def do_register_clue(clue: Clue, *, actor, now=None) -> EnforcementCase:
    """Register a clue (12345 case, patrol, camera …) as an enforcement case of the
    street; the dispatch centre then sends it to the street's team."""
    now = now or timezone.now()
    errors = {}
    if clue.street is None or clue.street.level != Level.STREET:
        errors["street"] = _("Choose the street.")
    elif not access.works_on(actor, clue.street):
        raise PermissionDenied(_("You do not work on this street's enforcement cases."))
    if clue.matter is None:
        errors["matter"] = _("Choose the delegated matter.")
    elif not clue.matter.active or (
        clue.street is not None and not clue.matter.streets.filter(pk=clue.street.pk).exists()
    ):
        errors["matter"] = _(
            "This matter is not delegated to this street, or was withdrawn (%(basis)s)."
        ) % {"basis": p.ART_24}
    if clue.source not in Source.values:
        errors["source"] = _("Choose where the clue comes from.")
    if clue.party_kind not in PartyKind.values:
        errors["party_kind"] = _("Say whether the party is an individual or an organisation.")
    if not (clue.party_name or "").strip():
        errors["party_name"] = _("Enter the party's name.")
    elif len(clue.party_name.strip()) > 100:
        errors["party_name"] = _("The party's name has at most 100 characters.")
    party_id = (clue.party_id or "").strip().upper()
    if party_id and clue.party_kind == PartyKind.INDIVIDUAL and not idcard.is_valid(party_id):
        errors["party_id"] = _("This is not a valid ID number (居民身份证号码).")
    elif (
        party_id and clue.party_kind == PartyKind.ORGANISATION and not codes.is_valid_uscc(party_id)
    ):
        errors["party_id"] = _("This is not a valid unified social credit code.")
    party_phone = (clue.party_phone or "").strip()
    if party_phone and not (
        identity.is_valid_mobile(party_phone) or codes.is_valid_phone(party_phone)
    ):
        errors["party_phone"] = _("This is not a phone number.")
    if not (clue.title or "").strip() or not (clue.description or "").strip():
        errors["title"] = _("A clue needs a title and a description.")
    if clue.device is not None and not clue.device.usable:
        errors["device"] = _device_refusal(clue.device)
    elif (
        clue.device is not None
        and clue.street is not None
        and clue.device.street_id != clue.street.pk
    ):
        errors["device"] = _("The device %(code)s records in another street.") % {
            "code": clue.device.code
        }
    if clue.source == Source.HOTLINE and clue.source_case is None:
        errors["source_case"] = _("Name the 12345 case the clue comes from.")
    if errors:
        raise ValidationError(errors)
    team = access.team_of(clue.street)
    if team is None:
        raise ValidationError({"street": _("This street has no enforcement team.")})
    address = f"{clue.street.name} {clue.address}".strip()
    with transaction.atomic():
        case = do_create_case(
            Intake(
                procedure=p.KEY,
                channel=SOURCE_CHANNEL[clue.source],
                title=clue.title,
                description=clue.description,
                address=address,
            ),
            actor=actor,
            now=now,
            owner=p.OWNER,
        )
        ecase = EnforcementCase.objects.create(
            case=case,
            matter=clue.matter,
            street=clue.street,
            team=team,
            source=clue.source,
            source_case=clue.source_case,
            device=clue.device,
            party_kind=clue.party_kind,
            party_name=clue.party_name.strip(),
            party_id=party_id,
            party_phone=party_phone,
        )
        Step.objects.create(
            ecase=ecase,
            kind=StepKind.CLUE,
            at=now,
            actor=actor,
            text=clue.description.strip(),
            device=clue.device,
        )
        audit.record(
            actor,
            "enforcement.clue",
            case,
            after={"matter": clue.matter.power_code, "source": clue.source},
            legal_basis=p.ART_24,
            scope_path=case.scope_path,
        )
    return ecase


def _device_refusal(device) -> str:
    return _(
        "The device %(code)s may not provide evidence: it needs the legal and technical "
        "review and its site published (%(basis)s)."
    ) % {"code": device.code, "basis": p.ART_41}


@dataclass
class StepInput:
    note: str = ""
    officers: list = field(default_factory=list)
    files: list = field(default_factory=list)  # (FileKind, upload)
    filing_standard: str = ""
    penalty_kinds: list = field(default_factory=list)
    fine: object = None
    review_reason: str = ""  # a key of REVIEW_REASONS
    hearing_at: datetime | None = None
    decision_number: str = ""
    decision_text: str = ""
    paid_on: date | None = None
    first_violation: bool = False
    corrected: bool = False
    device: Device | None = None


def _save_step(ecase, kind, *, actor, now, given: StepInput, text: str = "") -> Step:
    step = Step.objects.create(
        ecase=ecase,
        kind=kind,
        at=now,
        actor=actor,
        text=(text or given.note).strip(),
        device=given.device,
    )
    if given.officers:
        step.officers.set(given.officers)
    _check_files(given.files)
    for kind_, upload in given.files:
        StepFile.objects.create(step=step, kind=kind_, file=upload, name=upload.name[:200])
    return step


def _check_files(files) -> None:
    """The files of a step: at most ``ENFORCEMENT_MAX_FILES``, each at most
    ``ENFORCEMENT_MAX_FILE_BYTES``, and each really of its kind by its first bytes (a
    photo a JPEG, PNG or WebP; audio MP3, WAV, AMR, Ogg or M4A; video MP4, WebM or AVI;
    a document a PDF or a scan)."""
    if len(files) > settings.ENFORCEMENT_MAX_FILES:
        raise ValidationError(
            {"files": _("At most %(n)d files.") % {"n": settings.ENFORCEMENT_MAX_FILES}}
        )
    for kind, upload in files:
        if kind not in FileKind.values:
            raise ValidationError({"files": _("Unknown kind of file.")})
        if upload.size > settings.ENFORCEMENT_MAX_FILE_BYTES:
            raise ValidationError(
                {
                    "files": _("“%(name)s” is larger than %(mb)d MB.")
                    % {"name": upload.name, "mb": settings.ENFORCEMENT_MAX_FILE_BYTES // 2**20}
                }
            )
        head = upload.read(media.HEAD_BYTES)
        upload.seek(0)
        if not media.fits(kind, head):
            raise ValidationError(
                {
                    "files": _("“%(name)s” is not a file of the kind “%(kind)s”.")
                    % {"name": upload.name, "kind": FileKind(kind).label}
                }
            )


def _refuse_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _penalty(ecase, given: StepInput) -> tuple[list[str], Decimal]:
    kinds = _kinds(given.penalty_kinds)
    fine = _money(given.fine, "fine")
    matter = ecase.matter
    errors = {}
    if not kinds:
        errors["penalty_kinds"] = _("Choose the penalty.")
    elif not set(kinds) <= set(matter.penalty_kinds):
        errors["penalty_kinds"] = _("This matter does not provide for that penalty.")
    if "fine" in kinds and not (matter.fine_min <= fine <= matter.fine_max):
        errors["fine"] = _(
            "The fine must lie between %(min)s and %(max)s yuan for this matter."
        ) % {
            "min": matter.fine_min,
            "max": matter.fine_max,
        }
    if "fine" not in kinds and fine:
        errors["fine"] = _("A fine is given but not chosen as a penalty.")
    _refuse_if(errors)
    return kinds, fine


def _move(ecase, action, *, actor, now, note="", body=None):
    return do_transition(
        ecase.case, action, actor=actor, note=note, body=body, now=now, owner=p.OWNER
    )


def do_take_step(ecase: EnforcementCase, action: str, *, actor, now=None, **extra):
    """Take ``action`` on an enforcement case with what the law adds to the engine's
    transition: the records, the officers, the documents and the checks."""
    now = now or timezone.now()
    given = StepInput(**extra)
    if action != "assign" and not access.works_on(actor, ecase.street):
        raise PermissionDenied(_("You do not work on this street's enforcement cases."))
    handler = STEPS.get(action)
    if handler is None:
        raise ValidationError(_("Unknown action “%(action)s”.") % {"action": action})
    transition = p.PROCEDURE.by_action[action]
    if ecase.case.state not in transition.sources:
        # Said before the step's own checks, which would ask for input that cannot help.
        raise ValidationError(
            _("“%(action)s” is not possible while the case is %(state)s.")
            % {"action": transition.label, "state": ecase.case.get_state_display()}
        )
    with transaction.atomic():
        # The record is read afresh under a lock: a step saves the whole record, so it
        # must not write back what another step changed meanwhile (a review required).
        list(EnforcementCase.objects.select_for_update().filter(pk=ecase.pk).values_list("pk"))
        ecase.refresh_from_db()
        if ecase.case.state not in transition.sources:
            raise ValidationError(
                _("“%(action)s” is not possible while the case is %(state)s.")
                % {"action": transition.label, "state": ecase.case.get_state_display()}
            )
        handler(ecase, actor=actor, now=now, given=given)
        ecase.save()
    ecase.case.refresh_from_db()
    return ecase


def _assign(ecase, *, actor, now, given):
    _move(ecase, "assign", actor=actor, now=now, note=given.note, body=ecase.team)


def _file(ecase, *, actor, now, given):
    if not given.filing_standard.strip():
        raise ValidationError(
            {
                "filing_standard": _("State how the filing standard is met (立案标准, %(basis)s).")
                % {"basis": p.ART_54}
            }
        )
    if not ecase.matter.active:
        raise ValidationError({"matter": _("This matter was withdrawn from the street.")})
    _move(ecase, "file", actor=actor, now=now, note=given.note)
    ecase.filing_standard = given.filing_standard.strip()
    ecase.filed_at = now
    _save_step(
        ecase, StepKind.FILING, actor=actor, now=now, given=given, text=given.filing_standard
    )


def _not_file(ecase, *, actor, now, given):
    _move(ecase, "not_file", actor=actor, now=now, note=given.note)
    ecase.outcome = given.note.strip()[:200]
    _save_step(ecase, StepKind.FILING, actor=actor, now=now, given=given)


def _on_the_spot(ecase, *, actor, now, given):
    if not ecase.matter.on_the_spot:
        raise ValidationError(
            {
                "penalty_kinds": _("This matter has no on-the-spot procedure (%(basis)s).")
                % {"basis": p.ART_51}
            }
        )
    kinds, fine = _penalty(ecase, given)
    rules.check_on_the_spot(ecase.party_kind, kinds, fine)
    rules.check_officers(given.officers, ecase.matter, ecase.street, timezone.localdate(now))
    if not given.note.strip():
        raise ValidationError({"note": _("Write the facts found on the spot.")})
    _move(ecase, "on_the_spot", actor=actor, now=now, note=given.note)
    ecase.on_the_spot = True
    ecase.penalty_kinds, ecase.fine = kinds, fine
    ecase.decided_at = ecase.served_at = now
    ecase.decision_number = given.decision_number.strip() or f"{ecase.case.number}-D"
    ecase.decision_text = given.note.strip()
    _save_step(ecase, StepKind.ON_THE_SPOT, actor=actor, now=now, given=given)
    _start_publication(ecase, now)


def do_record_evidence(ecase, *, actor, now=None, **extra) -> Step:
    """An investigation record (调查取证): two certified officers (Art. 42), its photos,
    audio and video (Art. 47); a device's records only from a reviewed device with its
    site published (Art. 41)."""
    now = now or timezone.now()
    given = StepInput(**extra)
    if not access.works_on(actor, ecase.street):
        raise PermissionDenied(_("You do not work on this street's enforcement cases."))
    if ecase.case.state != "filed":
        raise ValidationError(_("Evidence is gathered after filing and before the notice."))
    rules.check_officers(given.officers, ecase.matter, ecase.street, timezone.localdate(now))
    if given.device is not None and not given.device.usable:
        raise ValidationError({"device": _device_refusal(given.device)})
    if given.device is not None and given.device.street_id != ecase.street_id:
        raise ValidationError(
            {
                "device": _("The device %(code)s records in another street.")
                % {"code": given.device.code}
            }
        )
    if not given.note.strip():
        raise ValidationError({"note": _("Write what was found (调查笔录).")})
    with transaction.atomic():
        step = _save_step(ecase, StepKind.EVIDENCE, actor=actor, now=now, given=given)
        audit.record(
            actor,
            "enforcement.evidence",
            ecase.case,
            after={
                "officers": [o.certificate_number for o in given.officers],
                "files": len(given.files),
            },
            legal_basis=f"{p.ART_42}、{p.ART_47}",
            scope_path=ecase.case.scope_path,
        )
    return step


def _conclude(ecase, *, actor, now, given):
    if not ecase.steps.filter(kind=StepKind.EVIDENCE).exists():
        raise ValidationError(
            _("Record the evidence first: no investigation record (%(basis)s).")
            % {"basis": p.ART_54}
        )
    _move(ecase, "conclude_investigation", actor=actor, now=now, note=given.note)


def _notify(ecase, *, actor, now, given):
    kinds, fine = _penalty(ecase, given)
    if not given.note.strip():
        raise ValidationError(
            {
                "note": _("Write the facts, reasons and basis told to the party (%(basis)s).")
                % {"basis": p.ART_44_45}
            }
        )
    if given.review_reason and given.review_reason not in REVIEW_REASONS:
        raise ValidationError({"review_reason": _("Choose why a legal review is required.")})
    _move(ecase, "notify", actor=actor, now=now, note=given.note)
    ecase.penalty_kinds, ecase.fine = kinds, fine
    ecase.hearing_offered = rules.hearing_triggered(ecase)
    if given.review_reason:
        ecase.review_required = True
        ecase.review_reason = given.review_reason
    _save_step(ecase, StepKind.NOTICE, actor=actor, now=now, given=given)


def do_record_statement(ecase, *, actor, now=None, **extra) -> Step:
    """The party's statement and defence (陈述申辩, Art. 45), recorded and answered."""
    now = now or timezone.now()
    given = StepInput(**extra)
    if not access.works_on(actor, ecase.street):
        raise PermissionDenied(_("You do not work on this street's enforcement cases."))
    if ecase.case.state not in ("notified", "hearing_requested", "heard"):
        raise ValidationError(
            _("Statements are recorded after the notice and before the decision.")
        )
    if not given.note.strip():
        raise ValidationError({"note": _("Write the party's statement and the answer to it.")})
    with transaction.atomic():
        step = _save_step(ecase, StepKind.STATEMENT, actor=actor, now=now, given=given)
        audit.record(
            actor,
            "enforcement.statement",
            ecase.case,
            legal_basis=p.ART_44_45,
            scope_path=ecase.case.scope_path,
        )
    return step


def _request_hearing(ecase, *, actor, now, given):
    if not ecase.hearing_offered:
        raise ValidationError(
            _("The intended penalty gives no right to a hearing (%(basis)s).") % {"basis": p.ART_63}
        )
    _move(ecase, "request_hearing", actor=actor, now=now, note=given.note)
    _save_step(
        ecase,
        StepKind.HEARING,
        actor=actor,
        now=now,
        given=given,
        text=given.note or _("Hearing requested"),
    )


def earliest_hearing(notice_at: datetime) -> date:
    """The first day a hearing may be held when its notice is given at ``notice_at``:
    after 7 working days (Art. 64(2), Art. 85)."""
    last = workdays.add(notice_at, 7, workdays.WORKING_DAYS, current_calendar())
    return timezone.localtime(last).date() + (date.resolution)


def do_schedule_hearing(ecase, *, actor, now=None, hearing_at=None, note="") -> EnforcementCase:
    """Notify the party of the hearing's time and place, at least 7 working days ahead
    (Art. 64(2))."""
    now = now or timezone.now()
    if not access.works_on(actor, ecase.street):
        raise PermissionDenied(_("You do not work on this street's enforcement cases."))
    if ecase.case.state != "hearing_requested":
        raise ValidationError(_("A hearing is scheduled after the party asked for one."))
    if hearing_at is None:
        raise ValidationError({"hearing_at": _("Enter the day and time of the hearing.")})
    first = earliest_hearing(now)
    if timezone.localtime(hearing_at).date() < first:
        raise ValidationError(
            {
                "hearing_at": _(
                    "The party must be notified at least 7 working days before the hearing: "
                    "the earliest day is %(date)s (%(basis)s)."
                )
                % {"date": first.isoformat(), "basis": p.ART_64_2}
            }
        )
    if not note.strip():
        raise ValidationError({"note": _("Give the place of the hearing and who presides.")})
    with transaction.atomic():
        ecase.hearing_at = hearing_at
        ecase.save(update_fields=["hearing_at"])
        _save_step(
            ecase,
            StepKind.HEARING,
            actor=actor,
            now=now,
            given=StepInput(note=note),
            text=_("Hearing notice (听证通知): %(when)s, %(note)s")
            % {
                "when": timezone.localtime(hearing_at).strftime("%Y-%m-%d %H:%M"),
                "note": note.strip(),
            },
        )
        audit.record(
            actor,
            "enforcement.hearing_notice",
            ecase.case,
            after={"hearing_at": hearing_at.isoformat()},
            legal_basis=p.ART_64_2,
            scope_path=ecase.case.scope_path,
        )
    return ecase


def _hold_hearing(ecase, *, actor, now, given):
    if ecase.hearing_at is None:
        raise ValidationError(_("Notify the hearing first (%(basis)s).") % {"basis": p.ART_64_2})
    if now < ecase.hearing_at:
        raise ValidationError(_("The hearing has not taken place yet."))
    if not given.note.strip():
        raise ValidationError({"note": _("Write the hearing record (听证笔录).")})
    _move(ecase, "hold_hearing", actor=actor, now=now, note=given.note)
    # A heard case always goes through the legal review (Art. 58(2)).
    ecase.review_required = True
    ecase.review_reason = "heard"
    _save_step(ecase, StepKind.HEARING, actor=actor, now=now, given=given)


def do_require_review(ecase, *, actor, reason: str, now=None) -> EnforcementCase:
    """Flag the case as one the legal review must pass before the decision (Art. 58)."""
    now = now or timezone.now()
    if not access.works_on(actor, ecase.street):
        raise PermissionDenied(_("You do not work on this street's enforcement cases."))
    if reason not in REVIEW_REASONS:
        raise ValidationError({"review_reason": _("Choose why a legal review is required.")})
    if p.PROCEDURE.by_state[ecase.case.state].final or ecase.decided_at:
        raise ValidationError(_("The case is already decided."))
    with transaction.atomic():
        ecase.review_required, ecase.review_reason = True, reason
        ecase.save(update_fields=["review_required", "review_reason"])
        audit.record(
            actor,
            "enforcement.review_required",
            ecase.case,
            after={"reason": reason},
            legal_basis=p.ART_58,
            scope_path=ecase.case.scope_path,
        )
    return ecase


def _decide(ecase, *, actor, now, given):
    if (
        ecase.hearing_offered
        and ecase.case.state == "notified"
        and case_clocks.window_open(ecase.case, "hearing_request", now)
    ):
        raise ValidationError(
            _("The party may still ask for a hearing until the period ends (%(basis)s).")
            % {"basis": p.ART_64_1}
        )
    if ecase.review_required:
        text, draft_pk = _reviewed_text(ecase)
    else:
        text, draft_pk = given.decision_text.strip(), None
        if not text:
            raise ValidationError({"decision_text": _("Write the penalty decision.")})
    decide_clock = ecase.case.clocks.filter(name="decide", stopped_at__isnull=True).first()
    _move(ecase, "decide", actor=actor, now=now, note=given.note)
    ecase.decided_at = now
    ecase.decided_late = bool(decide_clock and now > decide_clock.due_at)
    ecase.decision_text, ecase.reviewed_draft = text, draft_pk
    ecase.decision_number = given.decision_number.strip() or f"{ecase.case.number}-D"
    _save_step(ecase, StepKind.DECISION, actor=actor, now=now, given=given, text=text)
    _start_publication(ecase, now)


def _reviewed_text(ecase) -> tuple[str, int | None]:
    """The text of the draft the legal reviewer passed: the current version, refused
    (as the engine gate refuses the step) unless that version passed."""
    draft = require_passing_review(case=ecase.case, basis=p.ART_58)
    return draft.text, draft.pk


def _serve(ecase, *, actor, now, given):
    if not given.note.strip():
        raise ValidationError({"note": _("Say how and to whom the decision was served.")})
    _move(ecase, "serve", actor=actor, now=now, note=given.note)
    ecase.served_at = now
    _save_step(ecase, StepKind.SERVICE, actor=actor, now=now, given=given)


def payment_due(ecase):
    clock = ecase.case.clocks.filter(name="payment").order_by("-pk").first()
    return clock.due_at if clock else None


def _execute(ecase, *, actor, now, given):
    paid_on = given.paid_on
    if ecase.fine and paid_on is None:
        raise ValidationError({"paid_on": _("Enter the day the fine was paid.")})
    if paid_on and paid_on > timezone.localdate(now):
        raise ValidationError({"paid_on": _("The day of payment lies in the future.")})
    due = payment_due(ecase)
    if ecase.fine and due is not None:
        ecase.surcharge = rules.surcharge(ecase.fine, timezone.localtime(due).date(), paid_on)
    _move(ecase, "execute", actor=actor, now=now, note=given.note)
    ecase.paid_at = now if paid_on else None
    ecase.outcome = _("Executed (执行完毕)")
    _save_step(
        ecase,
        StepKind.EXECUTION,
        actor=actor,
        now=now,
        given=given,
        text=given.note or str(ecase.outcome),
    )


def _no_penalty(ecase, *, actor, now, given):
    if given.first_violation and not given.corrected:
        raise ValidationError(
            {
                "corrected": _(
                    "A first violation is not penalised only when its harm is minor "
                    "and it was promptly corrected (%(basis)s)."
                )
                % {"basis": p.ART_33}
            }
        )
    _move(ecase, "no_penalty", actor=actor, now=now, note=given.note)
    ecase.first_violation = given.first_violation
    ecase.outcome = (
        _("First minor violation, promptly corrected: not penalised (首违不罚)")
        if given.first_violation
        else _("Not penalised (不予处罚)")
    )
    _save_step(ecase, StepKind.NO_PENALTY, actor=actor, now=now, given=given)


STEPS = {
    "assign": _assign,
    "file": _file,
    "not_file": _not_file,
    "on_the_spot": _on_the_spot,
    "conclude_investigation": _conclude,
    "notify": _notify,
    "request_hearing": _request_hearing,
    "hold_hearing": _hold_hearing,
    "decide": _decide,
    "serve": _serve,
    "execute": _execute,
    "no_penalty": _no_penalty,
}


# --- publication (Art. 48) ------------------------------------------------------------


def _start_publication(ecase, now) -> Publication:
    due = workdays.add(now, 7, workdays.WORKING_DAYS, current_calendar())
    publication, _created = Publication.objects.get_or_create(ecase=ecase, defaults={"due_at": due})
    return publication


def public_text(ecase) -> str:
    """The text proposed for publication: the decision with the party minimised."""
    if ecase.party_kind == PartyKind.ORGANISATION:
        party = f"{ecase.party_name}（{_('unified social credit code')}：{ecase.party_id}）"
    else:
        party = rules.mask_name(ecase.party_name)
    kinds = "、".join(str(PenaltyKind(k).label) for k in ecase.penalty_kinds)
    return _(
        "Decision %(number)s. Party: %(party)s. Matter: %(matter)s. Basis: %(basis)s. "
        "Penalty: %(kinds)s, fine %(fine)s yuan. Decided by %(organ)s on %(date)s."
    ) % {
        "number": ecase.decision_number,
        "party": party,
        "matter": ecase.matter.name,
        "basis": ecase.matter.legal_basis,
        "kinds": kinds,
        "fine": ecase.fine,
        "organ": ecase.street.name,
        "date": timezone.localtime(ecase.decided_at).date().isoformat() if ecase.decided_at else "",
    }


def do_publish(ecase, *, actor, text: str, now=None) -> Publication:
    """Publish a penalty decision (双公示) within 7 working days of the decision (Art. 48;
    国办发〔2018〕118号). Text carrying an ID number or a mobile number is refused."""
    now = now or timezone.now()
    if not access.works_on(actor, ecase.street):
        raise PermissionDenied(_("You do not work on this street's enforcement cases."))
    publication = Publication.objects.filter(ecase=ecase).first()
    if publication is None:
        raise ValidationError(_("There is no penalty decision to publish."))
    if publication.published_at:
        raise ValidationError(_("The decision is already published."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the text to publish.")})
    found = rules.personal_data_in(text)
    if found:
        raise ValidationError(
            {
                "text": _(
                    "The text carries %(what)s: personal data is not published "
                    "(%(basis)s第六条、第二十八条)."
                )
                % {"what": _(" and ").join(found), "basis": p.PIPL}
            }
        )
    with transaction.atomic():
        # A conditional update: of two clicks at once, one publishes.
        claimed = Publication.objects.filter(pk=publication.pk, published_at__isnull=True).update(
            text=text, published_at=now, on_time=now <= publication.due_at
        )
        if not claimed:
            raise ValidationError(_("The decision is already published."))
        publication.refresh_from_db()
        audit.record(
            actor,
            "enforcement.publish",
            ecase.case,
            after={"on_time": publication.on_time},
            legal_basis=f"{p.ART_48}；{p.STATE_COUNCIL_118}",
            scope_path=ecase.case.scope_path,
        )
    return publication


def do_record_annulment(ecase, *, actor, kind: str, reason: str, now=None) -> Publication:
    """The decision was annulled, changed, confirmed unlawful or void: its publication is
    withdrawn within 3 working days (Art. 48)."""
    from shanzhi.enforcement.models import Annulment

    now = now or timezone.now()
    if not access.works_on(actor, ecase.street):
        raise PermissionDenied(_("You do not work on this street's enforcement cases."))
    publication = Publication.objects.filter(ecase=ecase).first()
    if publication is None:
        raise ValidationError(_("There is no penalty decision."))
    errors = {}
    if kind not in Annulment.values:
        errors["kind"] = _("Choose what happened to the decision.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason (the decision annulling or changing it).")
    if publication.annulment:
        errors["kind"] = _("This decision was already annulled or changed.")
    _refuse_if(errors)
    with transaction.atomic():
        claimed = Publication.objects.filter(pk=publication.pk, annulment="").update(
            annulment=kind,
            annulled_at=now,
            withdraw_reason=reason.strip(),
            withdraw_due_at=workdays.add(now, 3, workdays.WORKING_DAYS, current_calendar()),
        )
        if not claimed:
            raise ValidationError({"kind": _("This decision was already annulled or changed.")})
        publication.refresh_from_db()
        audit.record(
            actor,
            "enforcement.annulment",
            ecase.case,
            after={"kind": kind},
            note=reason.strip(),
            legal_basis=p.ART_48,
            scope_path=ecase.case.scope_path,
        )
    return publication


def do_withdraw_publication(ecase, *, actor, now=None) -> Publication:
    now = now or timezone.now()
    if not access.works_on(actor, ecase.street):
        raise PermissionDenied(_("You do not work on this street's enforcement cases."))
    publication = Publication.objects.filter(ecase=ecase).first()
    if publication is None or not publication.annulment:
        raise ValidationError(
            _("A publication is withdrawn after its decision was annulled or changed (%(basis)s).")
            % {"basis": p.ART_48}
        )
    if publication.withdrawn_at:
        raise ValidationError(_("The publication is already withdrawn."))
    with transaction.atomic():
        claimed = Publication.objects.filter(pk=publication.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdraw_on_time=now <= publication.withdraw_due_at
        )
        if not claimed:
            raise ValidationError(_("The publication is already withdrawn."))
        publication.refresh_from_db()
        audit.record(
            actor,
            "enforcement.withdraw",
            ecase.case,
            after={"on_time": publication.withdraw_on_time},
            note=publication.withdraw_reason,
            legal_basis=p.ART_48,
            scope_path=ecase.case.scope_path,
        )
    return publication
