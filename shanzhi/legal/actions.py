"""Saving drafts, asking for legal review, giving the request to a reviewer and giving
the opinion. Each is one transaction with its audit event; the review case is created
and moved by the case engine on this app's behalf (``owner="legal"``).

The contract other apps call (the enforcement app's penalty decision):
``do_save_draft``, ``do_request_review``, ``do_assign_review``, ``do_give_opinion``
here and ``current_draft``, ``require_passing_review`` in ``gate.py``.
"""

import hashlib
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Channel
from shanzhi.core import audit
from shanzhi.core.roles import Role
from shanzhi.duties import routing
from shanzhi.duties.calendar import current_calendar
from shanzhi.duties.models import Urgency
from shanzhi.legal import access, procedures
from shanzhi.legal.gate import current_draft, latest_opinion
from shanzhi.legal.models import (
    ActKind,
    Draft,
    Instrument,
    InstrumentState,
    Opinion,
    Outcome,
    Reviewer,
    ReviewRequest,
)
from shanzhi.lib import workdays
from shanzhi.org.models import Level, Membership, Region

# A certificate number as printed (法律职业资格证书编号): letters, digits and hyphens.
CERTIFICATE = re.compile(r"[A-Z0-9-]{6,40}")


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_text(text: str) -> str:
    """The stored form of a draft's text: one kind of line end, no surrounding blanks
    (a form posts CR LF), so that the same text always has the same digest."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _scope_path(case=None, instrument=None) -> str:
    if case is not None:
        return case.scope_path
    return instrument.body.region.path


def do_save_draft(*, kind, title, text, actor, case=None, instrument=None, now=None) -> Draft:
    """Save a version of the draft of ``case`` or ``instrument``. A text equal to the
    current version's returns the current draft unchanged (whatever the title); a
    different text is version n+1 with the SHA-256 digest of the text."""
    now = now or timezone.now()
    if (case is None) == (instrument is None):
        raise ValidationError(_("A draft belongs to one case or to one instrument."))
    title, text = (title or "").strip(), clean_text(text)
    errors = {}
    if kind not in ActKind.values:
        errors["kind"] = _("Choose the kind of act.")
    elif instrument is not None and kind != instrument.kind:
        errors["kind"] = _("The draft of an instrument is of the instrument's kind.")
    elif case is not None and kind != ActKind.ENFORCEMENT_DECISION:
        errors["kind"] = _("The draft of a case's decision is a major enforcement decision.")
    if not title:
        errors["title"] = _("Give the draft a title.")
    elif len(title) > 200:
        errors["title"] = _("A title has at most 200 characters.")
    if not text:
        errors["text"] = _("The draft has no text.")
    if errors:
        raise ValidationError(errors)
    if instrument is not None:
        if not access.may_draft(actor, instrument):
            raise PermissionDenied(
                _("Only the staff of %(body)s change its instruments.")
                % {"body": instrument.body.name}
            )
        if instrument.state == InstrumentState.ISSUED:
            raise ValidationError(
                {"text": _("An issued instrument is not changed: draft a new one.")}
            )
    elif not access.may_request(actor, Draft(case=case)):
        raise PermissionDenied(
            _("Only those who draft this act may save it or ask for its review.")
        )
    try:
        with transaction.atomic():
            current = current_draft(case=case, instrument=instrument)
            if current is not None and current.text == text:
                return current
            draft = Draft.objects.create(
                case=case,
                instrument=instrument,
                kind=kind,
                title=title,
                text=text,
                version=current.version + 1 if current else 1,
                digest=digest_of(text),
                created_by=actor,
                created=now,
            )
            if instrument is not None and instrument.state == InstrumentState.REVIEWED:
                # The reviewed version is no longer the current one.
                back = (
                    InstrumentState.CONSULTING
                    if instrument.consultation_starts
                    else InstrumentState.DRAFT
                )
                Instrument.objects.filter(pk=instrument.pk, state=InstrumentState.REVIEWED).update(
                    state=back
                )
                instrument.state = back
            audit.record(
                actor,
                "legal.draft",
                draft,
                after={"version": draft.version, "digest": draft.digest, "kind": kind},
                legal_basis=procedures.PENALTY_ART_58
                if case is not None
                else procedures.DECISION_ART_25_26,
                scope_path=_scope_path(case, instrument),
            )
    except IntegrityError:
        raise ValidationError(
            _("Someone saved another version of this draft a moment ago; please reload.")
        ) from None
    return draft


def review_period_problem(kind: str, now) -> str:
    """Why the configured review period may not be used ("" when it may): for a major
    administrative decision it is never less than 7 working days (Art. 26)."""
    if kind != ActKind.MAJOR_DECISION:
        return ""
    row = routing.time_limit(procedures.KEY, "review", None, Urgency.NORMAL)
    if row is None:
        return ""
    calendar = current_calendar()
    configured = workdays.add(now, float(row.value), row.unit, calendar)
    least = workdays.add(now, procedures.MIN_REVIEW_DAYS, workdays.WORKING_DAYS, calendar)
    if configured >= least:
        return ""
    return _(
        "The review period set in the time-limit table (%(value)s %(unit)s) is shorter than "
        "the 7 working days a major administrative decision must leave the reviewer "
        "(%(basis)s): ask the administrator to correct it."
    ) % {
        "value": row.value,
        "unit": row.get_unit_display(),
        "basis": procedures.DECISION_ART_26,
    }


def _address(scope_path: str) -> str:
    """Names of the street and community of a place, so that the engine locates the
    review case there (the district for anything above a street)."""
    parts = [p for p in scope_path.strip("/").split("/") if p]
    ancestors = ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]
    units = Region.objects.filter(
        path__in=ancestors, level__in=(Level.STREET, Level.COMMUNITY)
    ).order_by("path")
    return " ".join(unit.name for unit in units)


def do_request_review(draft: Draft, *, actor, reason: str = "", now=None) -> ReviewRequest:
    """Send the current version of a draft for legal review. The review case starts the
    review period (7 working days by default, Art. 26). A version whose earlier version
    passed after changes asks the reviewer to confirm the changes."""
    now = now or timezone.now()
    access.require_request(actor, draft)
    current = current_draft(case=draft.case, instrument=draft.instrument)
    if current is None or current.pk != draft.pk:
        raise ValidationError(
            {
                "draft": _("Only the current version of a draft is reviewed (version %(version)s).")
                % {"version": current.version if current else draft.version}
            }
        )
    if draft.instrument_id and draft.instrument.state == InstrumentState.ISSUED:
        raise ValidationError({"draft": _("This instrument is already issued.")})
    if draft.requests.filter(opinion__isnull=True).exists():
        raise ValidationError({"draft": _("This version is already under legal review.")})
    if draft.requests.filter(opinion__isnull=False).exists():
        raise ValidationError(
            {
                "draft": _(
                    "This version already has an opinion: save a changed version to ask again."
                )
            }
        )
    problem = review_period_problem(draft.kind, now)
    if problem:
        raise ValidationError({"draft": problem})
    previous = draft.previous()
    earlier = latest_opinion(previous) if previous is not None else None
    confirms = earlier if earlier and earlier.outcome == Outcome.PASS_WITH_CHANGES else None
    scope_path = _scope_path(draft.case, draft.instrument)
    body = draft.instrument.body if draft.instrument_id else draft.case.responsible_body
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the deployment's
        title = _("Legal review: %(title)s") % {"title": draft.title}
        description = (reason or "").strip() or _("Version %(version)s of %(kind)s") % {
            "version": draft.version,
            "kind": draft.get_kind_display(),
        }
    intake = Intake(
        procedure=procedures.KEY,
        channel=Channel.WEB,
        title=title[:120],
        description=description,
        address=_address(scope_path),
        # The one who asks is the review case's requester: told of the opinion.
        requester=actor,
    )
    with transaction.atomic():
        case = do_create_case(intake, actor=actor, now=now, owner=procedures.OWNER)
        clock = case.clocks.get(name="review")
        request = ReviewRequest.objects.create(
            case=case,
            draft=draft,
            kind=draft.kind,
            reason=(reason or "").strip(),
            body=body,
            scope_path=case.scope_path,
            requested_by=actor,
            requested_at=now,
            due_at=clock.due_at,
            confirms=confirms,
        )
        audit.record(
            actor,
            "legal.request",
            case,
            after={
                "draft": draft.pk,
                "version": draft.version,
                "digest": draft.digest,
                "kind": draft.kind,
                "due": clock.due_at,
                "confirms": confirms.pk if confirms else None,
            },
            note=request.reason,
            legal_basis=clock.legal_basis,
            scope_path=case.scope_path,
        )
    return request


def is_first_time(reviewer, kind: str) -> bool:
    """A review of a penalty decision by someone who has given no such opinion before:
    初次从事行政处罚决定法制审核 (《行政处罚法》第五十八条第二款)."""
    if kind != ActKind.ENFORCEMENT_DECISION:
        return False
    return not Opinion.objects.filter(
        reviewer=reviewer, request__kind=ActKind.ENFORCEMENT_DECISION
    ).exists()


def do_assign_review(request: ReviewRequest, *, reviewer, actor, now=None) -> ReviewRequest:
    """Give the request to a legal adviser whose area covers it. Someone reviewing a
    penalty decision for the first time must hold the national legal professional
    qualification (《行政处罚法》第五十八条第二款)."""
    now = now or timezone.now()
    if not access.may_assign(actor, request):
        raise PermissionDenied(
            _("Only a legal adviser or leader over this area gives out reviews.")
        )
    if request.reviewer_id is not None or _has_opinion(request):
        raise ValidationError({"reviewer": _("This request is already with a reviewer.")})
    if (
        reviewer is None
        or not access.qualified_advisers(request.scope_path).filter(pk=reviewer.pk).exists()
    ):
        raise ValidationError(
            {"reviewer": _("Choose a legal adviser whose area covers this request.")}
        )
    first_time = is_first_time(reviewer, request.kind)
    if first_time and not Reviewer.objects.filter(user=reviewer).exists():
        raise ValidationError(
            {
                "reviewer": _(
                    "%(name)s has no record of the national legal professional qualification "
                    "(法律职业资格): someone doing legal review of penalty decisions for the "
                    "first time must hold it (%(basis)s第二款)."
                )
                % {"name": reviewer.display_name, "basis": procedures.PENALTY_ART_58}
            }
        )
    with transaction.atomic():
        do_transition(
            request.case,
            "assign_reviewer",
            actor=actor,
            note=reviewer.display_name,
            now=now,
            owner=procedures.OWNER,
        )
        updated = ReviewRequest.objects.filter(pk=request.pk, reviewer__isnull=True).update(
            reviewer=reviewer, assigned_at=now, first_time=first_time
        )
        if not updated:
            raise ValidationError({"reviewer": _("This request is already with a reviewer.")})
        request.reviewer, request.assigned_at, request.first_time = reviewer, now, first_time
        audit.record(
            actor,
            "legal.assign",
            request.case,
            after={"reviewer": reviewer.pk, "first_time": first_time},
            legal_basis=procedures.PENALTY_ART_58,
            scope_path=request.scope_path,
        )
    return request


def _has_opinion(request) -> bool:
    return Opinion.objects.filter(request=request).exists()


def do_give_opinion(
    request: ReviewRequest, *, actor, outcome, reasons, bases, now=None, changes: str = ""
) -> Opinion:
    """The reviewer's opinion on the version reviewed: "pass" (通过), "pass_with_changes"
    (修改后通过: the changes required are stated, in ``changes`` or else in the reasons)
    or "fail" (不予通过), with reasons and legal bases."""
    now = now or timezone.now()
    if request.reviewer_id is None:
        raise ValidationError(_("Give the request to a reviewer first."))
    if actor is None or request.reviewer_id != actor.pk:
        raise PermissionDenied(_("Only the reviewer this request was given to gives its opinion."))
    if _has_opinion(request):
        raise ValidationError(_("This request already has its opinion."))
    reasons, bases, changes = (
        (reasons or "").strip(),
        (bases or "").strip(),
        (changes or "").strip(),
    )
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome: pass, pass after changes or not passed.")
    if not reasons:
        errors["reasons"] = _("State the reasons of the opinion.")
    if not bases:
        errors["bases"] = _("Name the legal bases of the opinion.")
    if errors:
        raise ValidationError(errors)
    if outcome == Outcome.PASS_WITH_CHANGES and not changes:
        changes = reasons
    with transaction.atomic():
        do_transition(
            request.case,
            procedures.OPINION_STEPS[outcome],
            actor=actor,
            note=reasons[:2000],
            now=now,
            owner=procedures.OWNER,
        )
        try:
            with transaction.atomic():
                opinion = Opinion.objects.create(
                    request=request,
                    outcome=outcome,
                    reasons=reasons,
                    bases=bases,
                    changes=changes if outcome == Outcome.PASS_WITH_CHANGES else "",
                    reviewer=actor,
                    given_at=now,
                )
        except IntegrityError:
            raise ValidationError(_("This request already has its opinion.")) from None
        draft = request.draft
        instrument = draft.instrument
        if instrument is not None and outcome == Outcome.PASS:
            current = current_draft(instrument=instrument)
            if current is not None and current.pk == draft.pk:
                Instrument.objects.filter(
                    pk=instrument.pk,
                    state__in=(InstrumentState.DRAFT, InstrumentState.CONSULTING),
                ).update(state=InstrumentState.REVIEWED)
        audit.record(
            actor,
            "legal.opinion",
            request.case,
            after={
                "outcome": outcome,
                "draft": draft.pk,
                "version": draft.version,
                "digest": draft.digest,
            },
            note=reasons,
            legal_basis=bases[:300],
            scope_path=request.scope_path,
        )
    return opinion


def do_confirm_changes(request: ReviewRequest, *, actor, now=None) -> Opinion:
    """The short path for a version that carries out the changes an earlier opinion
    required (修改后通过): a legal adviser over the area takes the request and confirms it
    with a "pass" on this version, on the earlier opinion's legal bases."""
    now = now or timezone.now()
    earlier = request.confirms
    if earlier is None:
        raise ValidationError(_("This request does not confirm required changes."))
    if not access.may_review(actor, request):
        raise PermissionDenied(_("Only a legal adviser over this area confirms the changes."))
    with transaction.atomic():
        if request.reviewer_id is None:
            do_assign_review(request, reviewer=actor, actor=actor, now=now)
        with translation.override(settings.LANGUAGE_CODE):
            reasons = _(
                "The changes required by the opinion on version %(version)s were made: %(changes)s"
            ) % {"version": earlier.request.draft.version, "changes": earlier.changes}
        return do_give_opinion(
            request,
            actor=actor,
            outcome=Outcome.PASS,
            reasons=reasons,
            bases=earlier.bases,
            now=now,
        )


