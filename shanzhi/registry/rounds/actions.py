"""The only code that changes rounds: plan visits, cancel one, record one (with the
changes found), confirm or reject a proposed change, and set how a community handles
its workers' changes. Each runs in one transaction and writes an audit event; changes to
the registry itself go through the registry's actions (``changes.apply``)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shanzhi.core import audit
from shanzhi.core.notify import notify
from shanzhi.org.models import Level, Region
from shanzhi.registry.models import (
    CareTag,
    Dwelling,
    Household,
    HouseholdMember,
    Person,
    Relation,
    validate_grid,
)
from shanzhi.registry.rounds import changes
from shanzhi.registry.rounds.access import (
    assignable_workers,
    care_kinds_at,
    may_confirm_at,
    may_plan_at,
    require_visitor,
)
from shanzhi.registry.rounds.models import (
    CARE_VISIT_KINDS,
    ChangeKind,
    ChangeState,
    Outcome,
    ProposedChange,
    RoundsConfig,
    Visit,
    VisitPlan,
    VisitPurpose,
    VisitState,
)

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)
NOTES_MAX = 2000


# --- Planning -----------------------------------------------------------------------


def _check_targets(grid, purpose, care_kind, households, dwellings, people) -> dict:
    errors = {}
    if not (households or dwellings or people):
        errors["__all__"] = _("Choose at least one household, dwelling or person to visit.")
    if purpose == VisitPurpose.RENTAL_CHECK and (households or people):
        errors["__all__"] = _("A rental housing check visits dwellings: choose dwellings only.")
    if purpose == VisitPurpose.CARE and (households or dwellings):
        errors["__all__"] = _("A care visit is made to a person: choose people only.")
    outside = [t for t in (*households, *dwellings, *people) if t.grid_id != grid.pk]
    if outside:
        errors["__all__"] = _("%(target)s lies outside the grid of this plan.") % {
            "target": outside[0]
        }
    for household in households:
        if household.dissolved_on is not None:
            errors["households"] = _("%(household)s was dissolved.") % {"household": household}
    for dwelling in dwellings:
        if not dwelling.is_active:
            errors["dwellings"] = _("%(dwelling)s is no longer in use.") % {"dwelling": dwelling}
    for person in people:
        lives_here = person.records.filter(valid_to__isnull=True).exists()
        tagged = CareTag.objects.current().filter(person=person, kind=care_kind).exists()
        if person.is_anonymised or not lives_here:
            errors["people"] = _("%(person)s no longer lives in the area.") % {
                "person": person.display_name()
            }
        elif purpose == VisitPurpose.CARE and care_kind in CARE_VISIT_KINDS and not tagged:
            errors["people"] = _("%(person)s does not carry the tag “%(kind)s”.") % {
                "person": person.display_name(),
                "kind": CareTag(kind=care_kind).get_kind_display(),
            }
    return errors


@transaction.atomic
def do_plan_visits(
    *,
    actor,
    grid: Region,
    purpose: str,
    worker,
    due,
    households=(),
    dwellings=(),
    people=(),
    care_kind: str = "",
    note: str = "",
) -> VisitPlan:
    """Plan one visit per household, dwelling and person given, in ``grid``, by
    ``worker`` (a grid worker or leader of the grid), by ``due``."""
    validate_grid(grid)
    if not may_plan_at(actor, grid.path):
        raise PermissionDenied(_("Your role here does not include planning visits."))
    households, dwellings, people = (
        list(dict.fromkeys(households)),
        list(dict.fromkeys(dwellings)),
        list(dict.fromkeys(people)),
    )
    errors = {}
    if purpose not in VisitPurpose.values:
        errors["purpose"] = _("Choose why the visits are made.")
    if purpose == VisitPurpose.CARE:
        kinds = care_kinds_at(actor, grid.path)
        if worker is not None:
            kinds &= care_kinds_at(worker, grid.path)
        if care_kind not in CARE_VISIT_KINDS or care_kind not in kinds:
            errors["care_kind"] = _("Choose the care need the visit is for.")
    else:
        care_kind = ""
    if worker is None or not assignable_workers(grid).filter(pk=worker.pk).exists():
        errors["worker"] = _("Choose a grid worker or grid leader of this grid.")
    today = timezone.localdate()
    if due is None:
        errors["due"] = _("Enter the date to visit by.")
    elif due < today:
        errors["due"] = _("The date to visit by has passed.")
    if len(note) > 300:
        errors["note"] = _("The note has at most 300 characters.")
    errors.update(
        {
            k: v
            for k, v in _check_targets(
                grid, purpose, care_kind, households, dwellings, people
            ).items()
            if k not in errors
        }
    )
    if errors:
        raise ValidationError(errors)
    plan = VisitPlan(purpose=purpose, care_kind=care_kind, note=note.strip(), planned_by=actor)
    plan.place_in(grid)
    plan.save()
    targets = [("household", t) for t in households]
    targets += [("dwelling", t) for t in dwellings]
    targets += [("person", t) for t in people]
    for name, target in targets:
        visit = Visit(plan=plan, worker=worker, due=due, **{name: target})
        visit.place_in(grid)
        visit.save()
    audit.record(
        actor,
        "registry.rounds.plan",
        plan,
        after={
            "grid": grid.code,
            "purpose": purpose,
            "care_kind": care_kind,
            "worker": worker.pk,
            "due": due,
            "households": [t.pk for t in households],
            "dwellings": [t.pk for t in dwellings],
            "people": [t.pk for t in people],
        },
        note=note,
        scope_path=grid.path,
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "%(n)d visit planned for you in %(grid)s, by %(due)s",
            "%(n)d visits planned for you in %(grid)s, by %(due)s",
            len(targets),
        ) % {"n": len(targets), "grid": grid.name, "due": due.isoformat()}
    notify([worker], subject, url=reverse("registry:rounds_mine"))
    return plan


@transaction.atomic
def do_cancel_visit(visit: Visit, *, actor, reason: str) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not may_plan_at(actor, visit.path):
        raise PermissionDenied(_("Your role here does not include planning visits."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the visit is cancelled.")})
    if visit.state != VisitState.PLANNED:
        raise ValidationError(_("Only a planned visit can be cancelled."))
    visit.state = VisitState.CANCELLED
    visit.cancel_reason = reason[:200]
    visit.save(update_fields=["state", "cancel_reason"])
    audit.record(
        actor,
        "registry.rounds.cancel",
        visit,
        after={"state": visit.state},
        note=reason,
        scope_path=visit.path,
    )
    return visit


# --- Recording a visit --------------------------------------------------------------


@dataclass
class Proposal:
    """A change found on a visit, before it is stored. ``based_on``: the version of the
    target the worker had on the screen (the current one if not given)."""

    kind: str
    target: Model
    values: dict = field(default_factory=dict)
    based_on: int | None = None


def _target_in_grid(target, grid) -> bool:
    if isinstance(target, Person | Household | Dwelling):
        return target.grid_id == grid.pk
    return False


def _apply_order(change) -> tuple:
    """Who leaves goes last, and the head of a household after the others."""
    if change.kind != ChangeKind.MOVED_OUT:
        return (0,)
    is_head = HouseholdMember.objects.current().filter(
        person_id=change.person_id, relation=Relation.HEAD
    )
    return (2,) if is_head.exists() else (1,)


def _check_record(visit, outcome, visited_at, notes, lon, lat) -> None:
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome of the visit.")
    if visited_at is None:
        errors["visited_at"] = _("Enter when the visit took place.")
    elif visited_at > timezone.now() + CLOCK_SKEW:
        errors["visited_at"] = _("The time of the visit lies in the future.")
    elif timezone.localtime(visited_at).date() < timezone.localtime(visit.plan.created).date():
        errors["visited_at"] = _(
            "The visit cannot have taken place before it was planned (%(date)s)."
        ) % {"date": timezone.localtime(visit.plan.created).date().isoformat()}
    if len(notes) > NOTES_MAX:
        errors["notes"] = _("The notes have at most %(n)d characters.") % {"n": NOTES_MAX}
    if (lon is None) != (lat is None):
        errors["lon"] = _("Give both longitude and latitude, or neither.")
    if errors:
        raise ValidationError(errors)


def _prepared(visit, proposal: Proposal, actor) -> ProposedChange:
    kind, target = proposal.kind, proposal.target
    wanted = changes.TARGETS.get(kind)
    if wanted is None or type(target).__name__.lower() != wanted:
        raise ValueError(f"a {kind} change cannot target {type(target).__name__}")
    if not _target_in_grid(target, visit.grid):
        raise ValidationError(
            _("%(target)s lies outside the grid of this visit: propose it there.")
            % {"target": target}
        )
    checked = changes.check_values(
        kind, target, proposal.values, care_kinds=care_kinds_at(actor, visit.path)
    )
    seen = changes.facts(kind, target)
    if proposal.based_on is not None:
        # The worker read an older version: the difference shows as a conflict later.
        seen["_version"] = min(proposal.based_on, seen["_version"])
    change = ProposedChange(
        visit=visit,
        kind=kind,
        based_on=seen["_version"],
        seen=seen,
        values=checked.values,
        proposed_by=actor,
        **{wanted: target},
    )
    change.set_secret(checked.secret)
    change.place_in(visit.grid)
    return change


@transaction.atomic
def do_record_visit(
    visit: Visit,
    *,
    actor,
    outcome: str,
    visited_at,
    notes: str = "",
    lon: float | None = None,
    lat: float | None = None,
    place: str = "",
    photo=None,
    photo_type: str = "",
    proposals=(),
) -> Visit:
    """Record ``visit`` as made by ``actor`` (the worker it was given to), with the
    changes found. Everything is checked before anything is stored: a refused value
    stores nothing. Where the community lets its workers' changes apply directly, each
    is applied now; one the registry refuses stays pending for the staff, with why."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("plan", "grid")
        .get(pk=visit.pk)
    )
    require_visitor(actor, visit)
    if visit.state == VisitState.RECORDED:
        raise ValidationError(_("This visit was already recorded."))
    if visit.state == VisitState.CANCELLED:
        raise ValidationError(_("This visit was cancelled."))
    notes = (notes or "").strip()
    _check_record(visit, outcome, visited_at, notes, lon, lat)
    visit.outcome, visit.notes, visit.visited_at = outcome, notes, visited_at
    prepared = [_prepared(visit, p, actor) for p in proposals]
    visit.lon, visit.lat, visit.place = lon, lat, (place or "").strip()[:200]
    visit.state, visit.recorded_at = VisitState.RECORDED, timezone.now()
    if photo is not None:
        visit.photo_type = photo_type
        visit.photo = photo
    visit.save()
    for change in prepared:
        change.save()
    audit.record(
        actor,
        "registry.rounds.record",
        visit,
        after={
            "outcome": outcome,
            "visited_at": visited_at,
            "photo": bool(visit.photo),
            "proposals": [[c.pk, c.kind] for c in prepared],
        },
        scope_path=visit.path,
    )
    if prepared and RoundsConfig.applies_directly(visit.grid):
        for change in sorted(prepared, key=_apply_order):
            _apply_directly(change, worker=actor)
    return visit


