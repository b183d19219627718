"""Keyed blind indexes of encrypted values, so that an exact ID number or phone number can
be found without decrypting anything.

The index of a value is HMAC-SHA256 of its normalised form under a key of its own, kept
apart from the database and from the encryption keys: whoever reads the database alone
cannot test guesses against it (ID numbers are few enough to enumerate, so an unkeyed
hash would give them away). The key is ``settings.BLIND_INDEX_KEY``: the environment
variable ``SHANZHI_BLIND_INDEX_KEY`` (every host of a deployment must share it), else the
file ``var/blind_index_key``, created on first run and readable by the owner only.
Changing the key makes every index stale: run
``manage.py registry_rotate_keys --reindex`` after it.
"""

import hashlib
import hmac
from functools import cache

from django.conf import settings

from shanzhi.lib import codes, idcard

KEY_FILE = "blind_index_key"


@cache
def _key() -> bytes:
    return settings.BLIND_INDEX_KEY.encode()


def forget_key() -> None:
    """Read the key again on next use (after a change of settings)."""
    _key.cache_clear()


def _digest(kind: str, value: str) -> str:
    if not value:
        return ""
    # The kind is part of the message, so that equal strings in different fields (a
    # phone number typed into the ID field) do not share an index.
    return hmac.new(_key(), f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()


def id_number(value: str) -> str:
    return _digest("id_number", idcard.normalize(value))


def phone(value: str) -> str:
    return _digest("phone", codes.normalize_phone(value))
