import pytest

from shanzhi.lib import identity

# A checksum-valid number built from a fictional region code (990101).
VALID_ID = "99010119900307" + "123"


def valid_id():
    return VALID_ID + identity.id_check_char(VALID_ID)


def test_id_checksum_accepts_valid_and_rejects_wrong_check_char():
    good = valid_id()
    assert identity.is_valid_id_number(good)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert not identity.is_valid_id_number(wrong)


def test_id_check_char_can_be_x():
    # Search a short range for a number whose check character is X, then validate it.
    for n in range(1000):
        body = f"99010119900307{n:03d}"
        if identity.id_check_char(body) == "X":
            assert identity.is_valid_id_number(body + "x")
            return
    pytest.fail("no X check character found in range")


@pytest.mark.parametrize("bad", ["", "123", "9901011990030712", "99010119900307123A", "abc"])
def test_id_rejects_malformed(bad):
    assert not identity.is_valid_id_number(bad)


def test_masks():
    assert identity.mask_id_number("320102199003071234") == "3201**********1234"
    assert identity.mask_mobile("13812345678") == "138****5678"
    assert identity.mask("ab", 3, 4) == "**"
    assert identity.mask("", 3, 4) == ""


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("13812345678", True),
        ("+86 138-1234-5678", True),
        ("008613812345678", True),
        ("12812345678", False),
        ("1381234567", False),
        ("0251234567", False),
    ],
)
def test_mobile(raw, ok):
    assert identity.is_valid_mobile(raw) is ok