def may_record_qualification(actor, adviser) -> bool:
    """A leader or administrator over an area where ``adviser`` is a legal adviser."""
    if access.everything(actor):
        return True
    roots = access.leader_paths(actor) + access.admin_paths(actor)
    held = Membership.objects.active().filter(user=adviser, role=Role.LEGAL_ADVISER)
    return any(
        path.startswith(root)
        for path in held.values_list("region__path", flat=True)
        for root in roots
    )


def do_record_qualification(
    adviser, *, certificate_number: str, qualified_on, actor, now=None
) -> Reviewer:
    """Record (or correct) a legal adviser's national legal professional qualification
    (法律职业资格), which a first-time reviewer of penalty decisions must hold
    (《行政处罚法》第五十八条第二款)."""
    now = now or timezone.now()
    number = (certificate_number or "").strip().upper()
    errors = {}
    if not Membership.objects.active().filter(user=adviser, role=Role.LEGAL_ADVISER).exists():
        errors["adviser"] = _("Only a legal adviser's qualification is recorded here.")
    if not CERTIFICATE.fullmatch(number):
        errors["certificate_number"] = _(
            "Enter the certificate number as printed: 6 to 40 letters, digits or hyphens."
        )
    elif Reviewer.objects.filter(certificate_number=number).exclude(user=adviser).exists():
        errors["certificate_number"] = _("This certificate number is recorded for someone else.")
    if qualified_on is None:
        errors["qualified_on"] = _("Enter the day the qualification was obtained.")
    elif qualified_on > timezone.localdate(now):
        errors["qualified_on"] = _("The day the qualification was obtained lies in the future.")
    if errors:
        raise ValidationError(errors)
    if not may_record_qualification(actor, adviser):
        raise PermissionDenied(
            _("Only a leader or administrator over the adviser's area records qualifications.")
        )
    with transaction.atomic():
        record, created = Reviewer.objects.update_or_create(
            user=adviser, defaults={"certificate_number": number, "qualified_on": qualified_on}
        )
        audit.record(
            actor,
            "legal.qualification",
            record,
            after={"certificate_number": number, "qualified_on": qualified_on, "new": created},
            legal_basis=f"{procedures.PENALTY_ART_58}第二款",
        )
    return record
