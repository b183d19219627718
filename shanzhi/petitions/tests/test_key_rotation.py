"""Key rotation (``registry_rotate_keys``) re-encrypts the petitioners' identity and
material with the new key too, so the old key can be removed; the blind indexes that
find a petitioner again are rebuilt after their key changed."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from shanzhi.core import crypto
from shanzhi.petitions.identity import Person, Petitioner
from shanzhi.petitions.models import Participant, Petition
from shanzhi.petitions.tests.conftest import ID_A
from shanzhi.registry import blindindex

COLUMNS = ("name", "id_number", "phone", "address", "subject", "request", "facts")


@pytest.fixture
def use_keys(settings):
    def use(field_keys):
        settings.FIELD_ENCRYPTION_KEYS = field_keys
        crypto._fernet.cache_clear()

    yield use
    crypto._fernet.cache_clear()


def raw(petition):
    return Petition.objects.filter(pk=petition.pk).values(*(f"{c}_encrypted" for c in COLUMNS))[0]


def test_petition_fields_move_to_the_new_key(register, settings, use_keys):
    petition = register()
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    before = raw(petition)
    new = Fernet.generate_key().decode()
    use_keys([new, old])
    out = io.StringIO()
    call_command("registry_rotate_keys", stdout=out)
    assert "petitions.Petition.subject_encrypted: 1 values, 1 re-encrypted" in out.getvalue()
    after = raw(petition)
    assert all(after[k] != before[k] for k in before if before[k])
    use_keys([new])  # the old key is gone: everything still reads
    fresh = Petition.objects.get(pk=petition.pk)
    assert (fresh.name, fresh.id_number, fresh.phone) == ("王测试", ID_A, "13900001111")
    assert fresh.subject == "小区供暖温度不达标"


def test_group_visit_participants_move_too(register, settings, use_keys):
    petitioner = Petitioner(
        name="王测试",
        id_number=ID_A,
        phone="13900001111",
        representatives=[Person(name="李代表")],
    )
    petition = register(channel="visit", visit_record="两人来访", petitioner=petitioner)
    token = Participant.objects.get(petition=petition).name_encrypted
    use_keys([Fernet.generate_key().decode(), settings.FIELD_ENCRYPTION_KEYS[0]])
    call_command("registry_rotate_keys", stdout=io.StringIO())
    moved = Participant.objects.get(petition=petition)
    assert moved.name_encrypted != token and moved.name == "李代表"


def test_the_petitioner_index_is_rebuilt_after_its_key_changed(register, settings):
    petition = register()
    original = settings.BLIND_INDEX_KEY
    settings.BLIND_INDEX_KEY = "another-blind-index-key-for-the-test"
    blindindex.forget_key()
    try:
        assert not Petition.objects.filter(id_number_index=blindindex.id_number(ID_A)).exists()
        call_command("registry_rotate_keys", "--reindex", stdout=io.StringIO())
        found = Petition.objects.filter(id_number_index=blindindex.id_number(ID_A))
        assert list(found) == [petition]
    finally:
        settings.BLIND_INDEX_KEY = original
        blindindex.forget_key()
