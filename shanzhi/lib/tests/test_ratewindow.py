import pytest

from shanzhi.lib.ratewindow import window


def test_instants_in_one_window_share_its_start():
    assert window(120.0, 60) == (120, 60)
    assert window(150.5, 60) == (120, 30)
    assert window(179.999, 60) == (120, 1)
    assert window(180.0, 60) == (180, 60)


def test_the_wait_is_never_zero():
    start, wait = window(59.9999, 60)
    assert start == 0 and wait == 1


def test_a_window_lasts_at_least_a_second():
    with pytest.raises(ValueError):
        window(10.0, 0)
