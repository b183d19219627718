"""The process-wide working-day calendar: the national calendar of ``chinese_calendar``,
the local ``CalendarOverride`` rows and ``settings.WORKING_HOURS``.

Each process keeps one ``Calendar`` and rebuilds it at most every ``REFRESH_S`` seconds
(one small query), so an override entered in one worker reaches every clock within a
minute without any cross-process signal; ``forget()`` drops it at once (after an edit in
this process, and in tests, whose writes roll back).
"""

import threading
import time
from zoneinfo import ZoneInfo

from django.conf import settings

from shanzhi.duties.models import CalendarOverride
from shanzhi.lib.workdays import Calendar

REFRESH_S = 60.0
_lock = threading.Lock()
_state = {"calendar": None, "hours": None, "loaded": 0.0}


def current_calendar() -> Calendar:
    now = time.monotonic()
    calendar = _state["calendar"]
    if (
        calendar is not None
        and now - _state["loaded"] < REFRESH_S
        and _state["hours"] == settings.WORKING_HOURS
    ):
        return calendar
    with _lock:
        overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
        hours = settings.WORKING_HOURS
        # Day boundaries follow the zone pages show times in (Asia/Shanghai by default).
        calendar = Calendar(
            overrides=overrides,
            hours=Calendar.parse_hours(hours),
            tz=ZoneInfo(settings.TIME_ZONE),
        )
        _state.update(calendar=calendar, hours=hours, loaded=now)
        return calendar


def forget() -> None:
    """Drop this process's calendar; the next call rebuilds it."""
    with _lock:
        _state.update(calendar=None, hours=None, loaded=0.0)
