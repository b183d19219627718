"""Households: create one around its head, add and remove members, hand over the head.

Memberships are effective-dated: leaving a household closes the row, so who lived
together when stays readable. A person belongs to one household at a time and a
household has one head at a time; the actions say so in words, and partial unique
indexes make sure even a racing second request cannot break it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.core.actions import save_audited
from shanzhi.registry.access import require_grid_in_area, require_writer
from shanzhi.registry.actions.common import (
    actor_or_none,
    check_version,
    close,
    effective_day,
    lock,
)
from shanzhi.registry.models import Household, HouseholdMember, Person, Relation


def _member_ready(person, actor) -> Person:
    """The person, locked: living here, not anonymised, in the actor's area, and in no
    other household now."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    require_writer(actor, person.path)
    if person.is_anonymised or not person.records.filter(valid_to__isnull=True).exists():
        raise ValidationError(
            {
                "person": _("%(person)s no longer lives in the area.")
                % {"person": person.display_name()}
            }
        )
    elsewhere = (
        HouseholdMember.objects.current().filter(person=person).select_related("household").first()
    )
    if elsewhere is not None:
        raise ValidationError(
            {
                "person": _(
                    "%(person)s already belongs to %(household)s: remove them from it first."
                )
                % {"person": person.display_name(), "household": elsewhere.household}
            }
        )
    return person


def _join(household, person, relation, *, actor, day) -> HouseholdMember:
    member = HouseholdMember(
        household=household,
        person=person,
        relation=relation,
        valid_from=day,
        recorded_by=actor_or_none(actor),
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def do_create_household(
    *,
    actor,
    head,
    dwelling=None,
    grid=None,
    address: str = "",
    number: str = "",
    valid_from=None,
    note: str = "",
) -> Household:
    """A new household with ``head`` as its head (户主)."""
    head = _member_ready(head, actor)
    grid = (dwelling.grid if dwelling is not None else None) or grid or head.grid
    require_grid_in_area(actor, grid)
    day = effective_day(valid_from)
    if not address and dwelling is not None:
        address = dwelling.address
    if not address:
        current = head.records.filter(valid_to__isnull=True).first()
        address = current.current_address if current else ""
    household = Household(dwelling=dwelling, address=address.strip(), number=number.strip())
    household.place_in(grid)
    save_audited(
        household,
        actor=actor,
        action="registry.household.create",
        note=note,
        scope_path=household.path,
    )
    _join(household, head, Relation.HEAD, actor=actor, day=day)
    return household


def _lock_household(household, actor, based_on=None) -> Household:
    locked = lock(household)
    require_writer(actor, locked.path)
    if locked.dissolved_on is not None:
        raise ValidationError(_("This household was dissolved."))
    if based_on is not None:
        check_version(locked, based_on)
    return locked


@transaction.atomic
def do_add_household_member(
    household, person, relation: str, *, actor, valid_from=None, note: str = ""
) -> HouseholdMember:
    if relation == Relation.HEAD:
        raise ValidationError(
            {"relation": _("A household has one head: hand over the head instead.")}
        )
    if relation not in Relation.values:
        raise ValidationError({"relation": _("Choose the relation to the head.")})
    household = _lock_household(household, actor)
    person = _member_ready(person, actor)
    member = _join(household, person, relation, actor=actor, day=effective_day(valid_from))
    audit.record(
        actor,
        "registry.household.add_member",
        household,
        after={"person": person.pk, "relation": relation, "valid_from": member.valid_from},
        note=note,
        scope_path=household.path,
    )
    return member


@transaction.atomic
def do_remove_household_member(
    household, person, *, actor, valid_to=None, note: str = ""
) -> HouseholdMember:
    """``person`` leaves the household on ``valid_to``. The head leaves last (or hands
    over first); the household is dissolved when its last member leaves."""
    household = _lock_household(household, actor)
    member = household.members.current().filter(person=person).first()
    if member is None:
        raise ValidationError(
            {
                "person": _("%(person)s is not a member of this household.")
                % {"person": person.display_name()}
            }
        )
    others = household.members.current().exclude(pk=member.pk)
    if member.relation == Relation.HEAD and others.exists():
        raise ValidationError(
            {"person": _("Hand over the head of the household before the head leaves.")}
        )
    day = effective_day(valid_to, not_before=member.valid_from, field="valid_to")
    close(member, day)
    after = {"person": person.pk, "valid_to": day}
    if not others.exists():
        household.dissolved_on = day
        household.save(update_fields=["dissolved_on"])
        after["dissolved_on"] = day
    audit.record(
        actor,
        "registry.household.remove_member",
        household,
        after=after,
        note=note,
        scope_path=household.path,
    )
    return member


@transaction.atomic
def do_change_household_head(
    household,
    new_head,
    *,
    actor,
    former_head_relation: str,
    effective=None,
    based_on: int | None = None,
    note: str = "",
) -> Household:
    """Make ``new_head``, a member, the head; the former head stays a member with
    ``former_head_relation`` (their relation to the new head). Other members keep the
    relation recorded for them: correct it where the new head changes it."""
    household = _lock_household(
        household, actor, household.version if based_on is None else based_on
    )
    members = {m.person_id: m for m in household.members.current()}
    incoming = members.get(new_head.pk)
    if incoming is None:
        raise ValidationError(
            {"new_head": _("The new head must be a member of the household already.")}
        )
    if incoming.relation == Relation.HEAD:
        raise ValidationError({"new_head": _("This person is already the head.")})
    if former_head_relation not in Relation.values or former_head_relation == Relation.HEAD:
        raise ValidationError(
            {"former_head_relation": _("Choose the former head's relation to the new head.")}
        )
    outgoing = next((m for m in members.values() if m.relation == Relation.HEAD), None)
    not_before = max(m.valid_from for m in (incoming, outgoing) if m is not None)
    day = effective_day(effective, not_before=not_before)
    close(incoming, day)
    if outgoing is not None:
        close(outgoing, day)
        _join(household, outgoing.person, former_head_relation, actor=actor, day=day)
    _join(household, incoming.person, Relation.HEAD, actor=actor, day=day)
    household.version += 1
    household.save(update_fields=["version"])
    audit.record(
        actor,
        "registry.household.change_head",
        household,
        before={"head": outgoing.person_id if outgoing else None},
        after={"head": new_head.pk, "valid_from": day},
        note=note,
        scope_path=household.path,
    )
    return household
