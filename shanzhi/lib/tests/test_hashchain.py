from datetime import UTC, datetime

import pytest

from shanzhi.lib import hashchain


def build(n):
    rows, prev = [], hashchain.GENESIS
    for seq in range(1, n + 1):
        content = {"seq": seq, "action": f"a{seq}", "at": datetime(2026, 1, seq, tzinfo=UTC)}
        digest = hashchain.link_hash(prev, content)
        rows.append((seq, prev, digest, content))
        prev = digest
    return rows, (n, prev)


def test_intact_chain_verifies():
    rows, head = build(5)
    assert hashchain.verify(rows, head) is None


def test_empty_chain_verifies():
    assert hashchain.verify([], (0, hashchain.GENESIS)) is None


def test_modified_content_is_found():
    rows, head = build(5)
    seq, prev, digest, content = rows[2]
    rows[2] = (seq, prev, digest, {**content, "action": "edited"})
    assert hashchain.verify(rows, head) == hashchain.Break(3, "modified")


def test_deleted_record_is_found():
    rows, head = build(5)
    del rows[1]
    assert hashchain.verify(rows, head) == hashchain.Break(3, "missing")


def test_reordered_records_are_found():
    rows, head = build(5)
    rows[1], rows[2] = rows[2], rows[1]
    assert hashchain.verify(rows, head).seq == 3


def test_renumbered_after_deletion_is_found():
    rows, head = build(4)
    del rows[1]
    renumbered = [(i + 1, p, d, c) for i, (_, p, d, c) in enumerate(rows)]
    assert hashchain.verify(renumbered, head) == hashchain.Break(2, "bad_link")


def test_deleted_tail_is_found_through_head():
    rows, head = build(5)
    assert hashchain.verify(rows[:-1], head) == hashchain.Break(None, "truncated")


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        hashchain.canonical({"at": datetime(2026, 1, 1)})


def test_canonical_is_key_order_independent():
    assert hashchain.canonical({"a": 1, "b": "网格"}) == hashchain.canonical({"b": "网格", "a": 1})
