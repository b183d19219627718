import pytest

from shanzhi.lib import idempotency


@pytest.mark.parametrize("key", ["a", "order-2026-11-20-0001", "x" * 255, "3f2c9a1e-5d0b"])
def test_valid_keys(key):
    assert idempotency.valid_key(key)


@pytest.mark.parametrize("key", ["", " ", "with space", "x" * 256, "tab\t", "中文", "a\nb"])
def test_invalid_keys(key):
    assert not idempotency.valid_key(key)


def test_the_same_content_spelled_differently_has_one_fingerprint():
    one = idempotency.fingerprint("post", "/api/v1/cases", {"title": "井盖", "lat": 1.5})
    two = idempotency.fingerprint("POST", "/api/v1/cases", {"lat": 1.5, "title": "井盖"})
    assert one == two


def test_other_content_method_or_path_changes_the_fingerprint():
    base = idempotency.fingerprint("POST", "/a", {"title": "x"})
    assert idempotency.fingerprint("POST", "/a", {"title": "y"}) != base
    assert idempotency.fingerprint("PUT", "/a", {"title": "x"}) != base
    assert idempotency.fingerprint("POST", "/b", {"title": "x"}) != base
