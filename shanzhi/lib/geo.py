"""Geometry helpers: Chinese map datums, GeoJSON polygon intake, tolerance checks, and a
point → grid index. Pure functions over shapely 2 / numpy; no Django models.

Coordinates are (lon, lat) in degrees. Stored geometry is WGS84/CGCS2000 (DOMAIN §2);
GCJ-02 and BD-09 exist only to convert what consumer map apps send.
"""

from __future__ import annotations

import itertools
import json
import math
import struct
from array import array
from collections.abc import Hashable, Iterable, Sequence
from itertools import chain
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext_lazy as _
from shapely import MultiPolygon, Polygon, STRtree
from shapely.geometry import mapping

# ---------------------------------------------------------------------------------------
# Datum conversions (public GCJ-02 / BD-09 formulas on the Krasovsky ellipsoid)

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def out_of_china(lon: float, lat: float) -> bool:
    """Rough bounding box of mainland China; outside it no offset is applied."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _gcj_delta(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    sq = math.sqrt(abs(x))
    waves = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq + waves
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2 / 3
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq + waves
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad = math.radians(lat)
    magic = 1.0 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _gcj_delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Inverse of :func:`wgs84_to_gcj02` by fixed-point iteration.

    The one-step inverse is off by up to a few metres; each iteration shrinks the error by
    ~1000×, so this converges in 2–3 rounds to well below a millimetre."""
    if out_of_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _round in range(30):
        dlon, dlat = _gcj_delta(wlon, wlat)
        err_lon, err_lat = wlon + dlon - lon, wlat + dlat - lat
        wlon, wlat = wlon - err_lon, wlat - err_lat
        if abs(err_lon) < 1e-7 and abs(err_lat) < 1e-7:
            break
    return wlon, wlat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    x, y = lon - 0.0065, lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


# ---------------------------------------------------------------------------------------
# Errors and GeoJSON intake


# One message per stable code; lazy, so nothing is translated (or needs settings) at import.
MESSAGES = {
    "invalid_json": _("Invalid JSON: %(error)s"),
    "wrong_type": _("Expected a GeoJSON Polygon or MultiPolygon, got %(type)s."),
    "invalid_coordinates": _("Malformed coordinates at %(path)s: %(value)s."),
    "out_of_range": _(
        "Position %(value)s at %(path)s is out of range: longitude must be within -180..180 "
        "and latitude within -90..90."
    ),
    "too_few_points": _("Ring %(path)s has %(count)s positions; a ring needs at least 4."),
    "not_closed": _("Ring %(path)s is not closed: its first and last positions differ."),
    "empty": _("The geometry is empty."),
    "self_intersection": _("The boundary crosses itself: %(reason)s."),
    "invalid": _("The polygon is not valid: %(reason)s."),
    "outside_parent": _(
        "The area extends %(area)s m² outside its parent area (tolerance %(tolerance)s m²)."
    ),
    "overlap": _("The area overlaps %(label)s by %(area)s m² (tolerance %(tolerance)s m²)."),
}


