"""Records are effective-dated: a change closes the current record and opens a new one,
so moving house keeps the old address and a count of a past day is reproducible."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shanzhi.core.models import AuditEvent
from shanzhi.registry.actions import (
    DeregistrationReason,
    EditConflict,
    do_deregister_person,
    do_move_person,
    do_register_person,
    do_update_person,
)
from shanzhi.registry.models import Person, PersonRecord, RegistrationType
from shanzhi.registry.tests.conftest import COMMUNITY_A, GRID_A, GRID_A2, PAST, id_number

pytestmark = pytest.mark.django_db


def count(area, day, **kwargs):
    return PersonRecord.objects.as_of(day, **kwargs).in_area(area).count()


def test_moving_house_keeps_the_old_address(register, persona, grid):
    person = register(1)
    staff = persona("community")
    moved = date.today() - timedelta(days=3)
    do_move_person(
        person,
        actor=staff,
        current_address="示范路99号2单元301室",
        grid=grid(GRID_A2),
        effective=moved,
        reason="搬家",
    )
    old, new = PersonRecord.objects.filter(person=person).order_by("number")
    assert (old.current_address, old.valid_from, old.valid_to) == ("示范路1号", PAST, moved)
    assert (new.current_address, new.valid_from, new.valid_to) == (
        "示范路99号2单元301室",
        moved,
        None,
    )
    assert new.grid.code == GRID_A2 and new.name == old.name and new.phone == old.phone
    person.refresh_from_db()
    assert person.grid.code == GRID_A2 and person.version == 2
    assert PersonRecord.objects.as_of(moved - timedelta(days=1)).get(person=person) == old
    assert PersonRecord.objects.as_of(moved).get(person=person) == new
    # The audit event says what changed, with the addresses masked.
    event = AuditEvent.objects.for_object(person).filter(action="registry.person.move").get()
    assert event.after["current_address"] == "示范路99号…"
    assert "2单元301室" not in str(event.before) + str(event.after)


def test_a_past_day_counts_the_same_after_later_changes(register, persona, region):
    community = region(COMMUNITY_A)
    a, b, c = register(1), register(2, name="李四"), register(3, name="王五")
    past = PAST + timedelta(days=10)
    assert count(community, past) == 3
    staff = persona("streetstaff")  # works in the whole street: may move people out of A
    do_move_person(a, actor=staff, current_address="西岭路1号", grid=region("990101001002001"))
    do_deregister_person(b, actor=staff, reason=DeregistrationReason.MOVED_AWAY)
    do_update_person(c, {"name": "王五一"}, actor=staff)
    assert count(community, past) == 3
    today = timezone.localdate()
    assert count(community, today) == 1
    assert count(region("990101001002"), today) == 1


def test_back_dated_changes_do_not_change_what_was_known(register, persona, region):
    community = region(COMMUNITY_A)
    person = register(1)
    past = PAST + timedelta(days=10)
    known = timezone.now()
    # Recorded today: the person had in fact moved out of community A on day PAST + 5.
    do_move_person(
        person,
        actor=persona("streetstaff"),
        current_address="西岭路1号",
        grid=region("990101001002001"),
        effective=PAST + timedelta(days=5),
    )
    assert count(community, past) == 0  # what is true, as far as we know now
    assert count(community, past, known_at=known) == 1  # the count made before the change


def test_dates_in_the_future_or_before_the_current_record_are_refused(register, persona):
    person = register(1)
    staff = persona("community")
    with pytest.raises(ValidationError) as caught:
        do_update_person(
            person, {"name": "张三丰"}, actor=staff, effective=date.today() + timedelta(days=1)
        )
    assert "future" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        do_update_person(person, {"name": "张三丰"}, actor=staff, effective=PAST - timedelta(1))
    assert "cannot take effect before 2025-01-01" in str(caught.value)
    with pytest.raises(ValidationError):
        register(2, valid_from=date.today() + timedelta(days=1))
    assert PersonRecord.objects.filter(person=person).count() == 1


def test_a_same_day_correction_keeps_the_wrong_record_but_counts_it_on_no_day(
    persona, grid, region
):
    staff = persona("community")
    today = timezone.localdate()
    person = do_register_person(actor=staff, name="张山", grid=grid(GRID_A), valid_from=today)
    do_update_person(person, {"name": "张三"}, actor=staff, reason="录入更正")
    wrong, right = PersonRecord.objects.filter(person=person).order_by("number")
    assert wrong.valid_from == wrong.valid_to == today
    assert list(PersonRecord.objects.as_of(today).filter(person=person)) == [right]
    assert count(region(COMMUNITY_A), today) >= 1


def test_nothing_changed_makes_no_new_version(register, persona):
    person = register(1)
    same = do_update_person(person, {"name": "张三"}, actor=persona("community"))
    assert same.version == 1
    assert PersonRecord.objects.filter(person=person).count() == 1


def test_a_change_based_on_an_old_version_is_a_conflict(register, persona):
    person = register(1)
    staff = persona("community")
    stale = Person.objects.get(pk=person.pk)
    do_update_person(person, {"phone": "13911112222"}, actor=staff)
    with pytest.raises(EditConflict) as caught:
        do_update_person(stale, {"name": "张叁"}, actor=staff)
    assert (caught.value.based_on, caught.value.current) == (1, 2)
    with pytest.raises(EditConflict):
        do_update_person(person, {"name": "张叁"}, actor=staff, based_on=1)
    current = PersonRecord.objects.current().get(person=person)
    assert current.name == "张三" and current.phone_masked == "139****2222"


def test_registration_rules(persona, grid):
    staff = persona("community")
    with pytest.raises(ValidationError) as caught:
        do_register_person(
            actor=staff,
            name="流动人口",
            grid=grid(GRID_A),
            registration_type=RegistrationType.FLOATING,
            lives_at_registration=True,
        )
    assert "lives_at_registration" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        do_register_person(actor=staff, name="", grid=grid(GRID_A))
    assert caught.value.message_dict["name"] == ["Enter the name."]
    with pytest.raises(ValidationError) as caught:
        do_register_person(actor=staff, name="某人", grid=grid("990101001001"))
    assert "not a grid" in str(caught.value)


def test_invalid_id_numbers_say_why(persona, grid):
    staff = persona("community")
    wrong = id_number(1)[:17] + ("0" if id_number(1)[17] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        do_register_person(actor=staff, name="某人", grid=grid(GRID_A), id_number=wrong)
    assert "check character is wrong" in caught.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as caught:
        do_register_person(
            actor=staff, name="某人", grid=grid(GRID_A), id_number=id_number(1, "20990101")
        )
    assert "future" in caught.value.message_dict["id_number"][0]
    assert not Person.objects.filter(records__name="某人").exists()


def test_a_duplicate_id_number_is_refused_and_a_returning_person_keeps_their_history(
    register, persona, staff_b, grid
):
    person = register(1)
    with pytest.raises(ValidationError) as caught:
        register(1, name="张三")
    assert "already registered" in caught.value.message_dict["id_number"][0]
    # Community B's staff do not learn where the person lives.
    with pytest.raises(ValidationError) as caught:
        register(1, code="990101001002001", actor=staff_b)
    message = caught.value.message_dict["id_number"][0]
    assert "another area" in message and "990101001001" not in message
    # Once community A records the move-out, B registers the return: same person.
    do_deregister_person(person, actor=persona("community"), reason=DeregistrationReason.MOVED_AWAY)
    back = register(1, code="990101001002001", actor=staff_b, valid_from=date.today())
    assert back.pk == person.pk and back.grid.code == "990101001002001"
    assert PersonRecord.objects.filter(person=person).count() == 2


def test_a_stored_proposal_may_name_the_grid_by_its_key(register, persona, grid):
    person = register(1)
    staff = persona("community")
    moved = do_update_person(
        person, {"grid": grid(GRID_A2).pk, "current_address": "示范路7号"}, actor=staff
    )
    assert moved.grid.code == GRID_A2
    with pytest.raises(ValidationError) as caught:
        do_update_person(moved, {"grid": 10**9}, actor=staff)
    assert caught.value.message_dict["grid"] == ["This grid does not exist."]
