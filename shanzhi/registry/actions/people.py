"""Registering people and recording what changes about them.

A change never overwrites: it closes the current ``PersonRecord`` on the day the change
takes effect and opens a new one (see ``models.people``). Each action runs in one
transaction, checks the actor's area, locks the person and checks the version the change
was based on, and writes one audit event with masked values.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.core import audit
from shanzhi.core.actions import diff, snapshot
from shanzhi.lib import idcard
from shanzhi.org.models import Region
from shanzhi.registry.access import (
    may_read_at,
    may_write_care_tags_at,
    require_grid_in_area,
    require_writer,
)
from shanzhi.registry.actions.common import (
    actor_or_none,
    check_version,
    close,
    effective_day,
)
from shanzhi.registry.models import (
    CareTag,
    CareTagKind,
    Dwelling,
    Household,
    HouseholdMember,
    Person,
    PersonRecord,
    RegistrationType,
    Relation,
    Sex,
    Tenancy,
)

# Bookkeeping columns of a record, left out of the audited "what changed".
_RECORD_BOOKKEEPING = {"id", "number", "person_id", "recorded_at", "closed_at", "recorded_by_id"}
_PHONE_COLUMNS = ("phone_encrypted", "phone_index", "phone_masked")
# The stored columns of a record's facts, compared to tell whether anything changed, and
# the audited column shown for each where it differs (the phone by its mask).
_COMPARED = (
    "name",
    "ethnicity",
    "registered_address",
    "current_address",
    "dwelling_id",
    "phone_index",
    "registration_type",
    "lives_at_registration",
    "grid_id",
)
_SHOWN = {"phone_index": "phone_masked"}


class DeregistrationReason:
    MOVED_AWAY = "moved_away"
    DECEASED = "deceased"
    OTHER = "other"
    LABELS = {
        MOVED_AWAY: gettext_lazy("Moved away"),
        DECEASED: gettext_lazy("Deceased"),
        OTHER: gettext_lazy("Other reason"),
    }


def _record_snapshot(record) -> dict:
    return {k: v for k, v in snapshot(record).items() if k not in _RECORD_BOOKKEEPING}


def _not_anonymised(person) -> None:
    if person.is_anonymised:
        raise ValidationError(
            _("This person's data were anonymised: the record can no longer be changed.")
        )


def _lock_person(person, based_on) -> Person:
    locked = Person.objects.select_for_update().get(pk=person.pk)
    _not_anonymised(locked)
    check_version(locked, person.version if based_on is None else based_on)
    return locked


def _duplicate_error(existing, actor) -> ValidationError:
    if actor is None or may_read_at(actor, existing.path):
        return ValidationError(
            {
                "id_number": _(
                    "A person with this ID number is already registered (%(person)s, in %(grid)s)."
                )
                % {"person": existing, "grid": existing.grid}
            },
            code="duplicate",
        )
    return ValidationError(
        {
            "id_number": _(
                "A person with this ID number is already registered as living in another "
                "area: the staff there must record the move-out first."
            )
        },
        code="duplicate",
    )


@transaction.atomic
def do_register_person(
    *,
    actor,
    name: str,
    grid=None,
    id_number: str = "",
    phone: str = "",
    ethnicity: str = "",
    registered_address: str = "",
    current_address: str = "",
    dwelling=None,
    registration_type: str = RegistrationType.REGISTERED,
    lives_at_registration: bool | None = None,
    sex: str = "",
    birth_date=None,
    valid_from=None,
    reason: str = "",
    note: str = "",
) -> Person:
    """Register a person living in ``grid`` (or in ``dwelling``, whose grid it is).

    Someone registered earlier who has since moved out (no current record) is the same
    person coming back: they get a new current record, and their history is kept.
    """
    if dwelling is not None:
        grid = grid or dwelling.grid
        current_address = current_address or dwelling.address
    if grid is None:
        raise ValidationError({"grid": _("Choose the grid.")})
    require_grid_in_area(actor, grid)
    valid_from = effective_day(valid_from)
    if lives_at_registration is None:
        lives_at_registration = registration_type == RegistrationType.REGISTERED

    person = Person(sex=sex or Sex.UNKNOWN, birth_date=birth_date)
    person.set_id_number(id_number)
    if id_number and (
        (sex and sex != person.sex) or (birth_date and birth_date != person.birth_date)
    ):
        raise ValidationError(
            {"id_number": _("The sex or the date of birth given does not match the ID number.")}
        )
    action = "registry.person.register"
    existing = (
        Person.objects.select_for_update().filter(id_number_index=person.id_number_index).first()
        if person.id_number_index
        else None
    )
    if existing is not None:
        if existing.is_anonymised or existing.records.filter(valid_to__isnull=True).exists():
            raise _duplicate_error(existing, actor)
        person, action = existing, "registry.person.return"
        person.version += 1
    person.place_in(grid)
    person.full_clean()
    person.save()

    record = PersonRecord(
        person=person,
        number=person.version,
        name=name.strip(),
        ethnicity=ethnicity,
        registered_address=registered_address.strip(),
        current_address=current_address.strip(),
        dwelling=dwelling,
        registration_type=registration_type,
        lives_at_registration=lives_at_registration,
        valid_from=valid_from,
        recorded_by=actor_or_none(actor),
        reason=reason,
    )
    record.place_in(grid)
    record.set_phone(phone)
    record.full_clean()
    record.save()
    audit.record(
        actor,
        action,
        person,
        after={**snapshot(person), **_record_snapshot(record)},
        note=note,
        scope_path=person.path,
    )
    return person


def _open_record(person, current, changes: dict, *, actor, effective, reason) -> PersonRecord:
    """The new current record: ``current``'s facts with ``changes`` applied."""
    record = PersonRecord(
        person=person,
        number=person.version,
        valid_from=effective,
        recorded_by=actor_or_none(actor),
        reason=reason,
    )
    for name in PersonRecord.FACTS:
        if name in ("phone", "grid", "dwelling"):
            continue
        value = changes.get(name, getattr(current, name))
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    if "dwelling" in changes:
        record.dwelling = changes["dwelling"]
    else:
        record.dwelling_id = current.dwelling_id
    record.place_in(changes.get("grid") or current.grid)
    if "phone" in changes:
        record.set_phone(changes["phone"])
    else:
        for column in _PHONE_COLUMNS:
            setattr(record, column, getattr(current, column))
    return record


