"""Checks for following a case without signing in: the receipt (case) number, the last
four digits of the phone number the requester gave, and the sliding window that limits
failed checks (docs/portal.md)."""

import hmac
import math
import re
import unicodedata

SUFFIX_LENGTH = 4
# A procedure's prefix, the date received and the case id: "SR2026011500000123".
_NUMBER_RE = re.compile(r"[A-Z]{2,4}[0-9]{16,22}")
_SUFFIX_RE = re.compile(r"[0-9]{4}")
_NOT_DIGIT = re.compile(r"[^0-9]")


def _fold(value) -> str:
    """Full-width letters and digits typed on a Chinese keyboard folded to ASCII."""
    return unicodedata.normalize("NFKC", str(value or ""))


def normalize_number(value) -> str:
    """A case number as typed, upper case, without spaces or hyphens."""
    return re.sub(r"[\s\-]", "", _fold(value)).upper()


def is_case_number(value: str) -> bool:
    return len(value) <= 24 and bool(_NUMBER_RE.fullmatch(value))


def normalize_suffix(value) -> str:
    return re.sub(r"\s", "", _fold(value))


def is_suffix(value: str) -> bool:
    return bool(_SUFFIX_RE.fullmatch(value))


def phone_suffix(phone) -> str:
    """The last four digits of a phone number as it was given ("138-1234-5678" →
    "5678"); empty when the number has fewer than four digits."""
    digits = _NOT_DIGIT.sub("", _fold(phone))
    return digits[-SUFFIX_LENGTH:] if len(digits) >= SUFFIX_LENGTH else ""


def suffix_matches(phone, suffix: str) -> bool:
    """``suffix`` is the last four digits of ``phone``, compared in constant time. A
    phone with fewer than four digits (or none: an anonymous caller) matches nothing."""
    expected = phone_suffix(phone)
    return bool(expected) and is_suffix(suffix) and hmac.compare_digest(expected, suffix)


def retry_after(times, now: float, window: float, limit: int) -> int:
    """Whole seconds until fewer than ``limit`` of the failures at ``times`` (seconds since
    the epoch) lie within the ``window`` seconds before ``now``; 0 if that is so already.
    """
    if limit < 1:
        raise ValueError("the limit allows at least one failure")
    recent = sorted(t for t in times if now - window < t <= now)
    excess = len(recent) - limit + 1
    if excess <= 0:
        return 0
    # The failure whose leaving the window brings the count below the limit.
    return max(1, math.ceil(recent[excess - 1] + window - now))
