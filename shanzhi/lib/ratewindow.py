"""Fixed-window rate limiting arithmetic.

Time is cut into windows of ``length`` seconds counted from the Unix epoch; every
request in a window counts against the same allowance, and the count starts again in
the next window. The counter itself lives where every server process sees it (the
database); this module only says which window an instant falls in.
"""

import math


def window(now: float, length: int) -> tuple[int, int]:
    """The start of the window holding ``now`` (seconds since the epoch), and the whole
    seconds until the next window starts (at least 1)."""
    if length < 1:
        raise ValueError("a window lasts at least one second")
    start = int(now // length) * length
    return start, max(1, math.ceil(start + length - now))
