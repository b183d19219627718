"""ID numbers and phone numbers are encrypted at rest; exact search goes through a keyed
blind index. The raw tables are read directly, as an attacker with a copy would."""

import hashlib

import pytest
from django.db import connection

from shanzhi.core import crypto
from shanzhi.registry import blindindex
from shanzhi.registry.actions import do_create_organisation
from shanzhi.registry.models import Organisation, OrganisationKind, Person, PersonRecord
from shanzhi.registry.tests.conftest import GRID_A, id_number, phone

pytestmark = pytest.mark.django_db


def raw_rows(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
        return [str(value) for row in cursor.fetchall() for value in row]


def test_no_plain_id_number_or_phone_in_any_column(register, persona, grid):
    person = register(7)
    do_create_organisation(
        Organisation(kind=OrganisationKind.ENTERPRISE, name="示范物业公司", grid=grid(GRID_A)),
        actor=persona("community"),
        contact_phone=phone(8),
    )
    secrets = [id_number(7), phone(7), phone(8)]
    for table in (
        "registry_person",
        "registry_personrecord",
        "registry_organisation",
        "core_auditevent",
    ):
        values = raw_rows(table)
        assert values, table
        for secret in secrets:
            assert not [v for v in values if secret in v], (table, secret)
    # What is stored decrypts back, and the page shows only the mask.
    stored = Person.objects.get(pk=person.pk)
    assert crypto.decrypt(stored.id_number_encrypted) == id_number(7)
    assert stored.id_number_masked == "9901**********" + id_number(7)[-4:]
    record = PersonRecord.objects.get(person=person)
    assert record.phone == phone(7) and record.phone_masked == "139****0007"


def test_exact_search_by_blind_index(register):
    person = register(9)
    spaced = " ".join([id_number(9)[:6], id_number(9)[6:14], id_number(9)[14:]])
    assert list(Person.objects.with_id_number(spaced)) == [person]
    assert list(Person.objects.with_id_number(id_number(10))) == []
    by_phone = PersonRecord.objects.current().with_phone("+86 139-0000-0009")
    assert [r.person_id for r in by_phone] == [person.pk]


def test_the_index_is_keyed_not_a_plain_hash(register):
    person = register(11)
    plain = hashlib.sha256(id_number(11).encode()).hexdigest()
    assert person.id_number_index not in (plain, "")
    assert person.id_number_index == blindindex.id_number(id_number(11))
    # A phone typed into the ID field does not share the phone's index.
    assert blindindex.id_number("13900000011") != blindindex.phone("13900000011")