def _resolved(changes: dict) -> dict:
    """Grid and dwelling given by primary key (as a stored proposal carries them) become
    objects; an unknown key is a form error, not a crash."""
    changes = dict(changes)
    missing = {
        "grid": _("This grid does not exist."),
        "dwelling": _("This dwelling does not exist."),
    }
    for name, model in (("grid", Region), ("dwelling", Dwelling)):
        value = changes.get(name)
        if value is not None and not isinstance(value, model):
            found = model.objects.filter(pk=value).first()
            if found is None:
                raise ValidationError({name: missing[name]})
            changes[name] = found
    return changes


def _change(person, changes: dict, *, actor, action, effective, based_on, reason, note):
    unknown = set(changes) - set(PersonRecord.FACTS)
    if unknown:
        raise ValueError(f"not a fact of a person record: {', '.join(sorted(unknown))}")
    changes = _resolved(changes)
    locked = _lock_person(person, based_on)
    require_writer(actor, locked.path)
    current = locked.records.select_related("grid").filter(valid_to__isnull=True).first()
    if current is None:
        raise ValidationError(
            _("This person no longer lives in the area: register their return instead.")
        )
    new_grid = changes.get("grid")
    if new_grid is not None and new_grid.pk != current.grid_id:
        require_grid_in_area(actor, new_grid)
    effective = effective_day(effective, not_before=current.valid_from)
    record = _open_record(locked, current, changes, actor=actor, effective=effective, reason=reason)
    # Compared on the stored values: the audited snapshots are masked, and two different
    # addresses or numbers can share a mask.
    changed = [c for c in _COMPARED if getattr(record, c) != getattr(current, c)]
    if not changed:
        return locked, current, None  # nothing differs: no new version
    shown = [_SHOWN.get(c, c) for c in changed]
    old, new = _record_snapshot(current), _record_snapshot(record)
    before, after = {c: old[c] for c in shown}, {c: new[c] for c in shown}
    locked.version += 1
    record.number = locked.version
    close(current, effective)
    record.full_clean()
    record.save()
    locked.place_in(record.grid)
    locked.save(update_fields=["version", "grid", "path"])
    locked._current_record = record
    audit.record(
        actor,
        action,
        locked,
        before=before,
        after={**after, "valid_from": effective},
        note=note,
        scope_path=locked.path,
    )
    return locked, current, record


