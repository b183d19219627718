"""The spike detector on synthetic series: a real spike warns, the weekly rhythm and
ordinary week-to-week variation do not, small counts never do; and several requesters
raising the same matter."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shanzhi.lib.spikes import (
    DAYS_PER_WEEK,
    Item,
    SpikeRule,
    assess,
    requester_count,
    same_matter,
    spikes,
    weekly_totals,
)

RULE = SpikeRule(weeks=8, factor=2.0, min_count=5, min_weeks=2)
# A busy street's week: many matters on Monday, few at the weekend.
WEEK = [9, 5, 4, 4, 6, 1, 0]


def weeks_of(pattern, n):
    return list(pattern) * n


# --- Spikes on hand-made series ---------------------------------------------------------


def test_weekly_totals_end_with_the_last_day():
    daily = [1] * 3 + [2] * 7 + [3] * 7
    assert weekly_totals(daily) == [14, 21]  # the three days before a whole week are left out
    assert weekly_totals([1, 2, 3]) == []


def test_a_real_spike_warns_with_its_evidence():
    daily = [*weeks_of(WEEK, 8), 9, 5, 4, 4, 6, 1, 0]
    daily[-3:] = [20, 18, 15]  # the last three days of the week assessed
    result = assess(daily, RULE)
    assert result.warn
    assert result.count == 9 + 5 + 4 + 4 + 20 + 18 + 15
    assert result.weekly == (29,) * 8
    assert result.baseline == 29
    assert result.threshold == 58
    assert result.ratio == pytest.approx(75 / 29)


def test_the_weekly_rhythm_never_warns_whatever_day_the_series_ends_on():
    """A Monday of 9 is three times the daily mean, yet every seven-day window holds one
    Monday: a week like the others is no spike, whichever weekday is the last."""
    for shift in range(DAYS_PER_WEEK):
        pattern = WEEK[shift:] + WEEK[:shift]
        result = assess(weeks_of(pattern, 9), RULE)
        assert not result.warn
        assert result.count == result.baseline == sum(WEEK)


def test_ordinary_variation_from_week_to_week_does_not_warn():
    weeks = [[9, 5, 4, 4, 6, 1, 0], [7, 6, 5, 3, 5, 2, 1], [11, 4, 3, 5, 7, 0, 0]]
    daily = [n for week in weeks * 3 for n in week]
    result = assess(daily, RULE)
    assert result.baseline is not None and not result.warn


def test_a_noisy_place_with_poisson_weeks_rarely_warns():
    """Counts drawn at random around the same weekly rhythm: over a year of daily runs,
    at most a handful of false alarms."""
    rng = random.Random(20260415)
    means = [3.0, 2.0, 2.0, 2.0, 2.5, 1.0, 0.5]

    def draw(mean):  # Poisson by counting arrivals of an exponential clock
        n, t = 0, rng.expovariate(1.0)
        while t < mean:
            n += 1
            t += rng.expovariate(1.0)
        return n

    daily = [draw(means[d % 7]) for d in range(420)]
    alarms = sum(assess(daily[: end + 1], RULE).warn for end in range(63, 420))
    assert alarms <= 5


def test_below_the_minimum_count_nothing_warns():
    daily = [0] * 56 + [0, 0, 0, 0, 0, 2, 2]  # 4 after eight empty weeks: a rise, but small
    assert not assess(daily, RULE).warn
    daily[-1] = 3  # 5: the minimum, and above twice a zero baseline
    assert assess(daily, RULE).warn


def test_the_count_must_exceed_factor_times_the_baseline():
    daily = [*weeks_of([2, 1, 1, 1, 1, 1, 1], 8), 4, 2, 2, 2, 2, 2, 2]  # 16 against 8
    assert not assess(daily, RULE).warn  # exactly twice is not more than twice
    daily[-1] = 3
    assert assess(daily, RULE).warn


def test_too_little_history_gives_no_verdict():
    daily = [0] * 7 + [9, 9, 9, 9, 9, 9, 9]  # one week of history, then 63
    result = assess(daily, RULE)
    assert result.baseline is None and not result.warn
    assert assess([0] * 14 + [9] * 7, RULE).warn  # two weeks of history suffice


def test_only_the_configured_weeks_form_the_baseline():
    old_busy_weeks = [20] * 7 * 10
    quiet = [1] * 7 * 8
    daily = old_busy_weeks + quiet + [3] * 7  # 21 against the last eight weeks' 7
    result = assess(daily, RULE)
    assert result.weekly == (7,) * 8 and result.warn


def test_spikes_names_the_keys_that_warn_sharpest_first():
    calm = weeks_of(WEEK, 9)
    up = weeks_of([1] * 7, 8) + [5] * 7
    steep = weeks_of([1] * 7, 8) + [9] * 7
    found = spikes({("g1", "c1"): calm, ("g1", "c2"): up, ("g2", "c1"): steep}, RULE)
    assert [key for key, _a in found] == [("g2", "c1"), ("g1", "c2")]


def test_bad_rules_and_counts_are_refused():
    with pytest.raises(ValueError):
        SpikeRule(factor=0.5)
    with pytest.raises(ValueError):
        SpikeRule(factor=float("nan"))
    with pytest.raises(ValueError):
        SpikeRule(weeks=2, min_weeks=3)
    with pytest.raises(ValueError):
        SpikeRule(min_count=0)
    with pytest.raises(ValueError):
        assess([1, -1] * 10)


# --- Spikes: properties -------------------------------------------------------------------

day_counts = st.integers(min_value=0, max_value=40)
patterns = st.lists(day_counts, min_size=7, max_size=7)


@given(pattern=patterns, weeks=st.integers(min_value=2, max_value=12), shift=st.integers(0, 6))
def test_property_a_repeated_week_never_warns(pattern, weeks, shift):
    rotated = pattern[shift:] + pattern[:shift]
    assert not assess(rotated * weeks, RULE).warn


@given(
    pattern=patterns,
    day=st.integers(min_value=0, max_value=6),
    extra=st.integers(min_value=0, max_value=500),
)
def test_property_a_rise_above_the_threshold_always_warns(pattern, day, extra):
    history = pattern * 8
    base = sum(pattern)
    needed = max(RULE.min_count, int(RULE.factor * base) + 1) - base
    last = list(pattern)
    last[day] += max(needed, 0) + extra
    assert assess(history + last, RULE).warn


@given(history=st.lists(day_counts, min_size=56, max_size=56), last=patterns)
def test_property_the_verdict_follows_the_rule(history, last):
    result = assess(history + last, RULE)
    mean = sum(history) / 8
    assert result.baseline == pytest.approx(mean)
    assert result.warn == (sum(last) >= RULE.min_count and sum(last) > RULE.factor * mean)


@given(
    history=st.lists(day_counts, min_size=56, max_size=56),
    last=patterns,
    day=st.integers(0, 6),
)
def test_property_more_now_never_silences_and_more_before_never_alarms(history, last, day):
    before = assess(history + last, RULE).warn
    more_now = list(last)
    more_now[day] += 1
    assert assess(history + more_now, RULE).warn >= before
    busier_past = list(history)
    busier_past[day] += 1
    assert assess(busier_past + last, RULE).warn <= before


@given(history=st.lists(st.integers(0, 3), min_size=56, max_size=56), last=patterns)
def test_property_fewer_than_the_minimum_never_warns(history, last):
    if sum(last) < RULE.min_count:
        assert not assess(history + last, RULE).warn


# --- Several requesters, the same matter --------------------------------------------------


def item(key, requester, text, place="g1", joined=None):
    return Item(key=key, requester=requester, place=place, text=text, joined=joined)


def test_three_people_with_the_same_matter_form_a_group():
    items = [
        item(1, "u1", "小区东门路灯不亮，晚上很黑"),
        item(2, "13900000002", "东门路灯不亮了，晚上太黑"),
        item(3, "u3", "小区东门的路灯坏了不亮"),
        item(4, "u4", "楼下餐馆油烟太大"),
    ]
    groups = same_matter(items, threshold=0.3)
    assert len(groups) == 1
    assert set(groups[0].keys) == {1, 2, 3} and groups[0].requesters == 3


def test_one_person_calling_three_times_is_not_several_requesters():
    items = [item(n, "13900000001", "东门路灯不亮") for n in range(1, 4)]
    assert same_matter(items) == []


def test_anonymous_callers_count_as_one_at_most():
    items = [
        item(1, None, "东门路灯不亮"),
        item(2, None, "东门路灯不亮"),
        item(3, "u1", "东门路灯不亮"),
    ]
    assert same_matter(items) == []
    assert requester_count([None, None, "u1", "u2"]) == 3


def test_the_same_text_in_another_grid_is_another_matter():
    items = [
        item(1, "u1", "东门路灯不亮", place="g1"),
        item(2, "u2", "东门路灯不亮", place="g1"),
        item(3, "u3", "东门路灯不亮", place="g2"),
    ]
    assert same_matter(items) == []


def test_a_merged_duplicate_joins_its_case_even_in_other_words():
    items = [
        item(1, "u1", "东门路灯不亮"),
        item(2, "u2", "东门路灯坏了"),
        item(3, "u3", "晚上出门看不见路", joined=1),
    ]
    groups = same_matter(items, threshold=0.4)
    assert len(groups) == 1 and set(groups[0].keys) == {1, 2, 3}


def test_bad_grouping_settings_are_refused():
    with pytest.raises(ValueError):
        same_matter([], threshold=0)
    with pytest.raises(ValueError):
        same_matter([], min_requesters=1)


@given(
    texts=st.lists(st.text(min_size=1, max_size=20), min_size=0, max_size=12),
    people=st.lists(st.sampled_from(["a", "b", "c", None]), min_size=12, max_size=12),
)
def test_property_groups_partition_and_have_enough_people(texts, people):
    items = [item(n, people[n], text) for n, text in enumerate(texts)]
    groups = same_matter(items, threshold=0.5, min_requesters=2)
    seen = [key for g in groups for key in g.keys]
    assert len(seen) == len(set(seen))  # no item in two groups
    for g in groups:
        assert g.requesters >= 2
        assert g.requesters == requester_count(people[k] for k in g.keys)
