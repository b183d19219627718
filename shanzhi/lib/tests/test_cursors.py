import pytest

from shanzhi.lib import cursors


def test_a_cursor_gives_back_its_values():
    cursor = cursors.encode(["u", "2026-11-20T09:00:00+08:00", 42])
    assert cursors.decode(cursor, "u", 2) == ["2026-11-20T09:00:00+08:00", 42]
    assert "=" not in cursor and "/" not in cursor and "+" not in cursor


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!!",
        "x" * 300,
        cursors.encode(["n", 1]) + "%",
        cursors.encode({"n": 1}),
        cursors.encode(["u", 1]),  # another kind
        cursors.encode(["n", 1, 2]),  # too many values
        "bm90IGpzb24",  # base64 of "not json"
        "_w",  # base64 of a byte that is not UTF-8
    ],
)
def test_anything_else_is_refused(cursor):
    with pytest.raises(ValueError):
        cursors.decode(cursor, "n", 1)
