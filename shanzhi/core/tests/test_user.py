import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from shanzhi.core.models import User
from shanzhi.lib import identity

pytestmark = pytest.mark.django_db


def an_id_number(seq: int = 123) -> str:
    body = f"99010119900307{seq:03d}"
    return body + identity.id_check_char(body)


def test_id_number_is_encrypted_at_rest_and_masked():
    number = an_id_number()
    user = User(username="idholder", real_name="测试")
    user.set_id_number(number)
    user.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_encrypted, id_number_masked FROM core_user WHERE id = %s", [user.pk]
        )
        stored, masked = cursor.fetchone()
    assert number not in stored
    assert masked == number[:4] + "*" * 10 + number[-4:]
    assert User.objects.get(pk=user.pk).reveal_id_number() == number


def test_invalid_id_number_is_refused():
    user = User(username="badid")
    bad = an_id_number()[:-1] + ("1" if an_id_number()[-1] != "1" else "2")
    with pytest.raises(ValidationError) as excinfo:
        user.set_id_number(bad)
    assert excinfo.value.code == "invalid_id_number"
    assert "校验码" in excinfo.value.messages[0]


def test_mobile_number_is_validated():
    user = User(username="badphone", phone="12345")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "phone" in excinfo.value.message_dict


def test_duplicate_phone_is_refused_with_a_clear_message(persona):
    taken = persona("gridworker").phone
    user = User(username="another", phone=taken, password="x")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert excinfo.value.message_dict["phone"] == ["该手机号已被注册。"]


def test_duplicate_username_is_refused():
    user = User(username="gridworker", password="x")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "username" in excinfo.value.message_dict