def _note(change, by) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Proposed on visit #%(visit)s by %(worker)s") % {
            "visit": change.visit_id,
            "worker": by.display_name,
        }


def _apply_directly(change, *, worker) -> None:
    """Apply a worker's change without confirmation, as the community chose. The
    registry action runs as the system (the worker holds no registry-writing duty); the
    worker is named in its note and is the actor of the rounds event beside it."""
    try:
        with transaction.atomic():
            changes.apply(
                change,
                actor=None,
                values=change.values,
                secret=change.secret,
                seen=change.seen,
                note=_note(change, worker),
            )
    except ValidationError as exc:
        change.last_error = changes.message_of(exc)
        change.save(update_fields=["last_error"])
        return
    change.state, change.applied_directly = ChangeState.APPLIED, True
    change.decided_by, change.decided_at = worker, timezone.now()
    change.applied_on = change.based_on
    change.save()
    audit.record(
        worker,
        "registry.rounds.apply_directly",
        change,
        after=_decision(change),
        note=_note(change, worker),
        scope_path=change.path,
    )


# --- Deciding on a proposed change --------------------------------------------------


def _decision(change) -> dict:
    return {
        "kind": change.kind,
        "visit": change.visit_id,
        "target": f"{change.target._meta.label_lower}:{change.target.pk}",
        "based_on": change.based_on,
        "applied_on": change.applied_on,
        "state": change.state,
    }


