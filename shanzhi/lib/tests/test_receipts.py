import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanzhi.lib import receipts


@pytest.mark.parametrize(
    ("raw", "number", "valid"),
    [
        ("SR2026011500000123", "SR2026011500000123", True),
        (" sr 20260115-00000123 ", "SR2026011500000123", True),
        ("ＳＲ２０２６０１１５０００００１２３", "SR2026011500000123", True),
        ("GE202601150000012345", "GE202601150000012345", True),
        ("SR20260115", "SR20260115", False),
        ("2026011500000123", "2026011500000123", False),
        ("SR2026011500000123<script>", "SR2026011500000123<SCRIPT>", False),
        ("", "", False),
    ],
)
def test_case_numbers(raw, number, valid):
    assert receipts.normalize_number(raw) == number
    assert receipts.is_case_number(number) is valid


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("5678", True),
        (" 5678 ", True),
        ("５６７８", True),
        ("567", False),
        ("56789", False),
        ("56a8", False),
        ("٥٦٧٨", False),
        ("", False),
    ],
)
def test_suffixes(raw, valid):
    assert receipts.is_suffix(receipts.normalize_suffix(raw)) is valid


@pytest.mark.parametrize(
    ("phone", "suffix"),
    [
        ("13812345678", "5678"),
        ("+86 138-1234-5678", "5678"),
        ("000-61234567", "4567"),
        ("１３８１２３４５６７８", "5678"),
        ("123", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_suffix(phone, suffix):
    assert receipts.phone_suffix(phone) == suffix


def test_suffix_matches_only_the_last_four_digits():
    assert receipts.suffix_matches("138-1234-5678", "5678")
    assert not receipts.suffix_matches("13812345678", "1234")
    assert not receipts.suffix_matches("13812345678", "678")
    assert not receipts.suffix_matches("", "")  # no phone given: nothing matches
    assert not receipts.suffix_matches("123", "0123")


def test_retry_after_counts_only_failures_inside_the_window():
    now = 10_000.0
    assert receipts.retry_after([], now, 3600, 3) == 0
    assert receipts.retry_after([now - 10, now - 20], now, 3600, 3) == 0
    # Three failures with a limit of three: wait until the oldest leaves the window.
    assert receipts.retry_after([now - 100, now - 10, now - 20], now, 3600, 3) == 3500
    # Failures older than the window do not count.
    assert receipts.retry_after([now - 4000, now - 10, now - 20], now, 3600, 3) == 0
    # Five failures with a limit of three: the third oldest must leave.
    times = [now - 500, now - 400, now - 300, now - 200, now - 100]
    assert receipts.retry_after(times, now, 3600, 3) == 3600 - 300
    with pytest.raises(ValueError):
        receipts.retry_after([], now, 60, 0)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=7200), max_size=30),
    st.integers(min_value=1, max_value=10),
)
def test_after_waiting_a_check_is_allowed(offsets, limit):
    now, window = 10_000.0, 3600.0
    times = [now - offset for offset in offsets]
    wait = receipts.retry_after(times, now, window, limit)
    assert wait >= 0
    assert receipts.retry_after(times, now + wait, window, limit) == 0
    if wait:
        assert receipts.retry_after(times, now + wait - 1, window, limit) > 0
