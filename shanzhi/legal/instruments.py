"""Normative documents (规范性文件), major administrative decisions (重大行政决策) and
contracts (合同): drafted by a body, opened for public consultation, reviewed, issued.

- A major decision is put to public consultation for at least 30 days
  (《重大行政决策程序暂行条例》第十五条) and issued only after the consultation has ended.
- None is issued unless the current version of its draft passed legal review
  (《重大行政决策程序暂行条例》第二十五条、第二十六条; for normative documents 国办发〔2018〕115号
  合法性审核). The consultation does not replace the review.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.legal import access, procedures
from shanzhi.legal.actions import do_save_draft
from shanzhi.legal.gate import require_passing_review
from shanzhi.legal.models import INSTRUMENT_KINDS, ActKind, Instrument, InstrumentState

# The rule an instrument's issue needs a passing review by.
ISSUE_BASES = {
    ActKind.MAJOR_DECISION: procedures.DECISION_ART_25_26,
    ActKind.NORMATIVE_DOCUMENT: procedures.NORMATIVE_DOCUMENTS,
    # Contracts of a government body are reviewed in the same way as its decisions
    # (DOMAIN §3.4).
    ActKind.CONTRACT: procedures.DECISION_ART_25_26,
}


def _require_drafter(actor, instrument) -> None:
    if not access.may_draft(actor, instrument):
        raise PermissionDenied(
            _("Only the staff of %(body)s change its instruments.") % {"body": instrument.body.name}
        )


def do_create_instrument(*, kind, title, body, text, actor, now=None) -> Instrument:
    """A new instrument of ``body`` with the first version of its draft."""
    now = now or timezone.now()
    errors = {}
    if kind not in [k.value for k in INSTRUMENT_KINDS]:
        errors["kind"] = _("Choose a normative document, a major decision or a contract.")
    if body is None:
        errors["body"] = _("Choose the issuing body.")
    if not (title or "").strip():
        errors["title"] = _("Give the draft a title.")
    if errors:
        raise ValidationError(errors)
    instrument = Instrument(
        kind=kind, title=title.strip()[:200], body=body, created_by=actor, created=now
    )
    _require_drafter(actor, instrument)
    with transaction.atomic():
        instrument.save()
        do_save_draft(
            kind=kind,
            title=instrument.title,
            text=text,
            actor=actor,
            instrument=instrument,
            now=now,
        )
        audit.record(
            actor,
            "legal.instrument",
            instrument,
            after={"kind": kind, "body": body.pk},
            scope_path=body.region.path,
        )
    return instrument


def consultation_days(starts_on: date, ends_on: date) -> int:
    """Days of a consultation open from ``starts_on`` to ``ends_on``, both included."""
    return (ends_on - starts_on).days + 1


def do_open_consultation(instrument, *, actor, starts_on, ends_on) -> Instrument:
    """Set the public consultation period (征求意见). For a major decision it is at least
    30 days (《重大行政决策程序暂行条例》第十五条)."""
    _require_drafter(actor, instrument)
    errors = {}
    if instrument.state == InstrumentState.ISSUED:
        raise ValidationError(_("This instrument is already issued."))
    if starts_on is None:
        errors["starts_on"] = _("Give the first day of the consultation.")
    if ends_on is None:
        errors["ends_on"] = _("Give the last day of the consultation.")
    if errors:
        raise ValidationError(errors)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The consultation ends before it starts.")})
    days = consultation_days(starts_on, ends_on)
    if instrument.kind == ActKind.MAJOR_DECISION and days < procedures.MIN_CONSULTATION_DAYS:
        raise ValidationError(
            {
                "ends_on": _(
                    "The public consultation on a major administrative decision lasts at "
                    "least 30 days (%(basis)s); this one lasts %(days)s."
                )
                % {"basis": procedures.DECISION_ART_15, "days": days}
            }
        )
    with transaction.atomic():
        before = {
            "starts": instrument.consultation_starts,
            "ends": instrument.consultation_ends,
            "state": instrument.state,
        }
        instrument.consultation_starts, instrument.consultation_ends = starts_on, ends_on
        if instrument.state == InstrumentState.DRAFT:
            instrument.state = InstrumentState.CONSULTING
        instrument.save(update_fields=["consultation_starts", "consultation_ends", "state"])
        audit.record(
            actor,
            "legal.consultation",
            instrument,
            before=before,
            after={"starts": starts_on, "ends": ends_on, "days": days, "state": instrument.state},
            legal_basis=procedures.DECISION_ART_15,
            scope_path=instrument.body.region.path,
        )
    return instrument


def issue_problem(instrument, now) -> str:
    """Why the instrument may not be issued yet, besides its review ("" when nothing)."""
    if instrument.state == InstrumentState.ISSUED:
        return _("This instrument is already issued.")
    if instrument.kind != ActKind.MAJOR_DECISION:
        return ""
    today = timezone.localdate(now)
    if instrument.consultation_ends is None:
        return _(
            "A major administrative decision is put to public consultation for at least 30 "
            "days before it is decided (%(basis)s)."
        ) % {"basis": procedures.DECISION_ART_15}
    if instrument.consultation_ends >= today:
        return _(
            "The public consultation runs until %(day)s: the decision is taken after it has "
            "ended (%(basis)s)."
        ) % {"day": instrument.consultation_ends.isoformat(), "basis": procedures.DECISION_ART_15}
    return ""


def do_issue_instrument(instrument, *, actor, now=None) -> Instrument:
    """Issue the instrument: only when the current version of its draft passed legal
    review, and for a major decision after its public consultation ended."""
    now = now or timezone.now()
    _require_drafter(actor, instrument)
    problem = issue_problem(instrument, now)
    if problem:
        raise ValidationError(problem)
    basis = ISSUE_BASES[instrument.kind]
    with transaction.atomic():
        locked = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if locked.state == InstrumentState.ISSUED:
            raise ValidationError(_("This instrument is already issued."))
        draft = require_passing_review(instrument=locked, basis=basis)
        Instrument.objects.filter(pk=locked.pk).update(
            state=InstrumentState.ISSUED, issued_at=now, issued_by=actor
        )
        instrument.state, instrument.issued_at, instrument.issued_by = (
            InstrumentState.ISSUED,
            now,
            actor,
        )
        audit.record(
            actor,
            "legal.issue",
            instrument,
            after={"version": draft.version, "digest": draft.digest},
            legal_basis=basis,
            scope_path=instrument.body.region.path,
        )
    return instrument
