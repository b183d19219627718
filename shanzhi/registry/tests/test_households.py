"""Households: one head at a time, a person in one household at a time, the head
leaves last or hands over first, and membership history is kept."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from shanzhi.registry.actions import (
    DeregistrationReason,
    EditConflict,
    do_add_household_member,
    do_change_household_head,
    do_create_household,
    do_deregister_person,
    do_remove_household_member,
)
from shanzhi.registry.models import Household, HouseholdMember, Relation
from shanzhi.registry.tests.conftest import GRID_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(register, persona):
    staff = persona("community")
    head, spouse, child = (
        register(1, name="张父"),
        register(2, name="张母"),
        register(3, name="张子"),
    )
    household = do_create_household(actor=staff, head=head, number="H001")
    do_add_household_member(household, spouse, Relation.SPOUSE, actor=staff)
    do_add_household_member(household, child, Relation.CHILD, actor=staff)
    return household, head, spouse, child, staff


def members(household):
    return {m.person_id: m.relation for m in household.members.current()}


def test_a_household_has_its_head_and_members(family):
    household, head, spouse, child, _staff = family
    assert household.head == head
    assert members(household) == {
        head.pk: Relation.HEAD,
        spouse.pk: Relation.SPOUSE,
        child.pk: Relation.CHILD,
    }
    assert household.address == "示范路1号" and household.path == head.path


def test_a_person_is_in_one_household_at_a_time(family, register, persona):
    _household, _head, _spouse, child, staff = family
    lodger = register(4, name="租客")
    other = do_create_household(actor=staff, head=lodger)
    with pytest.raises(ValidationError) as caught:
        do_add_household_member(other, child, Relation.NON_RELATIVE, actor=staff)
    assert "already belongs to Household #" in caught.value.message_dict["person"][0]
    # The database refuses it too, whatever code tries.
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMember.objects.create(household=other, person=child, relation="child")


def test_one_head_only(family, register):
    household, _head, _spouse, _child, staff = family
    with pytest.raises(ValidationError) as caught:
        do_add_household_member(household, register(5), Relation.HEAD, actor=staff)
    assert "hand over the head" in caught.value.message_dict["relation"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMember.objects.create(household=household, person=register(6), relation="head")


def test_the_head_hands_over_before_leaving(family):
    household, head, spouse, _child, staff = family
    with pytest.raises(ValidationError) as caught:
        do_remove_household_member(household, head, actor=staff)
    assert "Hand over the head" in caught.value.message_dict["person"][0]
    with pytest.raises(ValidationError):
        do_deregister_person(head, actor=staff, reason=DeregistrationReason.DECEASED)
    household = do_change_household_head(
        household, spouse, actor=staff, former_head_relation=Relation.SPOUSE
    )
    assert household.head == spouse and household.version == 2
    assert members(household)[head.pk] == Relation.SPOUSE
    # The old rows are kept: the former head was head until today.
    assert household.members.filter(person=head, relation=Relation.HEAD).exists()
    do_deregister_person(head, actor=staff, reason=DeregistrationReason.DECEASED)
    assert head.pk not in members(household)


def test_changing_the_head_needs_a_member_and_the_current_version(family, register):
    household, _head, spouse, child, staff = family
    stale = Household.objects.get(pk=household.pk)
    with pytest.raises(ValidationError) as caught:
        do_change_household_head(
            household, register(7), actor=staff, former_head_relation=Relation.PARENT
        )
    assert "must be a member" in caught.value.message_dict["new_head"][0]
    with pytest.raises(ValidationError):
        do_change_household_head(household, child, actor=staff, former_head_relation=Relation.HEAD)
    do_change_household_head(household, child, actor=staff, former_head_relation=Relation.PARENT)
    with pytest.raises(EditConflict):
        do_change_household_head(stale, spouse, actor=staff, former_head_relation=Relation.CHILD)


def test_the_last_member_leaving_dissolves_the_household(register, persona):
    staff = persona("community")
    alone = register(8, name="独居")
    household = do_create_household(actor=staff, head=alone)
    do_remove_household_member(household, alone, actor=staff)
    household.refresh_from_db()
    assert household.dissolved_on is not None and household.head is None
    with pytest.raises(ValidationError) as caught:
        do_add_household_member(household, register(9), Relation.CHILD, actor=staff)
    assert "dissolved" in str(caught.value)


def test_households_are_kept_by_the_staff_of_their_area(family, staff_b, register, persona):
    household, _head, _spouse, child, staff = family
    with pytest.raises(PermissionDenied):
        do_add_household_member(household, register(10), Relation.CHILD, actor=staff_b)
    with pytest.raises(PermissionDenied):
        do_remove_household_member(household, child, actor=persona("gridworker"))
    outsider = register(11, code=GRID_B, actor=staff_b)
    with pytest.raises(PermissionDenied):
        do_add_household_member(household, outsider, Relation.CHILD, actor=staff)
