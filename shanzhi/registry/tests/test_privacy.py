"""Anonymisation keeps the statistics; exports need a role, are watermarked and logged."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from shanzhi.core.models import AuditEvent
from shanzhi.registry.actions import (
    AnonymisationReason,
    do_add_care_tag,
    do_anonymise_person,
    do_export_people,
    do_move_person,
    do_update_person,
)
from shanzhi.registry.models import AccessKind, CareTag, Person, PersonalDataAccess, PersonRecord
from shanzhi.registry.tests.conftest import COMMUNITY_A, GRID_A, PAST, id_number, phone

pytestmark = pytest.mark.django_db


def statistics(area, day):
    rows = (
        PersonRecord.objects.as_of(day)
        .in_area(area)
        .values("person__sex", "person__birth_year", "grid_id", "registration_type")
        .annotate(n=Count("pk"))
    )
    return sorted(
        (r["person__sex"], r["person__birth_year"], r["grid_id"], r["registration_type"], r["n"])
        for r in rows
    )


def test_anonymising_keeps_the_counts_of_every_day(register, persona, region):
    staff = persona("community")
    person = register(51, name="待匿名")
    register(52, name="其他人")
    do_move_person(
        person, actor=staff, current_address="示范路88号", effective=date.today() - timedelta(3)
    )
    do_add_care_tag(person, "elderly_alone", actor=staff, note="子女在外地")
    community = region(COMMUNITY_A)
    days = [PAST + timedelta(days=30), timezone.localdate()]
    before = [statistics(community, day) for day in days]

    do_anonymise_person(person, actor=staff, reason=AnonymisationReason.REQUEST)

    assert [statistics(community, day) for day in days] == before
    person.refresh_from_db()
    assert person.is_anonymised and person.birth_year == 1980 and person.birth_date is None
    assert person.id_number_masked == person.id_number_index == person.id_number_encrypted == ""
    for record in PersonRecord.objects.filter(person=person):
        assert record.name == record.current_address == record.phone_masked == ""
        assert record.grid.code == GRID_A
    tag = CareTag.objects.get(person=person)
    assert tag.kind == "elderly_alone" and tag.note == ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, current_address FROM registry_personrecord")
        values = [v for row in cursor.fetchall() for v in row]
    assert "待匿名" not in values and "示范路88号" not in values
    event = AuditEvent.objects.for_object(person).get(action="registry.person.anonymise")
    assert event.after == {"reason": "request", "records": 2}
    assert "待匿名" not in str(
        AuditEvent.objects.for_object(person).values_list("before", "after", "object_repr")
    )
    # The ID number is free again and the anonymised person cannot be changed.
    assert not Person.objects.with_id_number(id_number(51)).exists()
    with pytest.raises(ValidationError):
        do_update_person(person, {"name": "恢复"}, actor=staff)
    with pytest.raises(ValidationError):
        do_anonymise_person(person, actor=staff, reason=AnonymisationReason.REQUEST)


def test_anonymising_needs_a_reason_and_the_area(register, persona, staff_b):
    person = register(53)
    with pytest.raises(ValidationError):
        do_anonymise_person(person, actor=persona("community"), reason="because")
    with pytest.raises(PermissionDenied):
        do_anonymise_person(person, actor=staff_b, reason=AnonymisationReason.REQUEST)
    with pytest.raises(PermissionDenied):
        do_anonymise_person(person, actor=persona("auditor"), reason=AnonymisationReason.REQUEST)
    assert not Person.objects.get(pk=person.pk).is_anonymised


def test_an_export_is_watermarked_logged_and_masked_by_default(register, persona, region):
    register(54, name="甲")
    register(55, name="乙")
    staff = persona("community")
    export = do_export_people(actor=staff, area=region(COMMUNITY_A), purpose="assistance")
    rows = list(export.rows())
    assert export.count == len(rows) >= 2
    names = {row["name"] for row in rows}
    assert {"甲", "乙"} <= names
    mine = next(row for row in rows if row["name"] == "甲")
    assert mine["id_number"] == "9901**********" + id_number(54)[-4:]
    assert mine["phone"] == "139****0054" and phone(54) == "13900000054"
    assert staff.username in export.watermark and "Do not pass it on" in export.watermark
    entry = PersonalDataAccess.objects.get()
    assert (entry.kind, entry.count, entry.purpose, entry.field) == (
        AccessKind.EXPORT,
        export.count,
        "assistance",
        "",
    )
    assert entry.watermark == export.watermark and entry.path == region(COMMUNITY_A).path
    assert AuditEvent.objects.filter(action="registry.export_people").count() == 1
    assert len(export.headers()) == len(rows[0])


def test_an_export_with_full_values_needs_the_duty_for_them(register, persona, region, make_user):
    register(56, name="丙")
    staff = persona("community")
    export = do_export_people(
        actor=staff, area=region(GRID_A), purpose="verify_identity", reveal=["id_number", "phone"]
    )
    row = next(r for r in export.rows() if r["name"] == "丙")
    assert (row["id_number"], row["phone"]) == (id_number(56), phone(56))
    assert PersonalDataAccess.objects.get().field == "id_number,phone"
    # A grid worker may call people, but not export them.
    with pytest.raises(PermissionDenied):
        do_export_people(actor=persona("gridworker"), area=region(GRID_A), purpose="contact")
    # Leaders and auditors read, but do not export.
    for username in ("leader", "auditor"):
        with pytest.raises(PermissionDenied):
            do_export_people(actor=persona(username), area=region(COMMUNITY_A), purpose="contact")
    with pytest.raises(ValidationError):
        do_export_people(actor=staff, area=region(COMMUNITY_A), purpose="")
    with pytest.raises(PermissionDenied):
        do_export_people(actor=None, area=region(COMMUNITY_A), purpose="contact")
    assert PersonalDataAccess.objects.count() == 1
    # Street staff export their whole street.
    export = do_export_people(
        actor=persona("streetstaff"), area=region("990101001"), purpose="safety"
    )
    assert export.count >= 1
