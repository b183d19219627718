"""The party's ID number and phone are checked and kept encrypted (DOMAIN §6); a name
too long or a number that is not one is refused, never cut."""

import pytest
from django.core.exceptions import ValidationError

from shanzhi.enforcement.models import EnforcementCase
from shanzhi.enforcement.tests.conftest import at

ID = "110101199003070011"  # synthetic, valid check character


def test_the_numbers_are_encrypted_at_rest(new_case, matter):
    ecase = new_case(matter, now=at(2025, 9, 1, 9), party_id=ID, party_phone="13900001111")
    raw = EnforcementCase.objects.filter(pk=ecase.pk).values(
        "party_id_encrypted", "party_phone_encrypted"
    )[0]
    assert ID not in raw["party_id_encrypted"] and "13900001111" not in raw["party_phone_encrypted"]
    fresh = EnforcementCase.objects.get(pk=ecase.pk)
    assert (fresh.party_id, fresh.party_phone) == (ID, "13900001111")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"party_id": "110101199003070012"}, "party_id", "not a valid ID number"),
        (
            {"party_kind": "organisation", "party_id": "91110105MA01ABCD2X"},
            "party_id",
            "unified social credit code",
        ),
        ({"party_phone": "12345"}, "party_phone", "not a phone number"),
        ({"name": "某" * 101}, "party_name", "at most 100 characters"),
    ],
)
def test_bad_party_data_is_refused_and_nothing_stored(new_case, matter, fields, field, message):
    count = EnforcementCase.objects.count()
    with pytest.raises(ValidationError) as caught:
        new_case(matter, now=at(2025, 9, 1, 9), **fields)
    assert message in " ".join(caught.value.message_dict[field])
    assert EnforcementCase.objects.count() == count
