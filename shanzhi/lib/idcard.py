"""Resident ID numbers (GB 11643-1999): validation with the reason, the birth date and sex
they carry, the upgrade of old 15-digit numbers, and masks for display.

An ID number is 6 digits of the administrative division where it was issued (GB/T 2260),
8 digits of birth date (YYYYMMDD), a 3-digit sequence (odd for men, even for women) and a
check character computed with ISO 7064 MOD 11-2 (``X`` stands for 10).

The division is checked for its shape only (a province part from 11 to 99 and a county
part), not against the list of divisions in force: numbers issued under divisions since
abolished stay valid for life, and synthetic data uses the unassigned province 99.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from shanzhi.lib import identity

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Nobody alive was born before this year; an earlier date is a typing error.
EARLIEST_BIRTH_YEAR = 1880

MESSAGES = {
    "empty": _("Enter the ID number."),
    "length": _("An ID number has 18 characters; this one has %(n)d."),
    "characters": _("An ID number is 17 digits followed by a digit or the letter X."),
    "region": _(
        "The first six digits (%(region)s) are not an administrative division code: "
        "the province part runs from 11 to 99."
    ),
    "birth_date": _("The birth date in the ID number (%(digits)s) is not a valid date."),
    "future": _("The birth date in the ID number (%(date)s) lies in the future."),
    "check": _(
        "The check character is wrong: with these 17 digits it must be %(expected)s, "
        "not %(given)s. Check the number for a typing error."
    ),
}

_DIGITS17 = re.compile(r"\d{17}")
_REGION = re.compile(r"[1-9][1-9]\d{4}")


class IdNumberError(ValueError):
    """A rejected ID number: ``code`` is stable (tests, API clients), ``message`` the
    reason in the active language."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        text = str(MESSAGES[self.code])
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class IdNumber:
    value: str
    region: str
    birth_date: date
    sequence: str

    @property
    def sex(self) -> str:
        """GB/T 2261.1 code: "1" male (odd sequence), "2" female (even)."""
        return "1" if int(self.sequence[-1]) % 2 else "2"


def normalize(value: str) -> str:
    """Half-width, upper case, without spaces: what people type and what forms paste."""
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"\s+", "", value).upper()


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _birth_date(digits: str) -> date:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise IdNumberError("birth_date", digits=digits) from None
    if born.year < EARLIEST_BIRTH_YEAR:
        raise IdNumberError("birth_date", digits=digits)
    return born


def parse(value: str, *, today: date | None = None) -> IdNumber:
    """The parts of a valid ID number; ``IdNumberError`` with the first reason otherwise.

    ``today`` bounds the birth date (pass the local date; the system date by default).
    """
    value = normalize(value)
    if not value:
        raise IdNumberError("empty")
    if len(value) != 18:
        raise IdNumberError("length", n=len(value))
    if not (_DIGITS17.fullmatch(value[:17]) and value[17] in "0123456789X"):
        raise IdNumberError("characters")
    if not _REGION.fullmatch(value[:6]):
        raise IdNumberError("region", region=value[:6])
    born = _birth_date(value[6:14])
    if born > (today or date.today()):
        raise IdNumberError("future", date=born.isoformat())
    expected = check_char(value[:17])
    if value[17] != expected:
        raise IdNumberError("check", expected=expected, given=value[17])
    return IdNumber(value=value, region=value[:6], birth_date=born, sequence=value[14:17])


def is_valid(value: str, *, today: date | None = None) -> bool:
    try:
        parse(value, today=today)
    except IdNumberError:
        return False
    return True


def upgrade_15(value: str) -> str:
    """The 18-character form of an old 15-digit number (issued before 1999, all born in
    the 1900s): the century inserted before the birth year, the check character added."""
    value = normalize(value)
    if not re.fullmatch(r"\d{15}", value):
        raise IdNumberError("characters")
    first17 = value[:6] + "19" + value[6:]
    return first17 + check_char(first17)


def mask(value: str) -> str:
    """3201**********1234: the province and city, and the last four characters."""
    return identity.mask_id_number(normalize(value))


def mask_name(name: str) -> str:
    """张*, 张*明, 欧**明: the first character and, for names of three characters or
    more, the last one."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
