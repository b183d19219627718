"""Opaque cursors for paging through a list in a stable order.

A cursor carries the sort key of the last row a client received (for example the last
primary key, or the last change time and primary key), so the next page starts right
after it however many rows were added meanwhile. It is URL-safe base64 of a JSON list;
it is not signed, since it only says where to go on in a list the reader may see anyway.
"""

import base64
import binascii
import json
import re

MAX_LENGTH = 200
_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")


def encode(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, kind: str, arity: int) -> list:
    """The values of a cursor whose first value is ``kind`` and which holds ``arity``
    values after it. Raises ``ValueError`` for anything else."""
    if not cursor or len(cursor) > MAX_LENGTH or not _ALPHABET.fullmatch(cursor):
        raise ValueError("cursor length")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("cursor encoding") from exc
    if not isinstance(values, list) or len(values) != arity + 1 or values[0] != kind:
        raise ValueError("cursor shape")
    return values[1:]
