"""The pure arithmetic of the summaries: ages, bands, the pyramid, shares, and the phone
forms the person card's cases are found by."""

from datetime import date

from shanzhi.registry.summary.person_cases import phone_forms
from shanzhi.registry.summary.stats import (
    age_on,
    band_label,
    band_of,
    child_key,
    pyramid,
    share,
)


def test_age_counts_completed_years():
    assert age_on(date(2025, 6, 15), 1980, birthday_passed=True) == 45
    assert age_on(date(2025, 6, 15), 1980, birthday_passed=False) == 44
    assert age_on(date(2025, 1, 1), 2025, birthday_passed=True) == 0


def test_five_year_bands_with_an_open_top():
    assert [band_of(a) for a in (0, 4, 5, 99, 100, 117)] == [0, 0, 1, 19, 20, 20]
    assert band_label(0) == "0–4" and band_label(19) == "95–99" and band_label(20) == "100+"


def test_the_pyramid_has_every_band_and_keeps_unknowns_apart():
    bands, unknown = pyramid([("1", 3, 2), ("2", 4, 1), ("9", 2, 5), ("1", 101, 1), ("2", None, 7)])
    assert len(bands) == 21
    assert (bands[0].male, bands[0].female, bands[0].other, bands[0].total) == (2, 1, 5, 8)
    assert bands[20].male == 1 and bands[20].label == "100+"
    assert unknown == 7
    assert sum(b.total for b in bands) == 9


def test_share_in_per_cent_or_none_without_a_whole():
    assert share(1, 3) == 33.3
    assert share(0, 0) is None


def test_child_key_finds_the_unit_below():
    assert child_key("/1/4/", "/1/4/17/23/") == 17
    assert child_key("/1/4/", "/1/4/") is None
    assert child_key("/1/4/", "/1/5/9/") is None


def test_phone_forms_cover_the_usual_spellings():
    assert phone_forms("139 0000 0071") == {"13900000071", "+8613900000071", "+86 13900000071"}
    assert phone_forms("025-12345678") == {"02512345678", "025-12345678", "0251-2345678"}
    assert phone_forms("") == set()
