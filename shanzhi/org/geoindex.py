"""The process-wide point-in-grid index, rebuilt when any grid boundary changes.

Each process keeps one ``GridIndex`` in memory. A write that changes a grid bumps
``GridIndexVersion``; a process compares versions at most every few seconds (one indexed
single-row read) and rebuilds when they differ.
"""

import threading
import time

from shanzhi.lib import geo
from shanzhi.org.models import GridIndexVersion, Level, Region

CHECK_INTERVAL_S = 5.0
_lock = threading.Lock()
_state = {"version": None, "index": None, "checked": 0.0}


def _current_version() -> int:
    return GridIndexVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def grid_index(*, fresh: bool = False) -> geo.GridIndex:
    now = time.monotonic()
    if not fresh and _state["index"] is not None and now - _state["checked"] < CHECK_INTERVAL_S:
        return _state["index"]
    with _lock:
        version = _current_version()
        if _state["index"] is None or version != _state["version"]:
            rows = Region.objects.active().filter(level=Level.GRID).values_list("pk", "geometry")
            _state["index"] = geo.GridIndex((pk, geo.parse_polygon(g)) for pk, g in rows if g)
            _state["version"] = version
        _state["checked"] = now
        return _state["index"]


def grid_at(lon: float, lat: float, *, gcj02: bool = False) -> Region | None:
    """The active grid containing a point; ``gcj02`` for coordinates from Chinese map apps."""
    if gcj02:
        lon, lat = geo.gcj02_to_wgs84(lon, lat)
    pk = grid_index().lookup(lon, lat)
    # Without its boundary: the index has answered the geometry question already.
    return Region.objects.defer("geometry").filter(pk=pk).first() if pk is not None else None


def forget() -> None:
    """Drop this process's index; the next lookup rebuilds it (tests roll back writes)."""
    with _lock:
        _state.update(version=None, index=None, checked=0.0)
