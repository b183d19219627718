import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanzhi.lib import textsim

# Chinese text with the punctuation, full-width forms and spaces that intake sees.
chinese = st.text(
    alphabet=st.sampled_from(
        list("路灯不亮小区南门垃圾清运噪声扰民井盖破损停水占道经营")
        + list("，。！？：（）“” 　\n\tＡＢ１２abAB12-_")
    ),
    max_size=60,
)
any_text = st.one_of(chinese, st.text(max_size=60))
modest = settings(max_examples=300, deadline=None)


def test_normalize_folds_width_case_punctuation_and_space():
    assert textsim.normalize("３号楼　ＡＢ栋，路灯不亮！") == "3号楼ab栋路灯不亮"
    assert textsim.normalize(" 小区 南门\t(北侧)\n") == "小区南门北侧"
    assert textsim.normalize("——“……”【】_") == ""


def test_ngrams_of_short_and_long_texts():
    assert textsim.ngrams("路灯不亮") == {"路灯", "灯不", "不亮"}
    assert textsim.ngrams("路灯不亮", 3) == {"路灯不", "灯不亮"}
    assert textsim.ngrams("灯", 2) == {"灯"}
    assert textsim.ngrams("", 2) == frozenset()
    with pytest.raises(ValueError):
        textsim.ngrams("路灯", 0)


def test_shingles_of_cuts_each_text_separately():
    grams = textsim.shingles_of(["路灯", "不亮"])
    assert grams == {"路灯", "不亮"}  # no "灯不" across the join


def test_similarity_of_related_and_unrelated_matters():
    same = textsim.similarity("小区南门路灯不亮", "小区南门的路灯不亮了。")
    reworded = textsim.similarity("3号楼东侧井盖破损", "３号楼东侧的井盖破了")
    unrelated = textsim.similarity("小区南门路灯不亮", "农贸市场噪声扰民")
    assert same > 0.7
    assert reworded > 0.5
    assert unrelated == 0.0
    assert same > reworded > unrelated


def test_dice_and_overlap_by_hand():
    a, b = frozenset({"ab", "bc", "cd"}), frozenset({"bc", "cd"})
    assert textsim.dice(a, b) == pytest.approx(2 * 2 / 5)
    assert textsim.overlap(a, b) == 1.0
    assert textsim.dice(frozenset(), frozenset()) == 1.0
    assert textsim.dice(a, frozenset()) == 0.0
    assert textsim.overlap(frozenset(), b) == 0.0


@modest
@given(any_text, any_text, st.integers(min_value=1, max_value=3))
def test_similarity_is_symmetric_and_bounded(a, b, n):
    ab, ba = textsim.similarity(a, b, n), textsim.similarity(b, a, n)
    assert ab == ba
    assert 0.0 <= ab <= 1.0
    sa, sb = textsim.shingles(a, n), textsim.shingles(b, n)
    assert textsim.overlap(sa, sb) == textsim.overlap(sb, sa)
    assert 0.0 <= textsim.overlap(sa, sb) <= 1.0
    assert textsim.dice(sa, sb) <= textsim.overlap(sa, sb)


@modest
@given(any_text, st.integers(min_value=1, max_value=3))
def test_identical_text_scores_one(a, n):
    assert textsim.similarity(a, a, n) == 1.0


@modest
@given(chinese, chinese)
def test_punctuation_width_and_spacing_do_not_change_the_score(a, b):
    noisy = "，".join(a) + "　！"
    assert textsim.similarity(noisy, b) == textsim.similarity(a, b)


@modest
@given(chinese)
def test_normalize_is_idempotent(a):
    once = textsim.normalize(a)
    assert textsim.normalize(once) == once


def _normalize_by_definition(text: str) -> str:
    """Punctuation, symbols and spaces out, NFKC, case folded, and out again."""
    text = textsim._NOT_WORD.sub("", text)
    return textsim._NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def test_normalize_folds_case_and_width_after_removing_punctuation():
    assert textsim.normalize("Straße，ＳＴＲＡＳＳＥ！") == "strassestrasse"
    assert textsim.normalize("路灯不亮") == "路灯不亮"  # nothing to fold: returned as it is
    assert textsim.normalize("ﬁ号楼") == "fi号楼"  # a ligature, unfolded by NFKC


@modest
@given(any_text)
def test_normalize_follows_its_definition(a):
    assert textsim.normalize(a) == _normalize_by_definition(a)
