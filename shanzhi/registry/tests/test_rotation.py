"""Key rotation re-encrypts every value with the first key, in batches; it can be
stopped and run again, and a second complete run changes nothing. The blind indexes can
be rebuilt after their key changed."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command

from shanzhi.core import crypto
from shanzhi.registry import blindindex, keys
from shanzhi.registry.actions import do_create_organisation
from shanzhi.registry.models import Organisation, OrganisationKind, Person, PersonRecord
from shanzhi.registry.tests.conftest import GRID_A, id_number, phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def use_keys(settings):
    def use(field_keys):
        settings.FIELD_ENCRYPTION_KEYS = field_keys
        crypto._fernet.cache_clear()

    yield use
    crypto._fernet.cache_clear()


@pytest.fixture
def data(register, persona, grid):
    people = [register(n, name=f"居民{n}") for n in (41, 42, 43)]
    organisation = do_create_organisation(
        Organisation(kind=OrganisationKind.RESIDENT_UNIT, name="示范小学", grid=grid(GRID_A)),
        actor=persona("community"),
        contact_phone=phone(44),
    )
    return people, organisation


def tokens():
    return (
        list(
            Person.objects.exclude(id_number_encrypted="").values_list(
                "id_number_encrypted", flat=True
            )
        )
        + list(
            PersonRecord.objects.exclude(phone_encrypted="").values_list(
                "phone_encrypted", flat=True
            )
        )
        + list(
            Organisation.objects.exclude(contact_phone_encrypted="").values_list(
                "contact_phone_encrypted", flat=True
            )
        )
    )


def rotate_command(*args) -> str:
    out = io.StringIO()
    call_command("registry_rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_rotation_moves_every_value_to_the_new_key(data, settings, use_keys):
    people, organisation = data
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    use_keys([new, old])
    before = tokens()
    output = rotate_command("--batch-size", "2")
    assert "registry.Person.id_number_encrypted: 3 values, 3 re-encrypted" in output
    assert "registry.Organisation.contact_phone_encrypted: 1 values, 1 re-encrypted" in output
    after = tokens()
    assert len(after) == len(before) and not set(after) & set(before)
    # The old key can go: every value reads with the new key alone.
    use_keys([new])
    assert Person.objects.get(pk=people[0].pk).reveal_id_number() == id_number(41)
    assert PersonRecord.objects.current().get(person=people[2]).phone == phone(43)
    assert Organisation.objects.get(pk=organisation.pk).contact_phone == phone(44)
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(after[0].encode())
    # Idempotent: a second run finds nothing to do and changes nothing.
    assert "3 values, 0 re-encrypted" in rotate_command()
    assert tokens() == after


def test_an_interrupted_rotation_goes_on_where_it_stopped(data, settings, use_keys):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    use_keys([Fernet.generate_key().decode(), old])

    class Stop(Exception):
        pass

    def stop_after_first_batch(progress):
        raise Stop

    with pytest.raises(Stop):
        keys.rotate(batch_size=2, report=stop_after_first_batch)
    # The first batch (two ID numbers) was committed; the rest is done by the next run.
    rest = {
        (p.label, p.column): p.rotated
        for p in keys.rotate(batch_size=2)
        if p.label.startswith("registry.") and p.seen
    }
    assert rest == {
        ("registry.Person", "id_number_encrypted"): 1,
        ("registry.PersonRecord", "phone_encrypted"): 3,
        ("registry.Organisation", "contact_phone_encrypted"): 1,
    }


def test_the_blind_indexes_are_rebuilt_after_their_key_changed(data, settings):
    people, _organisation = data
    original = settings.BLIND_INDEX_KEY
    settings.BLIND_INDEX_KEY = "another-blind-index-key-for-the-test"
    blindindex.forget_key()
    try:
        assert not Person.objects.with_id_number(id_number(41)).exists()
        output = rotate_command("--reindex")
        assert "3 indexes rebuilt" in output
        assert list(Person.objects.with_id_number(id_number(41))) == [people[0]]
        assert PersonRecord.objects.current().with_phone(phone(42)).get().person == people[1]
    finally:
        settings.BLIND_INDEX_KEY = original
        blindindex.forget_key()
