import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanzhi.lib import publicdata

redact = publicdata.redact
modest = settings(max_examples=300, deadline=None)
# Titles as people type them: Chinese words, digits (ASCII and full-width), separators.
titles = st.text(
    alphabet=st.sampled_from(
        list("路灯不亮小区南门电话请回号楼室联系邮箱")
        + list("0123456789０１２３４５６７８９ -+()（）@.xX")
        + list("abcqm")
    ),
    max_size=60,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("电话13812345678请回电", "电话138********请回电"),
        ("+86 138-1234-5678", "+86 138-****-****"),
        ("0086 13812345678", "0086 138********"),
        ("１３８１２３４５６７８", "１３８********"),
        ("身份证32010219900307123X号", "身份证320***************号"),
        ("320102199003071234", "320***************"),
        ("联系025-84561234", "联系025-********"),
        ("(025)84561234", "(025)********"),
        ("000-61234567", "000-********"),
        ("卡号6222020200112233445", "卡号622****************"),
        ("邮箱 zhang.san@example.com 谢谢", "邮箱 z***@example.com 谢谢"),
        ("13812345678@qq.com", "1***@qq.com"),
    ],
)
def test_identifiers_are_masked(raw, masked):
    assert redact(raw) == masked


@pytest.mark.parametrize(
    "text",
    ["3号楼501室门口路灯不亮", "2026年1月15日起停水", "柳岸社区第12网格", "", "123456"],
)
def test_ordinary_text_and_short_numbers_are_kept(text):
    assert redact(text) == text


def test_the_last_four_digits_of_a_phone_never_show():
    # They are the key for following a case without signing in.
    assert "5678" not in redact("请联系13812345678或025-12345678")


@modest
@given(titles)
def test_no_long_digit_run_or_mobile_survives(text):
    out = redact(text).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    assert not re.search(r"[0-9]{7}", out)
    assert not re.search(r"1[3-9][0-9](?:[ -]?[0-9]){8}", out)


@modest
@given(titles)
def test_redact_is_idempotent(text):
    once = redact(text)
    assert redact(once) == once


@modest
@given(st.text(alphabet=st.characters(blacklist_categories=["Nd"], blacklist_characters="@")))
def test_text_without_digits_or_at_signs_is_unchanged(text):
    assert redact(text) == text


def test_coarse_cell_is_the_centre_of_the_cell_holding_the_point():
    assert publicdata.coarse_cell(118.7812, 32.0467, 0.005) == (118.7825, 32.0475)
    assert publicdata.coarse_cell(-0.001, -0.001, 0.01) == (-0.005, -0.005)
    with pytest.raises(ValueError):
        publicdata.coarse_cell(1, 1, 0)


@modest
@given(
    st.floats(min_value=73, max_value=135, allow_nan=False),
    st.floats(min_value=3, max_value=54, allow_nan=False),
)
def test_coarse_cell_is_near_the_point_and_stable(lon, lat):
    step = 0.005
    c_lon, c_lat = publicdata.coarse_cell(lon, lat, step)
    assert abs(c_lon - lon) <= step / 2 + 1e-6 and abs(c_lat - lat) <= step / 2 + 1e-6
    assert publicdata.coarse_cell(c_lon, c_lat, step) == (c_lon, c_lat)


def test_count_cells_groups_points_and_skips_unlocated_ones():
    points = [(118.7812, 32.0467), (118.7849, 32.0451), (118.79, 32.05), (None, 32.0)]
    assert publicdata.count_cells(points, 0.005) == [
        (118.7825, 32.0475, 2),
        (118.7925, 32.0525, 1),
    ]
    assert publicdata.count_cells([], 0.005) == []