class GeometryError(ValueError):
    """A rejected geometry: ``code`` is stable (API clients, tests), ``message`` is the
    human text in the active language, ``params`` the values interpolated into it."""

    def __init__(self, code: str, template: Any = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.template = MESSAGES[code] if template is None else template
        self.params = params

    @property
    def message(self) -> str:
        text = str(self.template)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _short(value: Any) -> str:
    return json.dumps(value, default=str)[:60]


_NUMBER_TYPES = (int, float)  # exact types: bool and NaN-able oddities take the slow path
_SEQUENCE_TYPES = (list, tuple)


def _ring_coords(raw: Any, path: str) -> list:
    if type(raw) not in _SEQUENCE_TYPES:
        raise GeometryError("invalid_coordinates", path=path, value=_short(raw))
    out = []
    for n, pos in enumerate(raw):
        # Fast path for plain [lon, lat]: ~4× quicker than the checks below, which matters
        # when an index loads 10^5 grids. NaN and ±inf fail the range test and fall through.
        if (
            type(pos) in _SEQUENCE_TYPES
            and len(pos) == 2
            and type(pos[0]) in _NUMBER_TYPES
            and type(pos[1]) in _NUMBER_TYPES
            and -180.0 <= pos[0] <= 180.0
            and -90.0 <= pos[1] <= 90.0
        ):
            out.append(pos)
            continue
        if not (isinstance(pos, (list, tuple)) and len(pos) >= 2 and all(map(_is_number, pos))):
            raise GeometryError("invalid_coordinates", path=f"{path}[{n}]", value=_short(pos))
        lon, lat = float(pos[0]), float(pos[1])  # extra dimensions are dropped
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise GeometryError("out_of_range", path=f"{path}[{n}]", value=_short(pos))
        out.append((lon, lat))
    if len(out) < 4:
        raise GeometryError("too_few_points", path=path, count=len(out))
    # shapely closes open rings silently, so this has to be checked on the raw input.
    if out[0][0] != out[-1][0] or out[0][1] != out[-1][1]:
        raise GeometryError("not_closed", path=path)
    return out


def _polygon_wkb(rings: Any, path: str) -> bytes:
    """WKB of one checked polygon. ``shapely.from_wkb`` on packed bytes takes ~5 µs where
    ``shapely.Polygon(coords)`` takes ~20 µs: it matters when an index loads 10^5 grids."""
    if not isinstance(rings, (list, tuple)):
        raise GeometryError("invalid_coordinates", path=path, value=_short(rings))
    if not rings:
        raise GeometryError("empty")
    parts = [struct.pack("<BII", 1, 3, len(rings))]
    for n, raw in enumerate(rings):
        ring = _ring_coords(raw, f"{path}[{n}]")
        parts.append(struct.pack(f"<I{2 * len(ring)}d", len(ring), *chain.from_iterable(ring)))
    return b"".join(parts)


def parse_polygon(value: Any) -> Polygon | MultiPolygon:
    """A GeoJSON Polygon/MultiPolygon (dict, JSON text, or a Feature wrapping one) as a
    valid, non-empty shapely geometry; :class:`GeometryError` otherwise. Paths in messages
    look like ``coordinates[0][3]`` (polygon ring, position)."""
    if isinstance(value, (str, bytes, bytearray)):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise GeometryError("invalid_json", error=exc) from exc
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
        if value is None:
            raise GeometryError("empty")
    kind = value.get("type") if isinstance(value, dict) else type(value).__name__
    coords = value.get("coordinates") if isinstance(value, dict) else None
    if kind == "Polygon":
        wkb = _polygon_wkb(coords, "coordinates")
    elif kind == "MultiPolygon":
        if not isinstance(coords, (list, tuple)):
            raise GeometryError("invalid_coordinates", path="coordinates", value=_short(coords))
        if not coords:
            raise GeometryError("empty")
        parts = [_polygon_wkb(p, f"coordinates[{n}]") for n, p in enumerate(coords)]
        wkb = struct.pack("<BII", 1, 6, len(parts)) + b"".join(parts)
    else:
        raise GeometryError("wrong_type", type=str(kind)[:40])
    geom = shapely.from_wkb(wkb)
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        code = "self_intersection" if "Self-intersection" in reason else "invalid"
        raise GeometryError(code, reason=reason)
    if geom.area == 0.0:
        raise GeometryError("empty")
    return geom


def to_geojson(geom) -> dict:
    """GeoJSON geometry dict with lists (JSON round trips compare equal)."""

    def listify(v):
        if isinstance(v, dict):
            return {k: listify(x) for k, x in v.items()}
        return [listify(x) for x in v] if isinstance(v, (list, tuple)) else v

    return listify(mapping(geom))


# ---------------------------------------------------------------------------------------
# Areas and tolerances

_EARTH_RADIUS_M = 6371008.8
_M_PER_DEG = math.pi * _EARTH_RADIUS_M / 180.0


def area_m2(geom) -> float:
    """Area in m² on a local equirectangular projection at the centroid latitude: within
    ~0.1 % at city scale, which is all the tolerance checks need."""
    if geom is None or geom.is_empty:
        return 0.0
    deg2 = geom.area
    if deg2 == 0.0:
        return 0.0
    return deg2 * _M_PER_DEG * _M_PER_DEG * math.cos(math.radians(geom.centroid.y))


def overlap_m2(a, b) -> float:
    return area_m2(shapely.intersection(a, b))


def check_inside(child, parent, tolerance_m2: float) -> None:
    outside = area_m2(shapely.difference(child, parent))
    if outside > tolerance_m2:
        raise GeometryError("outside_parent", area=round(outside, 1), tolerance=tolerance_m2)


_PREFILTER_MIN = 16  # below this an STRtree costs more than it saves


def check_no_overlap(geom, others: Iterable[tuple[str, Any]], tolerance_m2: float) -> None:
    """Raise ``overlap`` for the first of ``others`` (in iteration order) that overlaps
    ``geom`` by more than ``tolerance_m2``."""
    pairs = list(others)
    if not pairs:
        return
    geoms = np.array([g for _label, g in pairs], dtype=object)
    if len(pairs) >= _PREFILTER_MIN:
        candidates = np.sort(STRtree(geoms).query(geom, predicate="intersects"))
    else:
        candidates = np.flatnonzero(shapely.intersects(geom, geoms))
    for i in candidates.tolist():
        area = overlap_m2(geom, geoms[i])
        if area > tolerance_m2:
            raise GeometryError(
                "overlap", label=pairs[i][0], area=round(area, 1), tolerance=tolerance_m2
            )


# ---------------------------------------------------------------------------------------
# Point → grid index

# shapely's public predicates wrap the ufunc in argument checks worth ~10 µs per scalar
# call; the ufunc itself answers a prepared point-in-polygon test in ~2 µs.
_intersects_xy = getattr(shapely.lib, "intersects_xy", shapely.intersects_xy)
_BUCKETS_PER_GEOM_SIDE = 6  # buckets across a typical geometry; see GridIndex
_MAX_BUCKETS = 1 << 22
_GEOMS_PER_CHUNK = 8192


def _segments(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All ring edges as (x1, y1, x2, y2) rows plus the owning geometry's index, straight
    from the ragged coordinate arrays (no per-ring shapely objects)."""
    _kind, xy, offsets = shapely.to_ragged_array(geoms, include_z=False)
    n_rings = len(offsets[0]) - 1
    ring_of_coord = np.repeat(np.arange(n_rings), np.diff(offsets[0]))
    owner = np.arange(n_rings)
    for level in offsets[1:]:  # ring → polygon → multipolygon
        owner = np.repeat(np.arange(len(level) - 1), np.diff(level))[owner]
    same = ring_of_coord[1:] == ring_of_coord[:-1]
    segs = np.concatenate([xy[:-1][same], xy[1:][same]], axis=1)
    return segs, owner[ring_of_coord[:-1][same]]


def _split(segs: np.ndarray, gid: np.ndarray, max_len: float) -> tuple[np.ndarray, np.ndarray]:
    """Cut edges longer than max_len, so rasterising one never enumerates a huge bounding
    box. Cut points may sit an ulp off the line; edge_pairs' widened buckets absorb that."""
    x1, y1, x2, y2 = segs.T
    pieces = np.maximum(np.ceil(np.hypot(x2 - x1, y2 - y1) / max_len), 1).astype(np.int64)
    if pieces.max() == 1:
        return segs, gid
    s, k = _expand(np.zeros(len(segs), np.int64), pieces)
    t0, t1 = k / pieces[s], (k + 1) / pieces[s]
    dx, dy = (x2 - x1)[s], (y2 - y1)[s]
    out = np.stack([x1[s] + dx * t0, y1[s] + dy * t0, x1[s] + dx * t1, y1[s] + dy * t1], axis=1)
    return out, gid[s]


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    # np.unique's hash path is ~10× slower than a plain sort on these int64 arrays.
    a = np.sort(a)
    keep = np.ones(len(a), dtype=bool)
    keep[1:] = a[1:] != a[:-1]
    return a[keep]


def _expand(start: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [start, start+count): (range number, value) of every member."""
    owner = np.repeat(np.arange(len(count)), count)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    return owner, start[owner] + offset


class _Raster:
    def __init__(self, x0, y0, bw, bh, nx, ny):
        self.x0, self.y0, self.bw, self.bh, self.nx, self.ny = x0, y0, bw, bh, nx, ny
        self.sx, self.sy = 1.0 / bw, 1.0 / bh

    def edge_pairs(self, segs: np.ndarray, gid: np.ndarray) -> np.ndarray:
        """bucket * n + geometry for every bucket that an edge touches. Buckets are widened
        by a hair, because float rounding in lookup() may put a point a few ulps outside
        its bucket and it must still get the bucket's answer."""
        ex, ey = self.bw * 1e-6, self.bh * 1e-6
        x1, y1, x2, y2 = segs.T
        i0 = np.floor((np.minimum(x1, x2) - ex - self.x0) * self.sx).astype(np.int64)
        i1 = np.floor((np.maximum(x1, x2) + ex - self.x0) * self.sx).astype(np.int64)
        j0 = np.floor((np.minimum(y1, y2) - ey - self.y0) * self.sy).astype(np.int64)
        j1 = np.floor((np.maximum(y1, y2) + ey - self.y0) * self.sy).astype(np.int64)
        i0, i1 = np.clip(i0, 0, self.nx - 1), np.clip(i1, 0, self.nx - 1)
        j0, j1 = np.clip(j0, 0, self.ny - 1), np.clip(j1, 0, self.ny - 1)
        w = i1 - i0 + 1
        s, k = _expand(np.zeros(len(segs), np.int64), w * (j1 - j0 + 1))
        i, j = i0[s] + k % w[s], j0[s] + k // w[s]
        # Separating-axis test: the bounding boxes overlap by construction, so the edge
        # misses the bucket only if all four corners lie strictly on one side of its line:
        # f(x, y) = x*dy - y*dx - c, extremes over the corners taken per axis.
        dx, dy = x2[s] - x1[s], y2[s] - y1[s]
        c = x1[s] * dy - y1[s] * dx
        bx0 = (self.x0 - ex) + i * self.bw
        by0 = (self.y0 - ey) + j * self.bh
        fx0, fx1 = bx0 * dy, (bx0 + (self.bw + 2 * ex)) * dy
        fy0, fy1 = by0 * dx, (by0 + (self.bh + 2 * ey)) * dx
        lo = np.minimum(fx0, fx1) - np.maximum(fy0, fy1) - c
        hi = np.maximum(fx0, fx1) - np.minimum(fy0, fy1) - c
        hit = (lo <= 0) & (hi >= 0)
        return (j[hit] * self.nx + i[hit]) * self.n_geoms + gid[s[hit]]

    def fill_pairs(self, segs: np.ndarray, gid: np.ndarray) -> np.ndarray:
        """bucket * n + geometry for every bucket whose centre lies inside the geometry, by
        an even-odd scanline through the bucket centres. Only trusted for buckets that no
        edge touches, where the centre is far from every boundary."""
        x1, y1, x2, y2 = segs.T
        lo = np.ceil((np.minimum(y1, y2) - self.y0) * self.sy - 0.5).astype(np.int64) - 1
        hi = np.ceil((np.maximum(y1, y2) - self.y0) * self.sy - 0.5).astype(np.int64)
        s, j = _expand(lo, np.maximum(hi - lo + 1, 0))
        yc = self.y0 + (j + 0.5) * self.bh
        # Half-open rule: every closed ring crosses each scanline an even number of times.
        keep = ((y1[s] <= yc) != (y2[s] <= yc)) & (j >= 0) & (j < self.ny)
        s, j, yc = s[keep], j[keep], yc[keep]
        xc = x1[s] + (yc - y1[s]) * (x2[s] - x1[s]) / (y2[s] - y1[s])
        g = gid[s]
        order = np.lexsort((xc, j, g))
        g, j, xc = g[order][0::2], j[order][0::2], np.stack([xc[order][0::2], xc[order][1::2]])
        a = np.ceil((xc[0] - self.x0) * self.sx - 0.5).astype(np.int64)
        b = np.floor((xc[1] - self.x0) * self.sx - 0.5).astype(np.int64)
        a, b = np.clip(a, 0, self.nx), np.clip(b, -1, self.nx - 1)
        span, i = _expand(a, np.maximum(b - a + 1, 0))
        return (j[span] * self.nx + i) * self.n_geoms + g[span]


class GridIndex:
    """Which geometry covers a point (boundary included; on a shared edge or overlap the
    smallest key wins). Keys must be mutually comparable.

    Why not an STRtree: measured on 100,000 grids (bench/grid_lookup.py), one
    ``STRtree.query`` per point manages ~45k/s, nearly all of it per-call overhead, and a
    batched query allocates a Python point per input, whose garbage collection dominates in
    a big process. Instead a uniform bucket raster (~6 buckets across a typical grid) is
    built once, in numpy from edges and scanlines (per-bucket shapely boxes cost ~1 µs each
    plus GC). A "full" bucket lies wholly inside one geometry and touches no other (~60 % of
    them): ``lookup`` answers it with two multiplications and an ``array`` read. Any other
    bucket keeps a short key-sorted candidate list, tested with the raw prepared-geometry
    ufunc (~2 µs; the public wrapper adds ~10 µs). ``lookup`` runs at ~250k/s on a loaded
    2-core machine; ``lookup_many`` does the same with one vectorised ``intersects_xy`` over
    all candidate pairs, ~1M/s.
    """

    def __init__(self, items: Iterable[tuple[Hashable, Any]]) -> None:
        pairs = sorted(items, key=lambda kv: kv[0])
        self._keys = [k for k, _g in pairs]
        self._key_arr = np.empty(len(self._keys) + 1, dtype=object)  # [-1] stays None
        for i, key in enumerate(self._keys):  # item by item: tuple keys must stay whole
            self._key_arr[i] = key
        self._geoms = np.array([g for _k, g in pairs], dtype=object)
        shapely.prepare(self._geoms)
        self._geom_list = self._geoms.tolist()
        self._build_buckets()

    def __len__(self) -> int:
        return len(self._keys)

    def _build_buckets(self) -> None:
        n = len(self._keys)
        self._x0 = self._y0 = self._sx = self._sy = 0.0
        self._nx = self._ny = 0
        self._cells_np = self._flat_np = np.zeros(0, dtype=np.int32)
        self._ends = np.zeros(0, dtype=np.int64)
        self._cells = self._flat = array("i")
        if n == 0:
            return
        b = shapely.bounds(self._geoms)
        # GEOS builds a prepared polygon's point locator on first use, and not thread-safely
        # (libgeos/geos#825): one query per geometry now, before threads share the index.
        shapely.intersects_xy(self._geoms, (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
        x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
        bw = float(np.median(b[:, 2] - b[:, 0])) / _BUCKETS_PER_GEOM_SIDE
        bh = float(np.median(b[:, 3] - b[:, 1])) / _BUCKETS_PER_GEOM_SIDE
        bw = bw if bw > 0 else max(x1 - x0, 1e-9)
        bh = bh if bh > 0 else max(y1 - y0, 1e-9)
        total = ((x1 - x0) / bw + 1) * ((y1 - y0) / bh + 1)
        if total > _MAX_BUCKETS:
            grow = math.sqrt(total / _MAX_BUCKETS)
            bw, bh = bw * grow, bh * grow
        sx, sy = 1.0 / bw, 1.0 / bh
        # Same float expression as lookup(): every point with x0 <= lon <= x1 maps in range.
        nx, ny = int((x1 - x0) * sx) + 1, int((y1 - y0) * sy) + 1
        raster = _Raster(x0, y0, bw, bh, nx, ny)
        raster.n_geoms = n
        segs, gid = _segments(self._geoms)
        # Chunks of whole geometries keep the temporaries small: full-size pair arrays
        # cost seconds in page faults and left ~300 MB of heap behind at 10^5 grids.
        cuts = np.searchsorted(gid, np.arange(0, n, _GEOMS_PER_CHUNK)).tolist()
        chunks = list(itertools.pairwise([*cuts, len(gid)]))
        touched = np.zeros(nx * ny, dtype=bool)  # some edge touches the bucket
        pairs = []  # bucket * n + geometry: the candidates of buckets that are not full
        for a, b in chunks:
            edge = raster.edge_pairs(*_split(segs[a:b], gid[a:b], 2 * min(bw, bh)))
            touched[edge // n] = True
            pairs.append(edge)
        covering = np.zeros(nx * ny, dtype=np.int32)  # geometries covering an untouched one
        cells = np.full(nx * ny, -1, dtype=np.int32)  # -1: no geometry; >= 0: full
        for a, b in chunks:
            fill = raster.fill_pairs(segs[a:b], gid[a:b])
            inner = ~touched[fill // n]
            np.add.at(covering, fill[inner] // n, 1)
            cells[fill[inner] // n] = fill[inner] % n
            # A geometry covering the centre of a touched bucket may cover all of it.
            pairs.append(fill[~inner])
        crowded = covering > 1  # overlapping geometries: rare, so found in a second pass
        if crowded.any():
            for a, b in chunks:
                fill = raster.fill_pairs(segs[a:b], gid[a:b])
                pairs.append(fill[crowded[fill // n]])
        cand = _sorted_unique(np.concatenate(pairs))
        bucket, geo = cand // n, cand % n  # sorted by bucket, then key rank
        # Flat candidate lists, each ended by -1; a bucket stores -(2 + offset).
        first = np.flatnonzero(np.diff(bucket, prepend=-1))
        uniq, counts = bucket[first], np.diff(first, append=len(bucket))
        flat = np.full(len(bucket) + len(uniq), -1, dtype=np.int32)
        flat[np.arange(len(bucket)) + np.repeat(np.arange(len(uniq)), counts)] = geo
        cells[uniq] = -(2 + first + np.arange(len(uniq)))
        self._x0, self._y0, self._sx, self._sy, self._nx, self._ny = x0, y0, sx, sy, nx, ny
        # array("i") indexing returns plain ints ~3× faster than numpy scalar access; the
        # numpy view for lookup_many shares its memory.
        self._cells = array("i", cells.tobytes())
        self._flat = array("i", flat.tobytes())
        self._cells_np = np.frombuffer(self._cells, dtype=np.int32)
        self._flat_np = np.frombuffer(self._flat, dtype=np.int32)
        self._ends = np.flatnonzero(self._flat_np == -1)

    def lookup(self, lon: float, lat: float) -> Hashable | None:
        fx = (lon - self._x0) * self._sx
        fy = (lat - self._y0) * self._sy
        nx = self._nx
        if not (0.0 <= fx < nx and 0.0 <= fy < self._ny):
            return None  # also NaN
        v = self._cells[int(fy) * nx + int(fx)]
        if v >= 0:
            return self._keys[v]
        if v == -1:
            return None
        flat, geoms, k = self._flat, self._geom_list, -2 - v
        while (i := flat[k]) >= 0:
            if _intersects_xy(geoms[i], lon, lat):
                return self._keys[i]
            k += 1
        return None

    def lookup_many(self, lons: Sequence[float], lats: Sequence[float]) -> list[Hashable | None]:
        x = np.asarray(lons, dtype=float).ravel()
        y = np.asarray(lats, dtype=float).ravel()
        if x.shape != y.shape:
            raise ValueError("lons and lats differ in length")
        best = np.full(len(x), -1, dtype=np.int64)
        if len(self._keys) == 0 or len(x) == 0:
            return [None] * len(x)
        with np.errstate(invalid="ignore"):
            fx = (x - self._x0) * self._sx
            fy = (y - self._y0) * self._sy
            inside = (fx >= 0) & (fx < self._nx) & (fy >= 0) & (fy < self._ny)
        where = np.flatnonzero(inside)
        cell = self._cells_np[fy[where].astype(np.int64) * self._nx + fx[where].astype(np.int64)]
        best[where[cell >= 0]] = cell[cell >= 0]
        todo = where[cell < -1]
        if len(todo):
            # Candidate (point, geometry) pairs straight from the raster, in one call.
            start = -2 - cell[cell < -1].astype(np.int64)
            count = self._ends[np.searchsorted(self._ends, start)] - start
            owner, pos = _expand(start, count)
            geo = self._flat_np[pos]
            hit = shapely.intersects_xy(self._geoms[geo], x[todo][owner], y[todo][owner])
            owner, geo = owner[hit], geo[hit]
            first = np.ones(len(owner), dtype=bool)
            first[1:] = owner[1:] != owner[:-1]  # candidates run in key order
            best[todo[owner[first]]] = geo[first]
        return self._key_arr[best].tolist()
