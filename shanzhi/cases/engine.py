"""The case engine: intake and transitions for every procedure.

``do_create_case`` validates, locates (point-in-grid), routes (dispatch catalogue),
starts the clocks, saves, audits and queues notifications in one transaction.
``do_transition`` checks the actor's party and the procedure's table, moves the state
with a conditional UPDATE (two officers clicking at once: exactly one wins), runs the
clock operations, writes the audit event and queues notifications.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shanzhi.cases import clocks, extensions, gates
from shanzhi.cases.access import implicated_body_ids, not_implicated, parties_of
from shanzhi.cases.models import Attachment, Case, Clock, RequestKind, Supervision
from shanzhi.cases.procedure import Party, Transition, get
from shanzhi.cases.routing import body_people, locate, notify_bodies, propose
from shanzhi.core import audit
from shanzhi.core.notify import notify
from shanzhi.duties import routing as catalogue
from shanzhi.duties.models import MatterCategory, Owner, Redirect, Urgency
from shanzhi.org.models import Body, BodyKind, Region

DEPARTMENT_KINDS = (BodyKind.DEPARTMENT, BodyKind.STATIONED_AGENCY)
# Bodies that can lead a case (a grid council, for one, has nobody who handles cases).
LEAD_KINDS = (
    BodyKind.DEPARTMENT,
    BodyKind.STATIONED_AGENCY,
    BodyKind.STREET_OFFICE,
    BodyKind.ENFORCEMENT_BRIGADE,
    BodyKind.RESIDENTS_COMMITTEE,
)


class TransitionConflict(Exception):
    """Someone else changed the case first; the user should reload and decide again."""


@dataclass
class Intake:
    procedure: str
    channel: str
    title: str
    description: str
    category: object = None
    urgency: str = Urgency.NORMAL
    kind: str = ""
    lon: float | None = None
    lat: float | None = None
    gcj02: bool = False
    address: str = ""
    requester: object = None
    requester_name: str = ""
    requester_phone: str = ""
    anonymous: bool = False
    confidential: bool = False
    accused_body: object = None  # a report (举报) about this body


def _number(case: Case) -> str:
    prefix = case.procedure_def.number_prefix
    return f"{prefix}{timezone.localtime(case.created):%Y%m%d}{case.pk:08d}"


def _snapshot(case: Case) -> dict:
    return {
        "state": case.state,
        "responsible_body": case.responsible_body_id,
        "satisfaction": case.satisfaction,
    }


# Foreign keys the intake fills with rows it has just read: not checked again.
_INTAKE_READ_FIELDS = [
    "number",
    "category",
    "grid",
    "street",
    "requester",
    "routed_body",
    "accused_body",
]


def _check_owner(procedure, owner: str, action: str = "") -> None:
    """Cases of an owned procedure are created and moved only by their app's actions
    (``Procedure.owner``), but for the steps it leaves to the generic paths
    (``Procedure.generic_actions``)."""
    if action and action in procedure.generic_actions:
        return
    if procedure.owner and owner != procedure.owner:
        raise ValidationError(
            _(
                "Cases of the kind “%(procedure)s” are registered and handled on their own "
                "pages, with the records and documents each step needs."
            )
            % {"procedure": procedure.label}
        )


def do_create_case(intake: Intake, *, actor, now=None, attachments=(), owner: str = "") -> Case:
    """Register a case. Everything that only reads — the checks, the grid, the dispatch
    proposal, the time limits — is done before the write transaction opens: on SQLite
    that transaction holds the database's write lock, so it holds it for the writes
    only. Either the case, its clocks, attachments, audit event and notices are all
    stored, or none of them."""
    now = now or timezone.now()
    procedure = get(intake.procedure)
    _check_owner(procedure, owner)
    category = intake.category
    if category is not None and not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if category is not None and category.redirect == Redirect.EMERGENCY:
        raise ValidationError(
            {
                "category": _("This is an emergency: call %(number)s now.")
                % {"number": category.emergency_number}
            }
        )
    if not intake.title.strip() or not intake.description.strip():
        raise ValidationError(_("A case needs a title and a description."))
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the deployment's language
        place = locate(intake.lon, intake.lat, intake.address, gcj02=intake.gcj02)
        proposal = propose(category, place.grid or place.unit, intake.accused_body)
    case = Case(
        procedure=procedure.key,
        state=procedure.initial,
        category=category,
        urgency=intake.urgency,
        channel=intake.channel,
        title=intake.title.strip()[:120],
        description=intake.description.strip(),
        lon=place.lon,
        lat=place.lat,
        address=intake.address.strip()[:200],
        grid=place.grid,
        street=place.street,
        scope_path=place.scope_path,
        requester=intake.requester
        if getattr(intake.requester, "is_authenticated", False)
        else None,
        requester_name=intake.requester_name.strip()[:50],
        requester_phone=intake.requester_phone.strip()[:20],
        anonymous=intake.anonymous,
        # Whoever reports a body is protected from it: a report is always confidential.
        confidential=intake.confidential or intake.accused_body is not None,
        accused_body=intake.accused_body,
        kind=RequestKind.REPORT if intake.accused_body is not None else intake.kind,
        created=now,
        updated=now,
        number=f"NEW-{now.timestamp()}",
    )
    case.routed_body = proposal.lead
    case.routing_note = (place.note + " " + proposal.reason).strip()[:300]
    case.full_clean(exclude=_INTAKE_READ_FIELDS)
    started = [clocks.prepare(case, name, now) for name in procedure.starts_on_create]
    with transaction.atomic():
        case.save()
        case.number = _number(case)
        Case.objects.filter(pk=case.pk).update(number=case.number)
        Clock.objects.bulk_create(started)
        for upload in attachments:
            Attachment.objects.create(
                case=case,
                file=upload,
                name=upload.name[:200],
                content_type=upload.content_type,
                size=upload.size,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        audit.record(
            actor,
            "case.create",
            case,
            after={
                "state": case.state,
                "category": category.code if category else None,
                "grid": place.grid.code if place.grid else None,
                "proposed_body": proposal.lead.name if proposal.lead else None,
            },
            note=case.routing_note,
            scope_path=case.scope_path,
        )
        with translation.override(settings.LANGUAGE_CODE):
            notify_bodies(case, "create")
    return case


def allowed_transitions(user, case, *, owner: str = "") -> list[Transition]:
    """The steps ``user`` may take now; of an owned procedure's, only those it leaves to
    the generic paths unless its owner asks (``Procedure.owner``)."""
    procedure = case.procedure_def
    generic_only = procedure.owner != owner
    parties = parties_of(user, case)
    found = [
        t
        for t in procedure.available(case.state)
        if (not generic_only or t.action in procedure.generic_actions)
        and parties & set(t.parties)
        and not (t.only_if_dissatisfied and (case.satisfaction or 5) > 2)
    ]
    if any(t.extension_step for t in found):
        # Ask while no request waits; decide while one does.
        waiting = extensions.pending(case) is not None
        found = [
            t for t in found if not t.extension_step or (t.extension_step == "request") != waiting
        ]
    return found


@transaction.atomic
def do_transition(
    case: Case,
    action: str,
    *,
    actor,
    note: str = "",
    body: Body | None = None,
    assisting=(),
    satisfaction: int | None = None,
    extension: float | None = None,
    target: Case | None = None,
    category: MatterCategory | None = None,
    now=None,
    owner: str = "",
) -> Case:
    now = now or timezone.now()
    procedure = case.procedure_def
    _check_owner(procedure, owner, action)
    transition = procedure.by_action.get(action)
    if transition is None:
        raise ValidationError(_("Unknown action “%(action)s”.") % {"action": action})
    if not parties_of(actor, case) & set(transition.parties):
        raise PermissionDenied(_("You may not take this action on this case."))
    if case.state not in transition.sources:
        raise ValidationError(
            _("“%(action)s” is not possible while the case is %(state)s.")
            % {"action": transition.label, "state": case.get_state_display()}
        )
    note = (note or "").strip()
    if transition.note_required and not note:
        raise ValidationError({"note": _("Please give a reason or a reply.")})
    given = {
        "body": body is not None or bool(assisting),
        "satisfaction": satisfaction is not None,
        "extension": extension is not None,
        "case": target is not None,
        "category": category is not None,
    }
    stray = [name for name, present in given.items() if present and name not in transition.needs]
    if stray:
        raise ValidationError(
            _("This action takes no such input: %(names)s.") % {"names": ", ".join(stray)}
        )
    if transition.within and not clocks.window_open(case, transition.within, now):
        raise ValidationError(
            _("The %(window)s has ended; this is no longer possible.")
            % {"window": procedure.by_clock[transition.within].label}
        )
    gates.check(case, transition, now)
    request = None
    if transition.extension_step:
        request = extensions.pending(case)
        if transition.extension_step == "approve" and extension is None and request:
            extension = request.requested  # granted as asked unless said otherwise
        extensions.check(case, transition, request, extension)
    changes = _inputs(
        case,
        transition,
        body=body,
        satisfaction=satisfaction,
        extension=extension,
        target=target,
        actor=actor,
        category=category,
    )
    old_category, before_routed = case.category, case.routed_body_id
    if transition.only_if_dissatisfied and (case.satisfaction or 5) > 2:
        raise ValidationError(
            _("The requester was not dissatisfied: there is nothing to send back for rework.")
        )
    for helper in assisting:
        if not helper.is_active or not _serves(helper, case):
            raise ValidationError(
                {
                    "assisting": _("%(body)s does not serve the place of this case.")
                    % {"body": helper.name}
                }
            )
    if case.accused_body_id and assisting:
        implicated = implicated_body_ids(case.accused_body)
        if any(b.pk in implicated for b in assisting):
            raise ValidationError({"assisting": _reported_on(case.accused_body)})
    before = _snapshot(case)
    new_state = transition.target or case.state
    if procedure.by_state[new_state].final:
        changes["closed_at"] = now
    if transition.rework:
        changes["reopened"] = F("reopened") + 1
    updated = Case.objects.filter(pk=case.pk, state=case.state, version=case.version).update(
        state=new_state, version=F("version") + 1, updated=now, **changes
    )
    if not updated:
        raise TransitionConflict(_("Someone else changed this case a moment ago; please reload."))
    case.refresh_from_db()
    if "body" in transition.needs:
        case.assisting_bodies.set([b for b in assisting if b.pk != case.responsible_body_id])
    for name in transition.stops:
        clocks.stop(case, name, now)
    for name in transition.cancels:
        clocks.cancel(case, name, now)
    for name in transition.pauses:
        clocks.pause(case, name, now)
    for name in transition.resumes:
        clocks.resume(case, name, now)
    for name in transition.starts:
        clocks.stop(case, name, now)  # a restarted clock (rework, re-dispatch) starts afresh
        clocks.start(case, name, now)
    extensions.lapse(case, transition, now)
    old, new = before, _snapshot(case)
    after = {k: v for k, v in new.items() if old.get(k) != v}
    if transition.extension_step:
        after.update(
            extensions.apply(case, transition, request, extension, actor=actor, note=note, now=now)
        )
    if "body" in transition.needs and before["responsible_body"] not in (
        None,
        case.responsible_body_id,
    ):
        # Open supervision orders follow the case to the body now responsible for it.
        followed = Supervision.objects.open().filter(case=case, body_id=before["responsible_body"])
        if moved_orders := followed.update(body_id=case.responsible_body_id):
            after["supervision_orders_readdressed"] = moved_orders
    if target is not None:
        after["merged_into"] = target.number
    if "category" in transition.needs:
        old["category"] = old_category.code if old_category else None
        after["category"] = case.category.code
        if case.routed_body_id != before_routed:
            old["proposed_body"] = before_routed
            after["proposed_body"] = case.routed_body_id
        moved = [m for name in transition.relimits for m in clocks.relimit(case, name, now)]
        if moved:
            extensions.lapse_on_new_unit(case, now)
            old["due"] = {clock.name: due for clock, due in moved}
            now_due = case.clocks.filter(pk__in=[clock.pk for clock, _due in moved])
            after["due"] = dict(now_due.values_list("name", "due_at"))
    audit.record(
        actor,
        f"case.{action}",
        case,
        before={k: old[k] for k in after if k in old},
        after=after,
        note=note,
        legal_basis=transition.legal_basis or procedure.legal_basis,
        scope_path=case.scope_path,
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify_bodies(case, action, note=note, target=target)
        if "category" in transition.needs and case.responsible_body_id:
            notify(
                not_implicated(case, body_people(case.responsible_body)),
                _("Category of %(number)s changed to %(category)s")
                % {"number": case.number, "category": case.category},
                note,
                reverse("case_detail", args=[case.number]),
            )
    return case


def _inputs(case, transition, *, body, satisfaction, extension, target, actor, category) -> dict:
    """Validate the extra input an action needs; the case fields it sets."""
    changes = {}
    if "category" in transition.needs:
        changes.update(_recategorised(case, category))
    if "body" in transition.needs:
        if body is None or not body.is_active:
            raise ValidationError({"body": _("Choose the body to dispatch to.")})
        _check_lead_body(case, body)
        if body.pk == case.responsible_body_id and transition.action != "dispatch":
            raise ValidationError({"body": _("Choose another body than the current one.")})
        changes["responsible_body"] = body
    if "satisfaction" in transition.needs:
        if satisfaction not in range(1, 6):
            raise ValidationError({"satisfaction": _("Choose a rating from 1 to 5.")})
        changes["satisfaction"] = satisfaction
    if "case" in transition.needs:
        if target is None or target.pk == case.pk or target.procedure != case.procedure:
            raise ValidationError(
                {"target": _("Choose another case of the same kind to merge into.")}
            )
        if target.procedure_def.by_state[target.state].final:
            raise ValidationError({"target": _("That case is already finished.")})
        if Party.DISPATCHER not in parties_of(actor, target):
            raise ValidationError({"target": _("That case is outside your area.")})
        changes["merged_into"] = target
    return changes


def _place(case):
    """The most specific unit the case is located in (grid, community, street; the
    district for a case located nowhere)."""
    return (
        case.grid
        or Region.objects.defer("geometry").filter(path=case.scope_path).first()
        or case.street
    )


def department_owned(case, category=None, body=None) -> bool:
    """Owned by a functional department, by the duty lists or by the dispatch catalogue
    for the case's place (e.g. a street that has not taken on a delegated matter); of the
    case's category, or of ``category`` when given (a re-categorisation). With ``body``
    (a dispatch target) inside the case's place — a case located nowhere, or only to a
    street — the catalogue is read for the body's own area, whose rules apply to it."""
    category = category or case.category
    if category is None:
        return False
    if category.is_department_owned():
        return True
    place = _place(case)
    if body is not None and (place is None or body.region.path.startswith(place.path)):
        place = body.region
    decision = catalogue.resolve(category, place)
    return decision.owner == Owner.DEPARTMENT


