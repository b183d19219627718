"""Early warning from counts: a spike of matters of one kind in one place, and several
requesters raising the same matter. Pure functions of their arguments; the disputes app
reads the counts from the cases and turns what these find into warnings for the street.

**Spikes.** The series is a count per day, oldest first, ending with the last day
assessed. The last seven days are compared with a baseline: the mean of the seven-day
totals of the ``weeks`` weeks before them (as many as the series holds). Every
seven-day window holds each day of the week exactly once, so the weekly rhythm of a
place (busy Mondays, quiet Sundays) is in the window and in the baseline alike and
cancels out: a week like the weeks before never warns, however its days differ. A
count warns when it is at least ``min_count`` (a few matters are never a spike) and
more than ``factor`` times the baseline. With less than ``min_weeks`` whole weeks of
history there is no baseline and no warning: a place just added says nothing yet.

**The same matter.** Items (cases) of one place are grouped when their texts are alike
(character bigrams, ``textsim``), transitively, or when one is known to duplicate the
other (merged, 并单). A group warns when at least ``min_requesters`` different people
raised it; requesters nobody knows (anonymous) count as one at most, since they may be
one person calling again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from shanzhi.lib import textsim

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class SpikeRule:
    """When a count of the last seven days is a spike."""

    weeks: int = 8  # baseline: the mean of this many weeks before the last seven days
    factor: float = 2.0  # warn above factor × baseline …
    min_count: int = 5  # … and only from this many matters in the seven days
    min_weeks: int = 2  # whole weeks of history needed for any verdict

    def __post_init__(self):
        if self.weeks < 1:
            raise ValueError("the baseline needs at least one week")
        if not 1 <= self.min_weeks <= self.weeks:
            raise ValueError("min_weeks must lie between 1 and weeks")
        if not self.factor >= 1.0:  # also refuses NaN
            raise ValueError("the factor must be at least 1")
        if self.min_count < 1:
            raise ValueError("the minimum count must be at least 1")

    @property
    def days_needed(self) -> int:
        """Days of counts that give the full baseline: the week assessed and ``weeks``."""
        return DAYS_PER_WEEK * (self.weeks + 1)


@dataclass(frozen=True)
class Assessment:
    """The evidence of one verdict: shown with the warning as it is."""

    count: int  # matters in the last seven days
    weekly: tuple[int, ...]  # the seven-day totals of the weeks before, oldest first
    baseline: float | None  # their mean; None with too little history
    threshold: float | None  # the count must exceed this (and reach min_count)
    warn: bool

    @property
    def ratio(self) -> float | None:
        """How many times the baseline the count is (None for no baseline or a zero one)."""
        if not self.baseline:
            return None
        return self.count / self.baseline


def weekly_totals(daily: Sequence[int]) -> list[int]:
    """Totals of consecutive seven-day windows that end with the last day, oldest first;
    days before the earliest whole window are left out."""
    whole = len(daily) // DAYS_PER_WEEK
    start = len(daily) - whole * DAYS_PER_WEEK
    return [
        sum(daily[start + i * DAYS_PER_WEEK : start + (i + 1) * DAYS_PER_WEEK])
        for i in range(whole)
    ]


def assess(daily: Sequence[int], rule: SpikeRule = SpikeRule()) -> Assessment:
    """Whether the last seven days of ``daily`` (counts per day, oldest first) are a spike
    against the weeks before them."""
    if any(n < 0 for n in daily):
        raise ValueError("counts are never negative")
    totals = weekly_totals(daily[-rule.days_needed :])
    if not totals:
        return Assessment(count=sum(daily), weekly=(), baseline=None, threshold=None, warn=False)
    count, weekly = totals[-1], tuple(totals[:-1])
    if len(weekly) < rule.min_weeks:
        return Assessment(count=count, weekly=weekly, baseline=None, threshold=None, warn=False)
    baseline = sum(weekly) / len(weekly)
    threshold = rule.factor * baseline
    warn = count >= rule.min_count and count > threshold
    return Assessment(count=count, weekly=weekly, baseline=baseline, threshold=threshold, warn=warn)


def spikes(
    series: dict[Hashable, Sequence[int]], rule: SpikeRule = SpikeRule()
) -> list[tuple[Hashable, Assessment]]:
    """The keys whose series warn, with their evidence, the sharpest rise first."""
    found = [(key, a) for key, daily in series.items() if (a := assess(daily, rule)).warn]
    found.sort(key=lambda pair: (-(pair[1].count - (pair[1].baseline or 0)), str(pair[0])))
    return found


# --- Several requesters, the same matter ------------------------------------------------


@dataclass(frozen=True)
class Item:
    key: Hashable  # the case
    requester: Hashable | None  # who raised it (an account, a phone); None: nobody knows
    place: Hashable  # only items of the same place are compared (a grid)
    text: str
    joined: Hashable | None = None  # the key of an item it duplicates (merged into)


@dataclass(frozen=True)
class Group:
    place: Hashable
    keys: tuple  # the items, in the order given
    requesters: int  # different people who raised it


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)


def requester_count(requesters: Iterable[Hashable | None]) -> int:
    """Different people among ``requesters``; all unknown ones count as one at most."""
    known = set()
    unknown = False
    for r in requesters:
        if r is None:
            unknown = True
        else:
            known.add(r)
    return len(known) + (1 if unknown else 0)


def same_matter(
    items: Sequence[Item], *, threshold: float = 0.5, min_requesters: int = 3
) -> list[Group]:
    """Groups of items of one place about the same matter raised by at least
    ``min_requesters`` different people, the largest first. Two items are alike when the
    similarity of their texts reaches ``threshold``; groups are closed under "alike" and
    under ``joined``."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError("the threshold lies in (0, 1]")
    if min_requesters < 2:
        raise ValueError("a matter raised by one person is not raised by several")
    parent = list(range(len(items)))
    index = {item.key: i for i, item in enumerate(items)}
    grams = [textsim.shingles(item.text) for item in items]
    by_place: dict[Hashable, list[int]] = {}
    for i, item in enumerate(items):
        by_place.setdefault(item.place, []).append(i)
    for members in by_place.values():
        for n, i in enumerate(members):
            for j in members[n + 1 :]:
                if _find(parent, i) != _find(parent, j) and (
                    textsim.dice(grams[i], grams[j]) >= threshold
                ):
                    _union(parent, i, j)
    for i, item in enumerate(items):
        j = index.get(item.joined) if item.joined is not None else None
        if j is not None and items[j].place == item.place:
            _union(parent, i, j)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(_find(parent, i), []).append(i)
    found = []
    for members in groups.values():
        people = requester_count(items[i].requester for i in members)
        if people >= min_requesters:
            found.append(
                Group(
                    place=items[members[0]].place,
                    keys=tuple(items[i].key for i in members),
                    requesters=people,
                )
            )
    found.sort(key=lambda g: (-g.requesters, -len(g.keys), str(g.keys[0])))
    return found
