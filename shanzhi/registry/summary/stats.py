"""Pure arithmetic of the summaries: ages on a day, five-year bands, the age pyramid and
shares. No database, no Django: unit-tested on their own (``tests/test_summary_stats``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

BAND_YEARS = 5
# The last band is open: 100 and over.
OPEN_BAND_FROM = 100
MALE, FEMALE = "1", "2"


def age_on(day: date, birth_year: int, birthday_passed: bool) -> int:
    """Completed years on ``day`` of someone born in ``birth_year`` whose birthday in
    ``day``'s year is on or before ``day`` (``birthday_passed``)."""
    return day.year - birth_year - (0 if birthday_passed else 1)


def band_of(age: int) -> int:
    """Index of the five-year band of ``age`` (0 for 0–4 … 20 for 100 and over)."""
    return min(max(age, 0), OPEN_BAND_FROM) // BAND_YEARS


def band_label(index: int) -> str:
    low = index * BAND_YEARS
    if low >= OPEN_BAND_FROM:
        return f"{OPEN_BAND_FROM}+"
    return f"{low}–{low + BAND_YEARS - 1}"


@dataclass
class Band:
    label: str
    male: int = 0
    female: int = 0
    other: int = 0  # sex unknown or not stated

    @property
    def total(self) -> int:
        return self.male + self.female + self.other


def pyramid(rows: Iterable[tuple[str, int | None, int]]) -> tuple[list[Band], int]:
    """The bands from 0–4 up to 100+ from ``(sex, age, count)`` rows, and the count of
    people whose age is unknown (``age`` None). Every band is present, empty or not, so
    that pyramids of different areas and days line up."""
    bands = [Band(band_label(i)) for i in range(OPEN_BAND_FROM // BAND_YEARS + 1)]
    unknown = 0
    for sex, age, count in rows:
        if age is None or age < 0:
            unknown += count
            continue
        band = bands[band_of(age)]
        if sex == MALE:
            band.male += count
        elif sex == FEMALE:
            band.female += count
        else:
            band.other += count
    return bands, unknown


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, one decimal; ``None`` when there is no whole."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


def child_key(parent_path: str, path: str) -> int | None:
    """The primary key of the child of the unit at ``parent_path`` that contains the row
    at ``path`` (paths are "/<pk>/<pk>/…/"); ``None`` for a row of the unit itself or of
    another unit."""
    if not path.startswith(parent_path):
        return None
    head = path[len(parent_path) :].split("/", 1)[0]
    return int(head) if head.isdigit() else None
