"""Address suggestions from the registry of buildings, for the report form and the
hotline console (``static/registry/address_suggest.js``). Building addresses are not
personal data: any signed-in user may ask; nothing about who lives there is answered."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from shanzhi.lib import geo
from shanzhi.registry.models import Building

LIMIT = 10


@require_safe
@login_required
def addresses(request):
    """``?q=``: up to ten buildings in use whose address starts with, or else contains,
    what was typed (spelled any usual way), each with its grid and a point: the
    building's, or else a point inside its grid."""
    q = request.GET.get("q", "")[:100]
    rows = []
    for building in Building.objects.select_related("grid").address_suggestions(q, LIMIT):
        lon, lat = building.lon, building.lat
        if lon is None or lat is None:
            point = geo.parse_polygon(building.grid.geometry).representative_point()
            lon, lat = point.x, point.y
        rows.append(
            {
                "address": building.address,
                "grid": building.grid.name,
                "grid_code": building.grid.code,
                "lon": round(lon, 6),
                "lat": round(lat, 6),
            }
        )
    return JsonResponse({"results": rows})
