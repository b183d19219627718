"""Deterministic synthetic district: streets → communities → grids (DOMAIN §2).

Pure data, no Django models: used by the demo seeder and by ``bench/grid_lookup.py``.

Every polygon is built from one global lattice of vertices (one float pair per lattice
point), and every ring walks through *all* lattice points on its boundary. Neighbours at any
level therefore share edges vertex-for-vertex with identical floats, so children tile their
parent exactly (no gaps, no slivers) even after the interior lattice points are jittered.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

# Mean Earth radius; metres → degrees uses a local equirectangular projection, which is
# plenty for synthetic data.
_EARTH_RADIUS_M = 6371008.8
# Interior lattice points move by up to this fraction of a cell in x and in y. Below 0.25
# every cell stays a simple quadrilateral and keeps its orientation, so the tiling stays
# valid (opposite edges of a cell cannot meet; edge directions at a vertex cannot swap).
_JITTER = 0.18
_MAX_CHILDREN = 999  # 3-digit code components


@dataclass(slots=True)
class SynthRegion:
    level: str  # "district" | "street" | "community" | "grid"
    code: str
    name: str
    polygon: dict  # GeoJSON Polygon geometry (lists of [lon, lat], exterior ring CCW)
    children: list[SynthRegion] = field(default_factory=list)


def _grid_layout(count: int) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """Cells of one community: ``(cols, rows, rects)``, rects as (c0, r0, c1, r1).

    A ceil(sqrt) × n block keeps communities near-square for any count; when the block has
    spare cells, the first grids of the last row take two cells (the one above as well), so
    the community is still a full rectangle.
    """
    cols = math.isqrt(count - 1) + 1
    rows = -(-count // cols)
    spare = cols * rows - count  # < cols, and rows >= 2 whenever spare > 0
    rects = []
    for r in range(rows):
        for c in range(cols):
            if r == rows - 1 and c < spare:
                continue  # absorbed by the grid above
            tall = r == rows - 2 and c < spare
            rects.append((c, r, c + 1, r + 2 if tall else r + 1))
    # West→east then north→south by the north-west corner.
    rects.sort(key=lambda rc: (rc[1], rc[0]))
    return cols, rows, rects


def _block_layout(count: int, child_w: int, child_h: int) -> tuple[int, int]:
    """(cols, rows) of identical child blocks whose product is exactly ``count``, choosing
    the factorisation that makes the parent closest to square. A prime count gives a strip,
    which is still a valid tiling."""
    best = None
    for cols in range(1, count + 1):
        if count % cols:
            continue
        rows = count // cols
        score = abs(math.log((cols * child_w) / (rows * child_h)))
        if best is None or score < best[0] - 1e-12:
            best = (score, cols, rows)
    return best[1], best[2]


def _ring(pts: list[list[tuple[float, float]]], c0: int, r0: int, c1: int, r1: int) -> list:
    """Closed CCW ring around cell rectangle [c0, c1) × [r0, r1) through every lattice point
    on its boundary (rows grow southwards)."""
    north, south = pts[r0], pts[r1]
    if c1 - c0 == 1 and r1 - r0 == 1:  # fast path: most grids are one cell
        ring = [north[c0], south[c0], south[c1], north[c1], north[c0]]
    else:
        ring = [pts[r][c0] for r in range(r0, r1)]  # west edge, southwards
        ring += south[c0:c1]  # south edge, eastwards
        ring += [pts[r][c1] for r in range(r1, r0, -1)]  # east edge, northwards
        ring += north[c1:c0:-1]  # north edge, westwards
        ring.append(ring[0])
    # Fresh [lon, lat] lists (plain JSON shapes, safe to mutate); the floats stay shared.
    return list(map(list, ring))


def _polygon(pts, c0: int, r0: int, c1: int, r1: int) -> dict:
    return {"type": "Polygon", "coordinates": [_ring(pts, c0, r0, c1, r1)]}


def _check_count(name: str, value: int) -> None:
    if not isinstance(value, int) or not 1 <= value <= _MAX_CHILDREN:
        raise ValueError(f"{name} must be an integer in 1..{_MAX_CHILDREN}, got {value!r}")


def synthetic_district(
    *,
    streets: int,
    communities_per_street: int,
    grids_per_community: int,
    origin: tuple[float, float] = (118.70, 32.05),
    grid_size_m: float = 350.0,
    district_code: str = "990101",
    seed: int = 0,
) -> SynthRegion:
    """Build a district whose south-west corner is ``origin`` (lon, lat).

    Codes follow DOMAIN §2: street = district + 3 digits, community = street + 3, grid =
    community + 3 (15 digits); siblings are numbered west→east, then north→south. The same
    arguments always give the same floats.
    """
    # ~10^6 small acyclic containers: the cyclic GC would rescan the growing heap again and
    # again and triple the run time, while it has nothing to collect here.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(
            streets,
            communities_per_street,
            grids_per_community,
            origin,
            grid_size_m,
            district_code,
            seed,
        )
    finally:
        if gc_was_enabled:
            gc.enable()


def _build(
    streets, communities_per_street, grids_per_community, origin, grid_size_m, district_code, seed
) -> SynthRegion:
    _check_count("streets", streets)
    _check_count("communities_per_street", communities_per_street)
    _check_count("grids_per_community", grids_per_community)
    if not (isinstance(district_code, str) and len(district_code) == 6 and district_code.isdigit()):
        raise ValueError(f"district_code must be 6 digits, got {district_code!r}")
    if not grid_size_m > 0:
        raise ValueError("grid_size_m must be positive")

    gcols, grows, grid_rects = _grid_layout(grids_per_community)
    ccols, crows = _block_layout(communities_per_street, gcols, grows)
    street_w, street_h = ccols * gcols, crows * grows
    scols, srows = _block_layout(streets, street_w, street_h)
    width, height = scols * street_w, srows * street_h  # in cells

    # Lattice point (row r from the north, column c) in metres east/north of origin.
    rng = np.random.default_rng(seed)
    amp = _JITTER * grid_size_m
    jx = rng.uniform(-amp, amp, (height + 1, width + 1))
    jy = rng.uniform(-amp, amp, (height + 1, width + 1))
    # The district outline stays straight: only interior points move.
    for j in (jx, jy):
        j[0, :] = j[-1, :] = j[:, 0] = j[:, -1] = 0.0
    cols_m = np.arange(width + 1, dtype=float) * grid_size_m
    rows_m = (height - np.arange(height + 1, dtype=float)) * grid_size_m
    x_m = cols_m[None, :] + jx
    y_m = rows_m[:, None] + jy
    lon0, lat0 = origin
    deg_per_m = 180.0 / (math.pi * _EARTH_RADIUS_M)
    mid_lat = math.radians(lat0 + height * grid_size_m * deg_per_m / 2)
    lons = lon0 + x_m * (deg_per_m / math.cos(mid_lat))
    lats = lat0 + y_m * deg_per_m
    # One tuple per lattice point, shared by every ring that passes through it.
    pts = [
        list(zip(lo, la, strict=True)) for lo, la in zip(lons.tolist(), lats.tolist(), strict=True)
    ]

    district = SynthRegion(
        level="district",
        code=district_code,
        name="示范区",
        polygon=_polygon(pts, 0, 0, width, height),
    )
    for s in range(streets):
        s_c0, s_r0 = (s % scols) * street_w, (s // scols) * street_h
        s_code = f"{district_code}{s + 1:03d}"
        street = SynthRegion(
            level="street",
            code=s_code,
            name=f"示范{s + 1}街道",
            polygon=_polygon(pts, s_c0, s_r0, s_c0 + street_w, s_r0 + street_h),
        )
        district.children.append(street)
        for c in range(communities_per_street):
            c_c0 = s_c0 + (c % ccols) * gcols
            c_r0 = s_r0 + (c // ccols) * grows
            c_code = f"{s_code}{c + 1:03d}"
            c_name = f"示范{s + 1}-{c + 1}社区"
            community = SynthRegion(
                level="community",
                code=c_code,
                name=c_name,
                polygon=_polygon(pts, c_c0, c_r0, c_c0 + gcols, c_r0 + grows),
            )
            street.children.append(community)
            community.children = [
                SynthRegion(
                    level="grid",
                    code=f"{c_code}{k:03d}",
                    name=f"{c_name}第{k}网格",
                    polygon=_polygon(pts, c_c0 + a, c_r0 + b, c_c0 + a2, c_r0 + b2),
                )
                for k, (a, b, a2, b2) in enumerate(grid_rects, start=1)
            ]
    return district


def iter_regions(root: SynthRegion) -> Iterator[SynthRegion]:
    """Every region under ``root`` (itself included), parents before children."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def iter_grids(root: SynthRegion) -> Iterator[SynthRegion]:
    """Grid-level regions under ``root`` in code order."""
    return (r for r in iter_regions(root) if r.level == "grid")
