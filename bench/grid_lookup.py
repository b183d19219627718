"""Point → grid lookup throughput on a synthetic district.

    python bench/grid_lookup.py [--grids 100000] [--points 200000] [--sample 200]

Builds the grids with ``synthetic_district``, parses them through ``geo.parse_polygon`` (the
same intake the application uses), builds a ``GridIndex`` and compares single-point
``lookup``, batched ``lookup_many``, one ``STRtree.query`` per point, and brute force (one
vectorised ``shapely.covers`` over every polygon per point). Needs no Django settings.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

try:
    import resource
except ImportError:  # not on Windows
    resource = None

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import shapely

from shanzhi.demo.synth import iter_grids, synthetic_district
from shanzhi.lib import geo

TARGET_SINGLE = 100_000
GRIDS_PER_COMMUNITY = 25
COMMUNITIES_PER_STREET = 40


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def build_district(grids: int):
    per_street = GRIDS_PER_COMMUNITY * COMMUNITIES_PER_STREET
    if grids >= per_street:
        streets, communities = max(1, round(grids / per_street)), COMMUNITIES_PER_STREET
    else:
        streets, communities = 1, max(1, math.ceil(grids / GRIDS_PER_COMMUNITY))
    return synthetic_district(
        streets=streets,
        communities_per_street=communities,
        grids_per_community=GRIDS_PER_COMMUNITY,
    )


def brute_force(codes: list[str], geoms: np.ndarray, lons, lats) -> list[str | None]:
    out = []
    for lon, lat in zip(lons, lats, strict=True):
        hits = np.flatnonzero(shapely.covers(geoms, shapely.Point(lon, lat)))
        out.append(codes[hits[0]] if len(hits) else None)  # codes sorted: smallest key
    return out


def strtree_per_point(tree: shapely.STRtree, codes: list[str], lons, lats) -> list[str | None]:
    out = []
    for lon, lat in zip(lons, lats, strict=True):
        hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
        out.append(codes[hits.min()] if len(hits) else None)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grids", type=int, default=100_000)
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=200, help="points for brute force")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    district, t_synth = timed(build_district, args.grids)
    grids = sorted(iter_grids(district), key=lambda g: g.code)
    shapes, t_parse = timed(lambda: [geo.parse_polygon(g.polygon) for g in grids])
    codes = [g.code for g in grids]
    index, t_index = timed(geo.GridIndex, zip(codes, shapes, strict=True))
    geoms = np.array(shapes, dtype=object)
    shapely.prepare(geoms)
    tree = shapely.STRtree(geoms)
    print(f"grids: {len(index):,}  (synthesis {t_synth:.2f} s, parse_polygon {t_parse:.2f} s)")
    print(f"GridIndex build: {t_index:.2f} s")

    rng = np.random.default_rng(args.seed)
    minx, miny, maxx, maxy = geo.parse_polygon(district.polygon).bounds
    lons = rng.uniform(minx, maxx, args.points)
    lats = rng.uniform(miny, maxy, args.points)
    lon_list, lat_list = lons.tolist(), lats.tolist()

    lookup = index.lookup
    single, t_single = timed(
        lambda: [lookup(x, y) for x, y in zip(lon_list, lat_list, strict=True)]
    )
    many, t_many = timed(index.lookup_many, lons, lats)
    n_tree = min(args.points, 20_000)
    tree_res, t_tree = timed(strtree_per_point, tree, codes, lon_list[:n_tree], lat_list[:n_tree])

    # Brute-force sample: random points plus shared lattice vertices (ties on edges).
    corners = [g.polygon["coordinates"][0][0] for g in grids[:: max(1, len(grids) // 50)]]
    s_lons = lon_list[: args.sample] + [c[0] for c in corners]
    s_lats = lat_list[: args.sample] + [c[1] for c in corners]
    brute, t_brute = timed(brute_force, codes, geoms, s_lons, s_lats)

    mismatches = {
        "lookup vs brute force": sum(
            index.lookup(x, y) != b for x, y, b in zip(s_lons, s_lats, brute, strict=True)
        ),
        "lookup_many vs brute force": sum(
            a != b for a, b in zip(index.lookup_many(s_lons, s_lats), brute, strict=True)
        ),
        "lookup vs lookup_many": sum(a != b for a, b in zip(single, many, strict=True)),
        "lookup vs STRtree per point": sum(
            a != b for a, b in zip(single[:n_tree], tree_res, strict=True)
        ),
    }

    brute_rate = len(s_lons) / t_brute
    rows = [
        ("brute force (covers, all grids)", len(s_lons), t_brute),
        ("STRtree.query per point", n_tree, t_tree),
        ("GridIndex.lookup (single)", args.points, t_single),
        ("GridIndex.lookup_many (batch)", args.points, t_many),
    ]
    print()
    print(f"{'method':<34}{'points':>9}{'seconds':>10}{'lookups/s':>13}{'vs brute':>11}")
    for name, n, t in rows:
        rate = n / t
        print(f"{name:<34}{n:>9,}{t:>10.3f}{rate:>13,.0f}{rate / brute_rate:>10,.0f}×")
    print()
    for name, count in mismatches.items():
        print(f"{name:<34}{'agree' if count == 0 else f'{count} MISMATCHES'}")
    hit_rate = sum(r is not None for r in single) / len(single)
    print(f"points inside some grid: {hit_rate:.1%}")
    single_rate = args.points / t_single
    verdict = "met" if single_rate >= TARGET_SINGLE else "NOT met"
    print(f"target single lookup >= {TARGET_SINGLE:,}/s: {verdict} ({single_rate:,.0f}/s)")
    if resource is not None:  # ru_maxrss is in KiB on Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of the whole run: {peak:,.0f} MiB")
    return 1 if any(mismatches.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