def _recategorised(case, category) -> dict:
    """Check a new category (改类); the case fields it changes. The body holding the case
    must be allowed to lead the new matter; where the case can still be (re-)dispatched
    from its state, the dispatch catalogue's proposal is made afresh."""
    if category is None:
        raise ValidationError({"category": _("Choose the new category.")})
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if category.pk == case.category_id:
        raise ValidationError({"category": _("The case is already in this category.")})
    if category.redirect == Redirect.EMERGENCY:
        raise ValidationError(
            {
                "category": _(
                    "An emergency is not handled as a case: call %(number)s and redirect it."
                )
                % {"number": category.emergency_number}
            }
        )
    holder = case.responsible_body
    keeps = holder is None or holder.kind in DEPARTMENT_KINDS
    if not keeps and department_owned(case, category):
        raise ValidationError(
            {
                "category": _(
                    "%(category)s belongs to a functional department, and %(body)s may not "
                    "handle it (国办函〔2025〕66号): re-dispatch the case to a department "
                    "first."
                )
                % {"category": category, "body": holder.name}
            }
        )
    changes = {"category": category}
    if any("body" in t.needs for t in case.procedure_def.available(case.state)):
        region = _place(case)
        with translation.override(settings.LANGUAGE_CODE):
            proposal = propose(category, region, case.accused_body)
            note = _("New category %(category)s: %(reason)s") % {
                "category": category,
                "reason": proposal.reason,
            }
        changes["routed_body"] = proposal.lead
        changes["routing_note"] = note[:300]
    return changes


def _serves(body, case) -> bool:
    """The body's area contains the case's place, or lies within it."""
    return case.scope_path.startswith(body.region.path) or body.region.path.startswith(
        case.scope_path
    )


def _reported_on(body) -> str:
    return _("This report is about %(body)s: a report is never routed to the body reported on.") % {
        "body": body.name
    }


def _check_lead_body(case, body) -> None:
    if case.accused_body_id and body.pk in implicated_body_ids(case.accused_body):
        raise ValidationError({"body": _reported_on(case.accused_body)})
    if body.kind not in LEAD_KINDS:
        raise ValidationError(
            {"body": _("A %(kind)s does not handle cases.") % {"kind": body.get_kind_display()}}
        )
    if body.kind not in DEPARTMENT_KINDS and department_owned(case, body=body):
        raise ValidationError(
            {
                "body": _(
                    "This matter belongs to a functional department; it cannot be "
                    "dispatched to a street or community (国办函〔2025〕66号)."
                )
            }
        )
    if not _serves(body, case):
        raise ValidationError(
            {"body": _("%(body)s does not serve the place of this case.") % {"body": body.name}}
        )
