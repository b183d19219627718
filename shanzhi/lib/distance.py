"""Distances on the earth's surface between (lon, lat) points in degrees (WGS84/CGCS2000),
and the box of latitudes and longitudes around a point that holds every point within a
distance of it (for a range filter in SQL before the exact distance is computed)."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6371008.8  # mean radius (IUGG)
M_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180.0
_SLACK_DEG = 1e-9  # ~0.1 mm: floating-point rounding never puts a point at the edge outside


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two points, by the haversine formula (on a
    sphere: within ~0.5 % of the ellipsoidal distance, plenty for "how near")."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def box_around(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a box that holds every point within
    ``radius_m`` of (lon, lat). Near a pole, or for a radius that reaches around, the box
    spans every longitude; elsewhere its longitudes are not wrapped at ±180° (a box
    around a point near the antimeridian reaches past it)."""
    if radius_m < 0:
        raise ValueError("radius_m must not be negative")
    dlat = radius_m / M_PER_DEG_LAT + _SLACK_DEG
    lat_lo, lat_hi = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    # The widest parallel within the box is the one nearest to a pole.
    widest = max(abs(lat_lo), abs(lat_hi))
    cos = math.cos(math.radians(widest))
    if cos <= 1e-12 or radius_m >= math.pi * EARTH_RADIUS_M * cos:
        return -180.0, lat_lo, 180.0, lat_hi
    dlon = math.degrees(math.asin(min(1.0, math.sin(radius_m / EARTH_RADIUS_M) / cos)))
    dlon = max(dlon, radius_m / (M_PER_DEG_LAT * cos)) + _SLACK_DEG
    return lon - dlon, lat_lo, lon + dlon, lat_hi
