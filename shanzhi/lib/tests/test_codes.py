import pytest
from hypothesis import given
from hypothesis import strategies as st

from shanzhi.lib import codes

# Codes printed on public business licences.
PUBLISHED = ["91350200776049653A", "91350503MA31DNG762", "9135021359498494XQ"]


@pytest.mark.parametrize("value", PUBLISHED)
def test_published_codes_are_valid(value):
    uscc = codes.parse_uscc(value)
    assert uscc.authority == "9" and uscc.category == "1"
    assert uscc.division == value[2:8] and uscc.identifier == value[8:17]


def test_uscc_is_normalised():
    assert codes.parse_uscc(" 91350200-776049653a ").value == "91350200776049653A"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9135020077604965", "uscc_length"),
        ("91350200776049653I", "uscc_characters"),
        ("91A50200776049653A", "uscc_division"),
        ("91350200776049653B", "uscc_check"),
    ],
)
def test_uscc_reasons(value, code):
    with pytest.raises(codes.CodeError) as caught:
        codes.parse_uscc(value)
    assert caught.value.code == code and caught.value.message


body = st.text(alphabet=codes.USCC_CHARS, min_size=17, max_size=17).filter(
    lambda s: s[2:8].isdigit()
)


@given(first17=body, position=st.integers(0, 16), shift=st.integers(1, 30))
def test_any_single_substitution_in_a_uscc_is_caught(first17, position, shift):
    value = first17 + codes.uscc_check_char(first17)
    assert codes.is_valid_uscc(value)
    index = (codes.USCC_CHARS.index(value[position]) + shift) % 31
    typo = value[:position] + codes.USCC_CHARS[index] + value[position + 1 :]
    assert not codes.is_valid_uscc(typo)


def test_component_code_parts():
    code = codes.parse_component_code("99010101001000042")
    assert (code.division, code.major, code.minor, code.sequence) == (
        "990101",
        "01",
        "001",
        "000042",
    )
    assert codes.component_code("990101", "01", "001", 42) == code.value


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9901010100100004", "component_format"),
        ("9901010100100004A", "component_format"),
        ("99010100001000042", "component_part"),
        ("99010101000000042", "component_part"),
        ("99010101001000000", "component_part"),
    ],
)
def test_component_code_reasons(value, code):
    with pytest.raises(codes.CodeError) as caught:
        codes.parse_component_code(value)
    assert caught.value.code == code and caught.value.message


@pytest.mark.parametrize(
    ("value", "normal", "masked"),
    [
        ("138 1234 5678", "13812345678", "138****5678"),
        ("+86 13812345678", "13812345678", "138****5678"),
        ("025-12345678", "02512345678", "025****5678"),
        ("84123456", "84123456", "841*3456"),
    ],
)
def test_phones(value, normal, masked):
    assert codes.check_phone(value) == normal
    assert codes.mask_phone(value) == masked


@pytest.mark.parametrize("value", ["", "12345", "2381234567", "abc", "1381234567"])
def test_not_phones(value):
    with pytest.raises(codes.CodeError) as caught:
        codes.check_phone(value)
    assert caught.value.code == "phone"
