from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanzhi.lib.callstats import (
    CallTimes,
    HotlineFigures,
    answered_within,
    handling_time,
    hotline_figures,
    operator_figures,
    parse_shift_starts,
    percent,
    shift_start,
    speed_of_answer,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def call(answered=None, ended=None, saved=None, offered=0):
    return CallTimes(
        offered=at(offered),
        answered=at(answered) if answered is not None else None,
        ended=at(ended) if ended is not None else None,
        saved=at(saved) if saved is not None else None,
    )


def test_speed_of_answer_and_the_fifteen_second_boundary():
    assert speed_of_answer(call(answered=7)) == 7
    assert speed_of_answer(call()) is None
    assert answered_within(call(answered=15))  # exactly 15 s is in time
    assert not answered_within(call(answered=15.5))
    assert not answered_within(call(ended=3))  # abandoned


def test_handling_time_runs_to_the_later_of_hang_up_and_case_saved():
    assert handling_time(call(answered=10, ended=190)) == 180
    assert handling_time(call(answered=10, ended=190, saved=250)) == 240  # work after the call
    assert handling_time(call(answered=10, ended=190, saved=100)) == 180  # saved during it
    assert handling_time(call(answered=10)) is None  # still going on
    assert handling_time(call(ended=20)) is None  # never answered


def test_operator_figures():
    calls = [
        call(answered=5, ended=65),
        call(answered=15, ended=135, saved=200),
        call(answered=40, ended=100),
        call(answered=3),  # in conversation
        call(ended=30),  # not the operator's: ignored
    ]
    figures = operator_figures(calls)
    assert figures.answered == 4 and figures.within == 3
    assert figures.percent_within == 75 and figures.share_within == 0.75
    assert figures.speed_of_answer == pytest.approx((5 + 15 + 40 + 3) / 4)
    assert figures.handled == 3
    assert figures.handling_time == pytest.approx((60 + 185 + 60) / 3)


def test_operator_figures_without_calls_are_unknown_not_zero():
    figures = operator_figures([])
    assert figures.answered == 0
    assert figures.share_within is None and figures.percent_within is None
    assert figures.speed_of_answer is None and figures.handling_time is None


def test_hotline_figures_count_calls_still_ringing_only_once_decided():
    now = at(100)
    calls = [
        call(answered=10, ended=60),  # within
        call(answered=30, ended=90),  # late
        call(ended=20),  # abandoned
        call(offered=70),  # ringing for 30 s: already late
        call(offered=95),  # ringing for 5 s: not decided yet
    ]
    figures = hotline_figures(calls, now=now)
    assert figures == HotlineFigures(offered=5, answered=2, within=1, abandoned=1, waiting=1)
    assert figures.counted == 4
    assert figures.service_level == 0.25 and figures.percent_service_level == 25


def test_no_calls_no_service_level():
    figures = hotline_figures([], now=T0)
    assert figures.offered == 0 and figures.service_level is None
    assert figures.percent_service_level is None


def test_percent_rounds_down_so_that_100_means_all():
    assert percent(299, 300) == 99
    assert percent(29, 100) == 29  # no floating-point 28.999…
    assert percent(3, 3) == 100
    assert percent(0, 0) is None


def test_shift_start_from_midnight_by_default():
    now = datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI)
    assert shift_start(now) == datetime(2026, 3, 2, 0, 0, tzinfo=SHANGHAI)


def test_shift_start_with_three_shifts_crosses_midnight():
    starts = parse_shift_starts("08:00, 16:00, 23:00")
    assert starts == (time(8), time(16), time(23))
    assert shift_start(datetime(2026, 3, 2, 7, 59, tzinfo=SHANGHAI), starts) == datetime(
        2026, 3, 1, 23, 0, tzinfo=SHANGHAI
    )
    assert shift_start(datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI), starts) == datetime(
        2026, 3, 2, 8, 0, tzinfo=SHANGHAI
    )
    assert shift_start(datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI), starts) == datetime(
        2026, 3, 2, 23, 0, tzinfo=SHANGHAI
    )


@pytest.mark.parametrize("text", ["", "8", "8:0", "25:00", "08:60", "08:00,08:00", "eight"])
def test_malformed_shift_starts_are_refused(text):
    with pytest.raises(ValueError):
        parse_shift_starts(text)


# --- Properties ----------------------------------------------------------------------

offsets = st.floats(min_value=0, max_value=3600, allow_nan=False)


@st.composite
def calls(draw):
    offered = draw(offsets)
    answered = draw(st.none() | st.floats(min_value=0, max_value=120))
    length = draw(st.none() | st.floats(min_value=0, max_value=1800))
    saved = draw(st.none() | st.floats(min_value=0, max_value=600))
    answered_at = offered + answered if answered is not None else None
    ended_at = None
    if length is not None:
        ended_at = (answered_at if answered_at is not None else offered) + length
    saved_at = answered_at + saved if answered_at is not None and saved is not None else None
    return call(offered=offered, answered=answered_at, ended=ended_at, saved=saved_at)


modest = settings(max_examples=200, deadline=None)


@modest
@given(st.lists(calls(), max_size=40), offsets, st.randoms(use_true_random=False))
def test_hotline_figures_are_consistent_and_independent_of_order(calls, now_offset, rnd):
    now = at(3600 + now_offset)
    figures = hotline_figures(calls, now=now)
    assert figures.within <= figures.answered <= figures.offered
    assert figures.answered + figures.abandoned + figures.waiting <= figures.offered
    assert 0 <= figures.counted <= figures.offered
    if figures.service_level is not None:
        assert 0 <= figures.service_level <= 1
        assert 0 <= figures.percent_service_level <= 100
    shuffled = list(calls)
    rnd.shuffle(shuffled)
    assert hotline_figures(shuffled, now=now) == figures


@modest
@given(st.lists(calls(), max_size=40))
def test_operator_figures_are_bounded(calls):
    figures = operator_figures(calls)
    assert figures.within <= figures.answered and figures.handled <= figures.answered
    if figures.answered:
        waits = [speed_of_answer(c) for c in calls if c.answered is not None]
        assert min(waits) - 1e-6 <= figures.speed_of_answer <= max(waits) + 1e-6
    if figures.handling_time is not None:
        assert figures.handling_time >= 0


@modest
@given(st.lists(calls(), min_size=1, max_size=40), st.floats(min_value=0, max_value=60))
def test_a_longer_threshold_never_lowers_the_share(calls, extra):
    strict, lenient = operator_figures(calls, 15), operator_figures(calls, 15 + extra)
    assert lenient.within >= strict.within


@modest
@given(
    st.datetimes(
        min_value=datetime(2000, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(SHANGHAI)
    ),
    st.lists(st.times(), min_size=1, max_size=4, unique=True),
)
def test_shift_start_is_the_latest_start_not_after_now(now, starts):
    start = shift_start(now, starts)
    assert start <= now < start + timedelta(days=1)
    assert start.time() in starts
    # No other start lies between it and now.
    for offset in range(0, 2):
        for s in starts:
            candidate = datetime.combine(now.date() - timedelta(days=offset), s, tzinfo=SHANGHAI)
            assert not start < candidate <= now
