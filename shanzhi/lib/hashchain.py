"""A SHA-256 hash chain over append-only records.

Each record's hash covers its own canonical content and the previous record's hash, so
editing, deleting, inserting or reordering any record breaks every later link. The
functions are pure: the audit log supplies the records and stores the hashes.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64


def _default(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a hashed record")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    raise TypeError(f"cannot hash a {type(value).__name__}")


def canonical(content: Mapping) -> bytes:
    """The bytes a record hashes to: sorted keys, no whitespace, UTF-8, UTC times."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    ).encode()


def link_hash(prev_hash: str, content: Mapping) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(content)).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold."""

    seq: int | None  # sequence number of the offending record (None: the chain's end)
    reason: str  # "modified", "missing", "reordered", "bad_link" or "truncated"


def verify(records: Iterable[tuple[int, str, str, Mapping]], head: tuple[int, str] | None = None):
    """Check records given as ``(seq, prev_hash, hash, content)`` in storage order.

    Sequence numbers start at 1 and have no gaps. ``head`` is the separately stored
    ``(last_seq, last_hash)``; it catches records deleted from the end. When records are
    appended while the check runs, read the head first and pass only the records with
    ``seq <= head[0]``: the last of them must then carry the head's hash. Returns the
    first ``Break`` or ``None`` when the whole chain holds.
    """
    expected_prev, expected_seq = GENESIS, 1
    for seq, prev_hash, stored_hash, content in records:
        if seq != expected_seq:
            return Break(seq, "missing" if seq > expected_seq else "reordered")
        if prev_hash != expected_prev:
            return Break(seq, "bad_link")
        if link_hash(prev_hash, content) != stored_hash:
            return Break(seq, "modified")
        expected_prev, expected_seq = stored_hash, seq + 1
    if head is not None and (head[0] != expected_seq - 1 or head[1] != expected_prev):
        return Break(None, "truncated")
    return None