@transaction.atomic
def do_update_person(
    person,
    changes: dict,
    *,
    actor,
    effective=None,
    based_on: int | None = None,
    reason: str = "",
    note: str = "",
) -> Person:
    """Change facts of a person (name, phone, registration …) from ``effective`` on
    (today by default). ``changes`` maps names in ``PersonRecord.FACTS`` to new values
    (``phone`` as typed, ``grid`` and ``dwelling`` as objects). ``based_on`` is the
    person's version the change was prepared from (the version of ``person`` by
    default); a stored version that moved on since is an ``EditConflict``."""
    locked, _current, _record = _change(
        person,
        changes,
        actor=actor,
        action="registry.person.update",
        effective=effective,
        based_on=based_on,
        reason=reason,
        note=note,
    )
    return locked


@transaction.atomic
def do_move_person(
    person,
    *,
    actor,
    dwelling=None,
    current_address: str = "",
    grid=None,
    lives_at_registration: bool | None = None,
    effective=None,
    based_on: int | None = None,
    reason: str = "",
    note: str = "",
) -> Person:
    """Record that a person moved house: a new current address (and dwelling, and grid)
    from ``effective`` on; the old address stays in the person's history. Tenancies of
    other dwellings end that day: a tenant lives where they rent."""
    if dwelling is not None:
        grid = grid or dwelling.grid
        current_address = current_address or dwelling.address
    if not current_address.strip():
        raise ValidationError({"current_address": _("Enter the new address.")})
    changes = {"current_address": current_address.strip(), "dwelling": dwelling}
    if grid is not None:
        changes["grid"] = grid
    if lives_at_registration is not None:
        changes["lives_at_registration"] = lives_at_registration
    locked, _current, record = _change(
        person,
        changes,
        actor=actor,
        action="registry.person.move",
        effective=effective,
        based_on=based_on,
        reason=reason,
        note=note,
    )
    if record is not None:
        leaving = Tenancy.objects.current().filter(tenant=locked)
        if dwelling is not None:
            leaving = leaving.exclude(dwelling=dwelling)
        for tenancy in leaving:
            close(tenancy, record.valid_from)
    return locked


