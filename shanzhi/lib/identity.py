"""Checks and masks for personal identifiers: resident ID numbers and mobile numbers."""

import re

# GB 11643-1999: 17 digits and a check character computed with ISO 7064 MOD 11-2.
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_id_number(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_valid_id_number(value: str) -> bool:
    """True for an 18-character resident ID number whose check character is right."""
    value = normalize_id_number(value)
    return bool(_ID_RE.match(value)) and id_check_char(value[:17]) == value[17]


def normalize_mobile(value: str) -> str:
    """Digits only, without a +86/0086 country prefix."""
    digits = re.sub(r"[\s\-()]", "", value.strip())
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def is_valid_mobile(value: str) -> bool:
    return bool(_MOBILE_RE.match(normalize_mobile(value)))


def mask(value: str, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id_number(value: str) -> str:
    """3201**********1234: region prefix and last four only."""
    return mask(value, 4, 4)


def mask_mobile(value: str) -> str:
    """138****5678."""
    return mask(value, 3, 4)


def mask_email(value: str) -> str:
    """z***@example.com: the first character of the local part and the domain."""
    if not value:
        return ""
    local, at, domain = value.partition("@")
    return f"{local[:1]}***{at}{domain}"