def _lock_pending(change, actor) -> ProposedChange:
    change = (
        ProposedChange.objects.select_for_update(of=("self",))
        .select_related("visit", "person", "household", "dwelling")
        .get(pk=change.pk)
    )
    if not may_confirm_at(actor, change.path):
        raise PermissionDenied(
            _("Proposed changes are confirmed by the community and street staff.")
        )
    if change.state != ChangeState.PENDING:
        raise ValidationError(
            _("This change was already decided (%(state)s).")
            % {"state": change.get_state_display()}
        )
    return change


@transaction.atomic
def do_confirm_change(
    change: ProposedChange,
    *,
    actor,
    on_current: str = "",
    values: dict | None = None,
    note: str = "",
) -> ProposedChange:
    """Apply a proposed change through the registry's actions.

    As proposed (the default): based on the version the worker saw; if the target moved
    on since, ``EditConflict`` and nothing changes. ``on_current`` is the token of the
    current facts the staff member saw side by side (``changes.token``): the change is
    then applied on that version, with ``values`` if they edited it (checked like the
    worker's). If the target moved on once more, ``EditConflict`` again."""
    change = _lock_pending(change, actor)
    if values is not None and not on_current:
        raise ValueError("an edited change is applied on the current version")
    seen = change.seen
    if on_current:
        seen = changes.facts(change.kind, change.target)
        if changes.token(seen) != on_current:
            raise changes.ChangedSince(change.target, change.based_on, seen["_version"])
    applied_values, secret = change.values, change.secret
    if values is not None:
        # Empty fields of a secret value keep what the worker proposed.
        values = dict(values)
        for key, value in secret.items():
            if not values.get(key):
                values[key] = value
        checked = changes.check_values(
            change.kind, change.target, values, care_kinds=care_kinds_at(actor, change.path)
        )
        if checked.values != change.values or checked.secret != {
            k: v for k, v in secret.items() if v
        }:
            change.original_values = change.values
        applied_values, secret = checked.values, checked.secret
    changes.apply(
        change,
        actor=actor,
        values=applied_values,
        secret=secret,
        seen=seen,
        note=note or _note(change, change.proposed_by),
    )
    change.values = applied_values
    change.set_secret(secret)
    change.state, change.decided_by, change.decided_at = (
        ChangeState.APPLIED,
        actor,
        timezone.now(),
    )
    change.applied_on, change.reason, change.last_error = seen["_version"], note[:300], ""
    change.save()
    audit.record(
        actor,
        "registry.rounds.confirm",
        change,
        after={**_decision(change), "edited": bool(change.original_values)},
        note=note,
        scope_path=change.path,
    )
    return change


