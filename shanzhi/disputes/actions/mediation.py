"""Registering a dispute and carrying its mediation: taking it up with a committee and
mediators, sessions, a longer period the parties agree on, ending without agreement,
the follow-up visit. The state, clocks and timeline are the case engine's
(``do_create_case``, ``do_transition``); this app keeps the dispute's own facts. Each
action runs in one transaction and writes its audit event on the case."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.cases.access import parties_of
from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Channel, Clock
from shanzhi.cases.procedure import Party
from shanzhi.core import audit
from shanzhi.disputes.access import DISPUTE_REGISTRARS, handles, holds_at
from shanzhi.disputes.actions.committees import committee_problems
from shanzhi.disputes.actions.risks import check_people
from shanzhi.disputes.models import (
    Dispute,
    DisputeCategory,
    DisputeMediator,
    DisputeParty,
    DisputeScale,
    PartyKind,
    Performance,
    Remedy,
    Session,
)
from shanzhi.disputes.places import located
from shanzhi.disputes.procedure import OWNER
from shanzhi.org.models import Level

LAW = "《人民调解法》"
TEXT_MAX = 4000
# A phone's or a browser's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)
MAX_AGREED_DAYS = 365


@dataclass
class PartyInput:
    name: str
    kind: str = PartyKind.PERSON
    phone: str = ""
    address: str = ""
    person: object = None  # a registry.Person


def _require_handler(actor, case) -> None:
    if not handles(actor, case):
        raise PermissionDenied(_("Only those acting for the mediating body may do this."))


def _require_state(case, *states) -> None:
    if case.state not in states:
        raise ValidationError(
            _("Not possible while the dispute is %(state)s.") % {"state": case.get_state_display()}
        )


def _clean_parties(actor, parties, people_involved) -> list[PartyInput]:
    cleaned = []
    for p in parties:
        name = (p.name or "").strip()
        if not name:
            continue
        if p.kind not in PartyKind.values:
            raise ValidationError(
                {
                    "parties": _("Say whether %(name)s is a person or an organisation.")
                    % {"name": name}
                }
            )
        cleaned.append(
            PartyInput(
                name=name[:100],
                kind=p.kind,
                phone=(p.phone or "").strip()[:20],
                address=(p.address or "").strip()[:200],
                person=p.person,
            )
        )
    if len(cleaned) < 2:
        raise ValidationError({"parties": _("A dispute has at least two parties: name them.")})
    persons = sum(1 for p in cleaned if p.kind == PartyKind.PERSON)
    if people_involved is not None and people_involved < persons:
        raise ValidationError(
            {
                "people_involved": _("At least the %(n)d parties who are persons are involved.")
                % {"n": persons}
            }
        )
    check_people(actor, [p.person for p in cleaned if p.person is not None], None)
    return cleaned


def do_register_dispute(
    *,
    actor,
    grid,
    title: str,
    description: str,
    category: str,
    scale: str,
    people_involved: int,
    parties: list[PartyInput],
    channel: str = Channel.VISIT,
    lon=None,
    lat=None,
    address: str = "",
    now=None,
) -> Dispute:
    """A dispute brought to a committee (Art. 17: a party applies, or the committee takes
    it up of its own accord): a mediation case in ``grid`` with its GB/T 31000 facts and
    parties. The first party is the case's requester (told of each step)."""
    now = now or timezone.now()
    if grid is None or grid.level != Level.GRID or not grid.is_active:
        raise ValidationError({"grid": _("Choose an active grid.")})
    if not holds_at(actor, grid.path, DISPUTE_REGISTRARS):
        raise PermissionDenied(_("You do not register disputes in this grid."))
    errors = {}
    if category not in DisputeCategory.values:
        errors["category"] = _("Choose the kind of dispute.")
    if scale not in DisputeScale.values:
        errors["scale"] = _("Choose the scale of the dispute.")
    if people_involved is None or people_involved < 1:
        errors["people_involved"] = _("At least one person is involved.")
    if len((description or "").strip()) > TEXT_MAX:
        errors["description"] = _("At most %(n)d characters.") % {"n": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    parties = _clean_parties(actor, parties, people_involved)
    lon, lat, address = located(grid, lon, lat, address)
    first = parties[0]
    intake = Intake(
        procedure="mediation",
        channel=channel,
        title=(title or "").strip(),
        description=(description or "").strip(),
        lon=lon,
        lat=lat,
        address=address,
        requester_name=first.name[:50],
        requester_phone=first.phone,
    )
    with transaction.atomic():
        case = do_create_case(intake, actor=actor, now=now, owner=OWNER)
        dispute = Dispute.objects.create(
            case=case,
            category=category,
            scale=scale,
            people_involved=people_involved,
            grid=grid,
        )
        DisputeParty.objects.bulk_create(
            DisputeParty(
                dispute=dispute,
                position=n,
                kind=p.kind,
                name=p.name,
                phone=p.phone,
                address=p.address,
                person=p.person,
            )
            for n, p in enumerate(parties, 1)
        )
        audit.record(
            actor,
            "dispute.register",
            case,
            after={
                "category": category,
                "scale": scale,
                "people_involved": people_involved,
                "parties": len(parties),
                "grid": grid.code,
            },
            legal_basis=f"{LAW}第十七条",
            scope_path=case.scope_path,
        )
    return dispute


def do_accept_dispute(dispute, *, actor, committee, mediators, lead, note: str = "", now=None):
    """Take the dispute up (受理) with ``committee``, naming its mediators (Art. 19): the
    case goes to the body that set the committee up, and the mediation period starts."""
    case = dispute.case
    _require_state(case, "applied")
    if not parties_of(actor, case) & {Party.DISPATCHER, Party.COMMUNITY}:
        raise PermissionDenied(
            _("The community or the street's dispatch centre takes disputes up.")
        )
    if committee is None:
        raise ValidationError({"committee": _("Choose the mediation committee.")})
    problems = committee_problems(committee)
    if problems:
        raise ValidationError({"committee": problems})
    mediators = list(mediators)
    if not mediators:
        raise ValidationError(
            {"mediators": _("Name at least one mediator (《人民调解法》第十九条).")}
        )
    if any(m.committee_id != committee.pk or not m.is_active for m in mediators):
        raise ValidationError({"mediators": _("Mediators are serving members of the committee.")})
    if lead is None or lead not in mediators:
        raise ValidationError({"lead": _("Choose the lead mediator among the mediators.")})
    if dispute.parties.count() < 2:
        raise ValidationError(_("A dispute has at least two parties: name them first."))
    with transaction.atomic():
        do_transition(
            case,
            "accept_mediation",
            actor=actor,
            body=committee.body,
            note=note,
            now=now,
            owner=OWNER,
        )
        Dispute.objects.filter(pk=dispute.pk).update(committee=committee)
        dispute.committee = committee
        DisputeMediator.objects.bulk_create(
            DisputeMediator(dispute=dispute, member=m, lead=(m.pk == lead.pk)) for m in mediators
        )
    return dispute


def do_decline_dispute(dispute, *, actor, note: str, now=None):
    _require_state(dispute.case, "applied")
    do_transition(dispute.case, "decline_mediation", actor=actor, note=note, now=now, owner=OWNER)
    return dispute


def do_record_session(dispute, *, actor, held_at, place: str, attendees: str, notes: str, now=None):
    """Record a session (Art. 27: the mediator records how mediation went)."""
    now = now or timezone.now()
    case = dispute.case
    _require_state(case, "mediating")
    _require_handler(actor, case)
    errors = {}
    if held_at is None:
        errors["held_at"] = _("Say when the session was held.")
    elif held_at > now + CLOCK_SKEW:
        errors["held_at"] = _("A session is recorded after it was held.")
    elif held_at < _mediation_start(case) - CLOCK_SKEW:
        errors["held_at"] = _("The session was held before the dispute was taken up.")
    for field, value, message in (
        ("place", place, _("Say where the session was held.")),
        ("attendees", attendees, _("Say who was present.")),
        ("notes", notes, _("Write down how the session went.")),
    ):
        if not (value or "").strip():
            errors[field] = message
    if len((notes or "").strip()) > TEXT_MAX:
        errors["notes"] = _("At most %(n)d characters.") % {"n": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = Session.objects.create(
            dispute=dispute,
            held_at=held_at,
            place=place.strip()[:200],
            attendees=attendees.strip()[:500],
            notes=notes.strip(),
            recorded_by=actor,
        )
        audit.record(
            actor,
            "dispute.session",
            case,
            after={"session": session.pk, "held_at": held_at, "place": session.place},
            legal_basis=f"{LAW}第二十七条",
            scope_path=case.scope_path,
        )
    return session


def _mediation_start(case):
    clock = Clock.objects.filter(case=case, name="mediation").order_by("-started_at").first()
    return clock.started_at if clock else case.created


def mediation_clock(case):
    return Clock.objects.filter(case=case, name="mediation", stopped_at__isnull=True).first()


def do_agree_period(dispute, *, actor, days: int, agreement: str, now=None):
    """The parties agree to mediate longer than the period in force: recorded with their
    agreement, and the running period is extended by ``days`` from its end."""
    case = dispute.case
    _require_state(case, "mediating")
    _require_handler(actor, case)
    clock = mediation_clock(case)
    if clock is None or clock.paused_at is not None:
        raise ValidationError(_("No mediation period is running."))
    agreement = (agreement or "").strip()
    errors = {}
    if not agreement:
        errors["agreement"] = _(
            "Record how the parties agreed on the period (who, when, in what form)."
        )
    if days is None or days < 1:
        errors["days"] = _("Give the number of days the parties agreed to add.")
    elif dispute.agreed_extension_days + days > MAX_AGREED_DAYS:
        errors["days"] = _("At most %(n)d days in all.") % {"n": MAX_AGREED_DAYS}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        do_transition(
            case,
            "record_agreed_period",
            actor=actor,
            note=agreement,
            extension=days,
            now=now,
            owner=OWNER,
        )
        do_transition(
            case,
            "apply_agreed_period",
            actor=actor,
            note=agreement,
            extension=days,
            now=now,
            owner=OWNER,
        )
        total = dispute.agreed_extension_days + days
        text = f"{dispute.period_agreement}\n{agreement}".strip()
        Dispute.objects.filter(pk=dispute.pk).update(
            agreed_extension_days=total, period_agreement=text
        )
        dispute.agreed_extension_days, dispute.period_agreement = total, text
    return dispute


def do_end_mediation(dispute, *, actor, reason: str, remedy: str, remedy_detail: str, now=None):
    """Mediation fails, or a party asks to end it: it ends, and the parties are told which
    other remedy they have (Art. 26), named here."""
    case = dispute.case
    _require_state(case, "mediating")
    _require_handler(actor, case)
    errors = {}
    reason, remedy_detail = (reason or "").strip(), (remedy_detail or "").strip()
    if not reason:
        errors["reason"] = _("Say why mediation ends.")
    if remedy not in Remedy.values:
        errors["remedy"] = _(
            "Choose the remedy the parties were told of (《人民调解法》第二十六条)."
        )
    if not remedy_detail:
        errors["remedy_detail"] = _("Name the remedy: which court, arbitration commission or body.")
    if errors:
        raise ValidationError(errors)
    note = _("%(reason)s — other remedy: %(remedy)s, %(detail)s") % {
        "reason": reason,
        "remedy": Remedy(remedy).label,
        "detail": remedy_detail,
    }
    with transaction.atomic():
        do_transition(case, "end_mediation", actor=actor, note=note, now=now, owner=OWNER)
        Dispute.objects.filter(pk=dispute.pk).update(
            remedy=remedy, remedy_detail=remedy_detail[:200]
        )
        dispute.remedy, dispute.remedy_detail = remedy, remedy_detail[:200]
    return dispute


def do_record_follow_up(dispute, *, actor, performance: str, note: str, evaluation=None, now=None):
    """The follow-up visit: how the agreement is performed (Art. 31: the committee
    supervises performance), and the parties' evaluation (1–5) when they give one."""
    case = dispute.case
    _require_state(case, "agreed")
    errors = {}
    if performance not in Performance.values:
        errors["performance"] = _("Say how the agreement is performed.")
    if not (note or "").strip():
        errors["note"] = _("Write down what the visit found.")
    if evaluation is not None and evaluation not in range(1, 6):
        errors["evaluation"] = _("Choose a rating from 1 to 5.")
    if errors:
        raise ValidationError(errors)
    text = f"{Performance(performance).label}: {note.strip()}"
    with transaction.atomic():
        do_transition(case, "follow_up", actor=actor, note=text, now=now, owner=OWNER)
        Dispute.objects.filter(pk=dispute.pk).update(performance=performance, evaluation=evaluation)
        dispute.performance, dispute.evaluation = performance, evaluation
    return dispute
