"""The heat map of risks and open disputes: one number per grid of the viewer's area,
drawn on the grids (Leaflet, no tiles needed). Only counts leave the server — no name,
no point, no case."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shanzhi.cases.models import Case
from shanzhi.disputes.access import RISK_READERS, area_filter
from shanzhi.disputes.models import DisputeCategory, RiskReport
from shanzhi.disputes.procedure import PROCEDURE
from shanzhi.disputes.views.common import require_staff_reader
from shanzhi.org.models import Region

GRID_LIMIT = 3000
FINAL = [s.key for s in PROCEDURE.states if s.final]


def _map_settings():
    from django.conf import settings

    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


@require_safe
@login_required
def heat_map(request):
    require_staff_reader(request.user)
    category = request.GET.get("category", "")
    return render(
        request,
        "disputes/heat_map.html",
        {
            "map": _map_settings(),
            "categories": DisputeCategory.choices,
            "category": category if category in DisputeCategory.values else "",
        },
    )


def grid_counts(user, category: str = "") -> dict[int, dict[str, int]]:
    """grid id → {"risks": open risk reports, "disputes": open disputes} in ``user``'s
    area, of one kind of matter when ``category`` is given."""
    risks = RiskReport.objects.visible_to(user).open()
    disputes = (
        Case.objects.visible_to(user)
        .filter(procedure=PROCEDURE.key, grid__isnull=False)
        .exclude(state__in=FINAL)
    )
    if category:
        risks = risks.filter(category=category)
        disputes = disputes.filter(dispute__category=category)
    counts: dict[int, dict[str, int]] = {}
    for grid_id, n in risks.values_list("grid_id").annotate(n=Count("pk")).order_by():
        counts.setdefault(grid_id, {"risks": 0, "disputes": 0})["risks"] = n
    for grid_id, n in (
        disputes.values_list("grid_id").annotate(n=Count("pk", distinct=True)).order_by()
    ):
        counts.setdefault(grid_id, {"risks": 0, "disputes": 0})["disputes"] = n
    return counts


@require_safe
@login_required
def heat_map_data(request):
    require_staff_reader(request.user)
    category = request.GET.get("category", "")
    if category and category not in DisputeCategory.values:
        return JsonResponse({"error": "unknown category"}, status=400)
    counts = grid_counts(request.user, category)
    rows = list(
        Region.objects.active()
        .grids()
        .filter(area_filter(request.user, RISK_READERS))
        .order_by("code")
        .values("pk", "code", "name", "geometry")[: GRID_LIMIT + 1]
    )
    features = []
    for row in rows[:GRID_LIMIT]:
        if not row["geometry"]:
            continue
        found = counts.get(row["pk"], {"risks": 0, "disputes": 0})
        features.append(
            {
                "type": "Feature",
                "geometry": row["geometry"],
                "properties": {
                    "code": row["code"],
                    "name": row["name"],
                    "risks": found["risks"],
                    "disputes": found["disputes"],
                },
            }
        )
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "truncated": len(rows) > GRID_LIMIT,
        }
    )