@transaction.atomic
def do_deregister_person(
    person,
    *,
    actor,
    reason: str,
    effective=None,
    based_on: int | None = None,
    note: str = "",
) -> Person:
    """Record that a person no longer lives in the area (moved away, deceased): the
    current record, household membership, tenancies and care tags end on ``effective``.
    The head of a household with other members hands over first
    (``do_change_household_head``)."""
    if reason not in DeregistrationReason.LABELS:
        raise ValidationError({"reason": _("Choose why the person leaves the registry.")})
    locked = _lock_person(person, based_on)
    require_writer(actor, locked.path)
    current = locked.records.filter(valid_to__isnull=True).first()
    if current is None:
        raise ValidationError(_("This person is already recorded as no longer living here."))
    effective = effective_day(effective, not_before=current.valid_from)
    membership = HouseholdMember.objects.current().filter(person=locked).first()
    if membership is not None:
        others = membership.household.members.current().exclude(person=locked)
        if membership.relation == Relation.HEAD and others.exists():
            raise ValidationError(
                _("This person is the head of a household: choose a new head first.")
            )
        close(membership, effective)
        if not others.exists():
            Household.objects.filter(pk=membership.household_id).update(dissolved_on=effective)
    for row in [*locked.tenancies.current(), *locked.care_tags.current()]:
        close(row, effective)
    close(current, effective)
    locked.version += 1
    locked.save(update_fields=["version"])
    audit.record(
        actor,
        "registry.person.deregister",
        locked,
        after={"reason": reason, "valid_to": effective},
        note=note,
        scope_path=locked.path,
    )
    return locked


@transaction.atomic
def do_set_id_number(
    person, id_number: str, *, actor, based_on: int | None = None, note: str = ""
) -> Person:
    """Correct a person's ID number (a typing error, a 15-digit number upgraded). The sex
    and date of birth follow the number. The audit log keeps the masks only."""
    locked = _lock_person(person, based_on)
    require_writer(actor, locked.path)
    before = snapshot(locked)
    locked.set_id_number(id_number)
    if locked.id_number_index:
        existing = (
            Person.objects.filter(id_number_index=locked.id_number_index)
            .exclude(pk=locked.pk)
            .first()
        )
        if existing is not None:
            raise _duplicate_error(existing, actor)
    locked.version += 1
    locked.full_clean()
    locked.save()
    old, new = diff(before, snapshot(locked))
    audit.record(
        actor,
        "registry.person.set_id_number",
        locked,
        before=old,
        after=new,
        note=note,
        scope_path=locked.path,
    )
    return locked


@transaction.atomic
def do_add_care_tag(person, kind: str, *, actor, valid_from=None, note: str = "") -> CareTag:
    if kind not in CareTagKind.values:
        raise ValidationError({"kind": _("Choose the kind of care tag.")})
    locked = Person.objects.select_for_update().get(pk=person.pk)
    _not_anonymised(locked)
    if not may_write_care_tags_at(actor, locked.path):
        raise PermissionDenied(_("Your role here does not include setting care tags."))
    if not locked.records.filter(valid_to__isnull=True).exists():
        raise ValidationError(_("This person no longer lives in the area."))
    tag = CareTag(
        person=locked,
        kind=kind,
        note=note.strip(),
        valid_from=effective_day(valid_from),
        recorded_by=actor_or_none(actor),
    )
    tag.full_clean()
    tag.save()
    audit.record(
        actor,
        "registry.care_tag.add",
        locked,
        after={"kind": kind, "valid_from": tag.valid_from},
        scope_path=locked.path,
    )
    return tag


@transaction.atomic
def do_end_care_tag(tag, *, actor, valid_to=None, note: str = "") -> CareTag:
    tag = CareTag.objects.select_for_update(of=("self",)).select_related("person").get(pk=tag.pk)
    if not may_write_care_tags_at(actor, tag.person.path):
        raise PermissionDenied(_("Your role here does not include setting care tags."))
    if tag.valid_to is not None:
        raise ValidationError(_("This care tag has already ended."))
    day = effective_day(valid_to, not_before=tag.valid_from, field="valid_to")
    close(tag, day)
    audit.record(
        actor,
        "registry.care_tag.end",
        tag.person,
        after={"kind": tag.kind, "valid_to": day},
        note=note,
        scope_path=tag.person.path,
    )
    return tag


def id_number_error(value: str) -> str | None:
    """The reason an ID number is refused, or None: for forms that check as you type."""
    try:
        idcard.parse(value, today=timezone.localdate())
    except idcard.IdNumberError as exc:
        return exc.message
    return None
