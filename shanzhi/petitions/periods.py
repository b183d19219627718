"""The petitioner's own periods: the 30 days to ask for a review (复查, Art. 35) after
receiving the written answer, and for a re-review (复核, Art. 36) after receiving the
review opinion. Pure functions of the instants and the working-day calendar.

They are not clocks of the engine: a clock's limit can be made stricter by a
jurisdiction, and a right of the petitioner can never be shortened. Counted as the
regulation's other periods in 日 (民法典 Arts. 201–203): the day of receipt is not counted,
and a period whose last day is a rest day ends on the first working day after it.
"""

from dataclasses import dataclass
from datetime import date, datetime

from shanzhi.lib import workdays

REQUEST_DAYS = 30


@dataclass(frozen=True)
class RequestCheck:
    in_time: bool
    counted_from: datetime  # the written answer was received
    ends: datetime  # the last instant a request is in time
    made_on: date  # the day the request counts as made


def request_deadline(received_answer: datetime, calendar) -> datetime:
    """The end of the 30 days after the written answer was received."""
    return workdays.add(received_answer, REQUEST_DAYS, workdays.CALENDAR_DAYS, calendar)


def check_request(
    received_answer: datetime,
    requested_at: datetime,
    calendar,
    *,
    postmark: date | None = None,
) -> RequestCheck:
    """Whether a request made at ``requested_at`` (or posted on ``postmark``, for a
    request by letter when the postmark counts) comes within the 30 days."""
    ends = request_deadline(received_answer, calendar)
    local_end = ends.astimezone(calendar.tz)
    if postmark is not None:
        return RequestCheck(postmark <= local_end.date(), received_answer, ends, postmark)
    made = requested_at.astimezone(calendar.tz).date()
    return RequestCheck(requested_at <= ends, received_answer, ends, made)
