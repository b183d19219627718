"""Tokens for the machine interfaces: made once, shown once, stored only as a hash.

A token reads ``shz_<key id>_<secret>``. The key id (8 hex digits) is not secret: it
names the token in lists and logs. The secret carries 256 random bits, so a plain
SHA-256 of the whole token is enough to store it (no one can search that space); a slow
password hash would cost every request and protect nothing more.
"""

import hashlib
import re
import secrets

PREFIX = "shz"
_SHAPE = re.compile(r"shz_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")


def new_token() -> tuple[str, str]:
    """A fresh token and its key id."""
    key_id = secrets.token_hex(4)
    return f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}", key_id


def key_id(token: str) -> str | None:
    """The key id of a well-formed token, or None for anything else."""
    match = _SHAPE.fullmatch(token or "")
    return match.group(1) if match else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
