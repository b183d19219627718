"""Call-centre figures of the hotline from the telephone system's call instants: speed of
answer, the share of calls answered within a threshold (the 15-second answer KPI),
handling time, the service level and abandoned calls; and when a shift started.

Pure arithmetic over instants: the console reads the rows and passes them in.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

# The hotline's answer KPI: a call is answered in time when picked up within this many
# seconds of being offered to the queue (inclusive).
ANSWER_THRESHOLD_SECONDS = 15


@dataclass(frozen=True)
class CallTimes:
    offered: datetime  # entered the hotline's queue
    answered: datetime | None = None  # picked up by an operator; None: not (yet) answered
    ended: datetime | None = None  # hung up; None: still going on
    saved: datetime | None = None  # the operator last saved a case for the call


def speed_of_answer(call: CallTimes) -> float | None:
    """Seconds from offered to answered; None for a call not answered."""
    if call.answered is None:
        return None
    return max(0.0, (call.answered - call.offered).total_seconds())


def answered_within(call: CallTimes, seconds: float = ANSWER_THRESHOLD_SECONDS) -> bool:
    waited = speed_of_answer(call)
    return waited is not None and waited <= seconds


def handling_time(call: CallTimes) -> float | None:
    """Seconds from answered to the later of hang-up and the last case saved (work after
    the call counts); None for a call not answered or not ended yet."""
    if call.answered is None or call.ended is None:
        return None
    end = max(call.ended, call.saved) if call.saved is not None else call.ended
    return max(0.0, (end - call.answered).total_seconds())


def is_abandoned(call: CallTimes) -> bool:
    return call.ended is not None and call.answered is None


def is_waiting(call: CallTimes, now: datetime, seconds: float = ANSWER_THRESHOLD_SECONDS) -> bool:
    """Still ringing and not yet past the threshold: whether it will be answered in time
    is not decided yet."""
    return (
        call.answered is None
        and call.ended is None
        and (now - call.offered).total_seconds() < seconds
    )


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in whole percent, rounded down (100 only when all are)."""
    return part * 100 // whole if whole else None


@dataclass(frozen=True)
class OperatorFigures:
    answered: int  # calls the operator answered
    within: int  # of which answered within the threshold
    speed_of_answer: float | None  # mean seconds from offered to answered
    handled: int  # answered calls that have ended (those with a handling time)
    handling_time: float | None  # mean seconds, answered → ended or case saved

    @property
    def share_within(self) -> float | None:
        return self.within / self.answered if self.answered else None

    @property
    def percent_within(self) -> int | None:
        return percent(self.within, self.answered)


def operator_figures(
    calls: Iterable[CallTimes], threshold: float = ANSWER_THRESHOLD_SECONDS
) -> OperatorFigures:
    """Figures of the calls one operator answered (unanswered calls are ignored)."""
    answered = [c for c in calls if c.answered is not None]
    waits = [speed_of_answer(c) for c in answered]
    handling = [h for h in (handling_time(c) for c in answered) if h is not None]
    return OperatorFigures(
        answered=len(answered),
        within=sum(1 for w in waits if w <= threshold),
        speed_of_answer=mean(waits),
        handled=len(handling),
        handling_time=mean(handling),
    )


@dataclass(frozen=True)
class HotlineFigures:
    offered: int  # calls offered to the queue
    answered: int
    within: int  # answered within the threshold
    abandoned: int  # ended without being answered
    waiting: int  # still ringing, not yet past the threshold

    @property
    def counted(self) -> int:
        """The calls the service level is based on: every offered call whose outcome
        against the threshold is known."""
        return self.offered - self.waiting

    @property
    def service_level(self) -> float | None:
        return self.within / self.counted if self.counted else None

    @property
    def percent_service_level(self) -> int | None:
        return percent(self.within, self.counted)


def hotline_figures(
    calls: Iterable[CallTimes], *, now: datetime, threshold: float = ANSWER_THRESHOLD_SECONDS
) -> HotlineFigures:
    """Figures of all the calls offered to the hotline in a period, as of ``now``."""
    calls = list(calls)
    return HotlineFigures(
        offered=len(calls),
        answered=sum(1 for c in calls if c.answered is not None),
        within=sum(1 for c in calls if answered_within(c, threshold)),
        abandoned=sum(1 for c in calls if is_abandoned(c)),
        waiting=sum(1 for c in calls if is_waiting(c, now, threshold)),
    )


def parse_shift_starts(text: str) -> tuple[time, ...]:
    """``"08:00,16:00,00:00"`` → the times of day shifts start, sorted. Raises
    ``ValueError`` on anything else (an empty text, a malformed or repeated time)."""
    starts = []
    for part in text.split(","):
        part = part.strip()
        hours, sep, minutes = part.partition(":")
        if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
            raise ValueError(f"not a time of day (HH:MM): {part!r}")
        starts.append(time(int(hours), int(minutes)))  # ValueError when out of range
    if len(set(starts)) != len(starts):
        raise ValueError("a shift start is given twice")
    return tuple(sorted(starts))


def shift_start(now: datetime, starts: Sequence[time] = (time(0),)) -> datetime:
    """The instant the shift running at ``now`` started: the latest of the daily
    ``starts`` not after ``now`` (yesterday's last one before today's first), in the
    time zone of ``now``."""
    if not starts:
        raise ValueError("at least one shift start")
    candidates = [
        datetime.combine(now.date() - timedelta(days=days), start, tzinfo=now.tzinfo)
        for days in (0, 1)
        for start in starts
    ]
    return max(c for c in candidates if c <= now)