@transaction.atomic
def do_reject_change(change: ProposedChange, *, actor, reason: str) -> ProposedChange:
    change = _lock_pending(change, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the change is rejected.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("The reason has at most 300 characters.")})
    change.state, change.decided_by, change.decided_at = (
        ChangeState.REJECTED,
        actor,
        timezone.now(),
    )
    change.reason = reason
    change.save()
    audit.record(
        actor,
        "registry.rounds.reject",
        change,
        after=_decision(change),
        note=reason,
        scope_path=change.path,
    )
    return change


# --- Settings -----------------------------------------------------------------------


@transaction.atomic
def do_set_rounds_config(
    community: Region, *, actor, workers_apply_directly: bool, note: str = ""
) -> RoundsConfig:
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("Choose a community.")})
    if not may_confirm_at(actor, community.path):
        raise PermissionDenied(
            _("The community's staff decide how its grid workers' changes are applied.")
        )
    config = RoundsConfig.objects.select_for_update().filter(community=community).first()
    before = config.workers_apply_directly if config else False
    if config is None:
        config = RoundsConfig(community=community)
    config.workers_apply_directly = bool(workers_apply_directly)
    config.changed_by, config.changed = actor, timezone.now()
    config.save()
    audit.record(
        actor,
        "registry.rounds.config",
        community,
        before={"workers_apply_directly": before},
        after={"workers_apply_directly": config.workers_apply_directly},
        note=note,
        scope_path=community.path,
    )
    return config


# --- Anonymisation ------------------------------------------------------------------


def forget_person(person) -> int:
    """Blank what rounds hold about ``person`` beyond what statistics need: the notes and
    place of visits to them, the values and facts of changes proposed about them. For
    ``do_anonymise_person``, inside its transaction. Returns the rows changed."""
    visits = Visit.objects.filter(person=person).update(notes="", place="", lon=None, lat=None)
    proposals = ProposedChange.objects.filter(person=person).update(
        values={}, seen={}, original_values={}, secret_encrypted=""
    )
    return visits + proposals
