from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shanzhi.lib import idcard

TODAY = date(2026, 3, 1)


def make(region="990101", born="19850612", sequence="123") -> str:
    first17 = region + born + sequence
    return first17 + idcard.check_char(first17)


def test_a_valid_number_gives_its_birth_date_and_sex():
    number = idcard.parse(make(sequence="123"), today=TODAY)
    assert number.birth_date == date(1985, 6, 12)
    assert number.sex == "1"  # odd sequence: male
    assert idcard.parse(make(sequence="124"), today=TODAY).sex == "2"
    assert number.region == "990101"


def test_the_published_check_character_example():
    # GB 11643's worked example: 11010519491231002 → X
    assert idcard.check_char("11010519491231002") == "X"
    assert idcard.is_valid("11010519491231002x", today=TODAY)  # lower-case x accepted


def test_input_is_normalised():
    value = make()
    spaced = " ".join([value[:6], value[6:14], value[14:]])
    full_width = value.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert idcard.parse(spaced, today=TODAY).value == value
    assert idcard.parse(full_width, today=TODAY).value == value


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("12345", "length"),
        ("99010119850612123", "length"),
        ("99010119850612A234", "characters"),
        (make(region="090101"), "region"),
        (make(region="100101"), "region"),
        (make(born="19850230"), "birth_date"),
        (make(born="18500101"), "birth_date"),
        (make(born="20300101"), "future"),
    ],
)
def test_each_reason_is_named(value, code):
    with pytest.raises(idcard.IdNumberError) as caught:
        idcard.parse(value, today=TODAY)
    assert caught.value.code == code
    assert caught.value.message  # a sentence, not a code


def test_a_wrong_check_character_says_which_one_is_expected():
    value = make()
    wrong = "0" if value[17] != "0" else "1"
    with pytest.raises(idcard.IdNumberError) as caught:
        idcard.parse(value[:17] + wrong, today=TODAY)
    assert caught.value.code == "check"
    assert caught.value.params == {"expected": value[17], "given": wrong}
    assert value[17] in caught.value.message


def test_born_today_is_valid_tomorrow_is_not():
    assert idcard.is_valid(make(born="20260301"), today=TODAY)
    assert not idcard.is_valid(make(born="20260302"), today=TODAY)


def test_fifteen_digit_numbers_are_upgraded():
    upgraded = idcard.upgrade_15("990101850612123")
    assert upgraded == make(born="19850612", sequence="123")
    with pytest.raises(idcard.IdNumberError):
        idcard.upgrade_15("99010185061212")


def test_masks():
    assert idcard.mask(make()) == "9901**********" + make()[-4:]
    assert idcard.mask_name("张") == "张"
    assert idcard.mask_name("张三") == "张*"
    assert idcard.mask_name("张三丰") == "张*丰"
    assert idcard.mask_name("欧阳明月") == "欧**月"
    assert idcard.mask_name("") == ""


born = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@given(
    region=st.from_regex(r"[1-9][1-9]\d{4}", fullmatch=True),
    day=born,
    sequence=st.from_regex(r"\d{3}", fullmatch=True),
)
def test_every_well_formed_number_is_valid_and_round_trips(region, day, sequence):
    value = make(region, day.strftime("%Y%m%d"), sequence)
    number = idcard.parse(value, today=TODAY)
    assert number.birth_date == day
    assert number.sex == ("1" if int(sequence) % 2 else "2")


@given(
    day=born,
    sequence=st.from_regex(r"\d{3}", fullmatch=True),
    position=st.integers(min_value=0, max_value=16),
    shift=st.integers(min_value=1, max_value=9),
)
def test_any_single_typing_error_is_caught(day, sequence, position, shift):
    value = make("990101", day.strftime("%Y%m%d"), sequence)
    digit = str((int(value[position]) + shift) % 10)
    typo = value[:position] + digit + value[position + 1 :]
    assert not idcard.is_valid(typo, today=TODAY)
