"""Idempotency keys: a client retrying a request sends the same key, and the server
answers with the first result instead of acting twice.

A key is remembered with a fingerprint of the request it came with, so that the same key
sent with a different request is recognised as a client error rather than replayed.
"""

import hashlib
import json
import re

# Visible ASCII, as HTTP header values are safe to carry (no spaces or controls).
_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def valid_key(key: str) -> bool:
    return bool(_KEY.fullmatch(key or ""))


def canonical_json(value) -> str:
    """One spelling of a JSON value: keys sorted, no spaces, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(method: str, path: str, payload) -> str:
    """What identifies a request for replay: its method, path and content (the same
    content spelled differently — key order, spacing — gives the same fingerprint)."""
    text = f"{method.upper()} {path}\n{canonical_json(payload)}"
    return hashlib.sha256(text.encode()).hexdigest()
