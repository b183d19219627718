"""The mediation agreement (人民调解法 Arts. 28–33): its terms written while mediating,
its conclusion — a written agreement binds from the day it is signed (Art. 29), an oral
one from the day it is reached (Art. 30) — the parties' joint request for judicial
confirmation within 30 days of that day (Art. 33), and the reminder before that window
closes (``remind_confirmations``, run by ``manage.py dispute_warnings``)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from shanzhi.cases.engine import do_transition
from shanzhi.cases.models import Clock
from shanzhi.core import audit
from shanzhi.core.notify import notify, notify_phone
from shanzhi.disputes.actions.mediation import (
    CLOCK_SKEW,
    TEXT_MAX,
    _mediation_start,
    _require_handler,
    _require_state,
)
from shanzhi.disputes.models import Agreement, AgreementKind, Dispute
from shanzhi.disputes.notices import body_people
from shanzhi.disputes.procedure import OWNER

ART29 = "《人民调解法》第二十八条、第二十九条"
ART30 = "《人民调解法》第二十八条、第三十条"
ART33 = "《人民调解法》第三十三条"
# A conclusion may be recorded a few days after the signature; the clocks then count
# from the day it was really signed, as the law does.
LATE_RECORDING = timedelta(days=7)
REMIND_BEFORE = timedelta(days=7)


def do_write_agreement(dispute, *, actor, kind: str, facts: str, terms: str, performance: str):
    """Write (or rewrite) the agreement's terms while mediating; nothing binds yet."""
    case = dispute.case
    _require_state(case, "mediating")
    _require_handler(actor, case)
    errors = {}
    facts, terms, performance = (
        (facts or "").strip(),
        (terms or "").strip(),
        (performance or "").strip(),
    )
    if kind not in AgreementKind.values:
        errors["kind"] = _("Choose a written or an oral agreement.")
    if not terms:
        errors["terms"] = _("Write down what the parties agreed.")
    if kind == AgreementKind.WRITTEN and not facts:
        errors["facts"] = _("A written agreement states the facts and the matters in dispute.")
    for field, value in (("facts", facts), ("terms", terms), ("performance", performance)):
        if len(value) > TEXT_MAX:
            errors[field] = _("At most %(n)d characters.") % {"n": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement, created = Agreement.objects.select_for_update().get_or_create(
            dispute=dispute,
            defaults={
                "kind": kind,
                "facts": facts,
                "terms": terms,
                "performance": performance,
                "written_by": actor,
            },
        )
        if agreement.effective_at is not None:
            raise ValidationError(_("The agreement is already in effect and is not changed."))
        if not created:
            agreement.kind, agreement.facts, agreement.terms = kind, facts, terms
            agreement.performance, agreement.written_by = performance, actor
            agreement.updated = timezone.now()
            agreement.save()
        audit.record(
            actor,
            "dispute.agreement_draft",
            case,
            after={"kind": kind, "terms_chars": len(terms)},
            legal_basis=ART29 if kind == AgreementKind.WRITTEN else ART30,
            scope_path=case.scope_path,
        )
    return agreement


def do_conclude_agreement(dispute, *, actor, at, now=None):
    """The agreement is signed (written) or reached (oral) at ``at``: it binds from then,
    mediation ends, and for a written one the judicial-confirmation window opens, of
    which the mediating body and the parties are told."""
    now = now or timezone.now()
    case = dispute.case
    _require_state(case, "mediating")
    _require_handler(actor, case)
    agreement = Agreement.objects.filter(dispute=dispute).first()
    if agreement is None:
        raise ValidationError(_("Write the agreement's terms first."))
    if at is None:
        raise ValidationError({"at": _("Say when the agreement was signed or reached.")})
    if at > now + CLOCK_SKEW:
        raise ValidationError({"at": _("An agreement is recorded once it is signed or reached.")})
    if at < now - LATE_RECORDING:
        raise ValidationError({"at": _("Record an agreement within seven days of its signature.")})
    if at < _mediation_start(case) - CLOCK_SKEW:
        raise ValidationError({"at": _("The agreement cannot predate the start of mediation.")})
    written = agreement.kind == AgreementKind.WRITTEN
    action = "agree_written" if written else "agree_oral"
    with translation.override(settings.LANGUAGE_CODE):
        note = (
            _("Written agreement signed on %(date)s.")
            if written
            else _("Oral agreement reached on %(date)s.")
        ) % {"date": formats.date_format(timezone.localtime(at), "DATE_FORMAT")}
    with transaction.atomic():
        claimed = Agreement.objects.filter(pk=agreement.pk, effective_at__isnull=True).update(
            effective_at=at
        )
        if not claimed:
            raise ValidationError(_("The agreement is already in effect."))
        # The clocks count from the day it binds, not from the day it is recorded.
        do_transition(
            case, action, actor=actor, note=note, now=max(at, _mediation_start(case)), owner=OWNER
        )
        agreement.refresh_from_db()
        if written:
            _tell_confirmation_window(dispute, case, agreement)
    return agreement


def confirmation_window(case) -> Clock | None:
    return Clock.objects.filter(case=case, name="confirmation").order_by("-started_at").first()


def _window_text(agreement, window) -> tuple[str, str]:
    last = formats.date_format(timezone.localtime(window.due_at), "DATE_FORMAT")
    subject = _("Judicial confirmation: the parties may apply until %(date)s") % {"date": last}
    body = _(
        "The written agreement of %(number)s took effect on %(start)s. If the parties think "
        "it necessary, they may jointly ask the people's court to confirm it until %(date)s "
        "(%(law)s)."
    ) % {
        "number": agreement.dispute.case.number,
        "start": formats.date_format(timezone.localtime(agreement.effective_at), "DATE_FORMAT"),
        "date": last,
        "law": ART33,
    }
    return subject, body


def _tell_confirmation_window(dispute, case, agreement) -> None:
    window = confirmation_window(case)
    if window is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _window_text(agreement, window)
        notify(
            body_people(case.responsible_body),
            subject,
            body,
            reverse("disputes:dispute", args=[case.number]),
        )
        for party in dispute.parties.exclude(phone=""):
            notify_phone(party.phone, subject, body)


def do_record_confirmation_request(dispute, *, actor, requested_on, court: str, now=None):
    """The parties jointly asked a court to confirm the written agreement: recorded when
    it was within 30 days of the agreement taking effect (Art. 33)."""
    now = now or timezone.now()
    case = dispute.case
    _require_handler(actor, case)
    agreement = Agreement.objects.filter(dispute=dispute).first()
    if agreement is None or agreement.kind != AgreementKind.WRITTEN or not agreement.effective_at:
        raise ValidationError(_("Only a written agreement in effect is confirmed by a court."))
    if agreement.confirmation_requested_on is not None:
        raise ValidationError(_("The request for confirmation is already recorded."))
    court = (court or "").strip()
    errors = {}
    if not court:
        errors["court"] = _("Name the court.")
    if requested_on is None:
        errors["requested_on"] = _("Say when the parties applied.")
    if errors:
        raise ValidationError(errors)
    window = confirmation_window(case)
    today = timezone.localdate(now)
    start = timezone.localdate(agreement.effective_at)
    last = timezone.localdate(window.due_at) if window else None
    if requested_on > today:
        raise ValidationError({"requested_on": _("The date lies in the future.")})
    if requested_on < start:
        raise ValidationError({"requested_on": _("The agreement was not yet in effect then.")})
    if last is None or requested_on > last:
        raise ValidationError(
            {
                "requested_on": _(
                    "Too late: the parties may apply within 30 days of the agreement taking "
                    "effect (%(law)s), that is until %(date)s."
                )
                % {"law": ART33, "date": formats.date_format(last, "DATE_FORMAT") if last else "—"}
            }
        )
    with transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(
            confirmation_requested_on=requested_on, confirmation_court=court[:100]
        )
        audit.record(
            actor,
            "dispute.confirmation_request",
            case,
            after={"requested_on": requested_on, "court": court[:100]},
            legal_basis=ART33,
            scope_path=case.scope_path,
        )
    agreement.refresh_from_db()
    return agreement


def remind_confirmations(now=None) -> int:
    """Remind, once, of each judicial-confirmation window that closes within
    ``REMIND_BEFORE`` while no request is recorded: the mediating body in the platform,
    the parties by text message. Safe on several hosts: each reminder is claimed by a
    conditional UPDATE carrying this run's token."""
    now = now or timezone.now()
    token = secrets.token_hex(8)
    closing = Clock.objects.filter(
        case_id=OuterRef("dispute__case_id"),
        name="confirmation",
        stopped_at__isnull=True,
        due_at__gt=now,
        due_at__lte=now + REMIND_BEFORE,
    )
    due = (
        Agreement.objects.filter(
            kind=AgreementKind.WRITTEN,
            reminded_at__isnull=True,
            effective_at__isnull=False,
            confirmation_requested_on__isnull=True,
        )
        .filter(Exists(closing))
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due[:1000]):
        with transaction.atomic():
            claimed = Agreement.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=now, reminder_claim=token
            )
            if not claimed:
                continue  # another sweeper took it
            agreement = Agreement.objects.select_related("dispute__case__responsible_body").get(
                pk=pk
            )
            dispute: Dispute = agreement.dispute
            case = dispute.case
            _tell_confirmation_window(dispute, case, agreement)
            audit.record(
                None,
                "dispute.confirmation_reminder",
                case,
                after={"window_closes": confirmation_window(case).due_at},
                legal_basis=ART33,
                scope_path=case.scope_path,
            )
            sent += 1
    return sent
