"""Codes of the registry: the unified social credit code of organisations (GB 32100-2015),
the 17-digit code of city components (城市部件), and contact phone numbers.

Unified social credit code, 18 characters: registration authority (1), organisation
category (1), division of the registering authority (6, GB/T 2260), the organisation's
identifier (9, GB 11714) and a check character. The alphabet is the digits and the
capital letters without I, O, S, V and Z, each worth its position (0–30); the check
character makes the weighted sum (weights 3^i mod 31) a multiple of 31.

Component code, 17 digits: division (6) + major class (2) + minor class (3) + sequence
(6), numbered within the division and class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from shanzhi.lib import identity

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

MESSAGES = {
    "uscc_length": _("A unified social credit code has 18 characters; this one has %(n)d."),
    "uscc_characters": _(
        "A unified social credit code uses digits and capital letters other than "
        "I, O, S, V and Z (found “%(char)s”)."
    ),
    "uscc_division": _(
        "Characters 3 to 8 of a unified social credit code are the division code of the "
        "registering authority (six digits)."
    ),
    "uscc_check": _(
        "The check character is wrong: with these 17 characters it must be %(expected)s, "
        "not %(given)s. Check the code for a typing error."
    ),
    "component_format": _("A component code is 17 digits; this one is “%(value)s”."),
    "component_part": _("The %(part)s of a component code cannot be all zeros."),
    "phone": _(
        "“%(value)s” is not a phone number: give a mobile number (11 digits starting "
        "with 1) or a landline with its area code, such as 025-12345678."
    ),
}

COMPONENT_PARTS = {
    "major": _("major class (digits 7–8)"),
    "minor": _("minor class (digits 9–11)"),
    "sequence": _("sequence number (digits 12–17)"),
}


class CodeError(ValueError):
    """A rejected code: ``code`` is stable, ``message`` the reason in the active language."""

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


def _clean(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "").upper()


# --- Unified social credit code ---------------------------------------------------------


@dataclass(frozen=True)
class Uscc:
    value: str
    authority: str  # 1 编制, 5 民政, 9 市场监管, Y other …
    category: str
    division: str
    identifier: str


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[-total % 31]


def parse_uscc(value: str) -> Uscc:
    value = _clean(value)
    if len(value) != 18:
        raise CodeError("uscc_length", n=len(value))
    wrong = next((c for c in value if c not in USCC_CHARS), None)
    if wrong is not None:
        raise CodeError("uscc_characters", char=wrong)
    if not value[2:8].isdigit():
        raise CodeError("uscc_division")
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise CodeError("uscc_check", expected=expected, given=value[17])
    return Uscc(value, value[0], value[1], value[2:8], value[8:17])


def normalize_uscc(value: str) -> str:
    return _clean(value)


def is_valid_uscc(value: str) -> bool:
    try:
        parse_uscc(value)
    except CodeError:
        return False
    return True


# --- City component code ------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentCode:
    division: str
    major: str
    minor: str
    sequence: str

    @property
    def value(self) -> str:
        return f"{self.division}{self.major}{self.minor}{self.sequence}"

    def __str__(self) -> str:
        return self.value


def parse_component_code(value: str) -> ComponentCode:
    value = _clean(value)
    if not re.fullmatch(r"\d{17}", value):
        raise CodeError("component_format", value=value)
    code = ComponentCode(value[:6], value[6:8], value[8:11], value[11:17])
    for part in ("major", "minor", "sequence"):
        if not int(getattr(code, part)):
            raise CodeError("component_part", part=COMPONENT_PARTS[part])
    return code


def component_code(division: str, major: str, minor: str, sequence: int) -> str:
    """The code of the ``sequence``-th component of a class in a division."""
    return parse_component_code(f"{division}{major}{minor}{sequence:06d}").value


# --- Phone numbers --------------------------------------------------------------------------

_LANDLINE = re.compile(r"0\d{9,11}|[1-9]\d{6,7}")


def normalize_phone(value: str) -> str:
    """Digits only: a mobile without the +86 prefix, a landline with its area code."""
    value = identity.normalize_mobile(value or "")
    return re.sub(r"[^\d]", "", value)


def is_valid_phone(value: str) -> bool:
    digits = normalize_phone(value)
    return identity.is_valid_mobile(digits) or bool(_LANDLINE.fullmatch(digits))


def check_phone(value: str) -> str:
    """The normalised number, or ``CodeError`` saying what a phone number looks like."""
    if not is_valid_phone(value):
        raise CodeError("phone", value=value)
    return normalize_phone(value)


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; the area code's first digits and the last four for a
    landline (025*****5678)."""
    return identity.mask(normalize_phone(value), 3, 4)
