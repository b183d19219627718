"""Public pages and the signed-in home page ("my work")."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_tasks.exceptions import TaskResultDoesNotExist

from shanzhi.core.audit import BREAK_REASONS
from shanzhi.core.roles import AUDIT_READERS
from shanzhi.core.tasks import verify_audit_chain
from shanzhi.org.access import scope_of
from shanzhi.org.models import Body, BodyKind, Level, Membership, Region, attach_ancestors
from shanzhi.portal.work import my_work

ROSTER_PAGE_SIZE = 50
GEOJSON_LIMIT = 5000


def _map_settings():
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def _area_filter(request, qs):
    """Narrow grids to ?street=<code> / ?community=<code> / ?q=<text>."""
    area = None
    for key in ("community", "street"):
        code = request.GET.get(key, "").strip()
        if code:
            area = Region.objects.filter(code=code, level=key).first()
            if area is None:
                raise Http404
            qs = qs.within(area)
            break
    text = request.GET.get("q", "").strip()[:50]
    if text:
        # Only the names the roster publishes may be searched: searching anyone else's
        # name (a resident's) would tell the public which grid they live in.
        named = Membership.objects.published().filter(user__real_name__icontains=text)
        qs = qs.filter(
            Q(code__startswith=text) | Q(name__icontains=text) | Q(pk__in=named.values("region_id"))
        )
    return qs, area, text


@require_safe
def home(request):
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html", {"map": _map_settings()})
    context = {"work": my_work(request.user), "map": _map_settings()}
    context["audit_check"] = _audit_check_status(request)
    return render(request, "portal/my_work.html", context)


def _may_check_audit(user) -> bool:
    return user.is_superuser or bool(scope_of(user).roles & AUDIT_READERS)


def _audit_check_status(request):
    result_id = request.session.get("audit_check")
    if not result_id or not _may_check_audit(request.user):
        return None
    try:
        result = verify_audit_chain.get_result(result_id)
    except TaskResultDoesNotExist:
        return None
    status = {"finished": result.is_finished, "status": result.status}
    if result.is_finished and result.status == "SUCCESSFUL":
        value = result.return_value
        status.update(value)
        if not value["intact"]:
            status["reason_text"] = _(BREAK_REASONS[value["reason"]])
    return status


@require_POST
@login_required
def audit_check(request):
    """Queue a full verification of the audit chain for the background worker."""
    if not _may_check_audit(request.user):
        raise PermissionDenied(_("Only auditors, leaders and administrators check the audit log."))
    result = verify_audit_chain.enqueue()
    request.session["audit_check"] = result.id
    messages.info(request, _("The audit log check has been queued; refresh to see the result."))
    return redirect("home")


@require_safe
def grid_roster(request):
    grids = Region.objects.active().grids()
    grids, area, text = _area_filter(request, grids)
    page = Paginator(grids.order_by("code").for_roster(), ROSTER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    attach_ancestors(page.object_list)
    streets = Region.objects.active().filter(level=Level.STREET).order_by("code")
    communities = Region.objects.active().filter(level=Level.COMMUNITY).order_by("code")
    if area is not None and area.level == Level.STREET:
        communities = communities.within(area)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/grid_roster.html",
        {
            "page": page,
            "area": area,
            "q": text,
            "streets": streets,
            "communities": communities,
            "query": query.urlencode(),
            "map": _map_settings(),
        },
    )


@require_safe
def grid_detail(request, code):
    grid = get_object_or_404(Region.objects.active().grids().for_roster(), code=code)
    attach_ancestors([grid])
    micro = grid.children.active().filter(level=Level.MICRO_GRID)
    return render(
        request,
        "portal/grid_detail.html",
        {
            "grid": grid,
            "grids": [grid],
            "micro_grids": micro,
            "bodies": grid.bodies.active(),
            "map": _map_settings(),
        },
    )


@require_safe
def grids_geojson(request):
    grids = Region.objects.active().grids()
    if request.GET.get("mine") and request.user.is_authenticated:
        grids = grids.filter(memberships__in=request.user.memberships.active()).distinct()
    elif request.GET.get("code"):
        grids = grids.filter(code=request.GET["code"])
    else:
        grids, _area, _text = _area_filter(request, grids)
    rows = list(grids.order_by("code").values("code", "name", "geometry")[: GEOJSON_LIMIT + 1])
    features = [
        {
            "type": "Feature",
            "geometry": row["geometry"],
            "properties": {"code": row["code"], "name": row["name"]},
        }
        for row in rows[:GEOJSON_LIMIT]
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features, "truncated": len(rows) > GEOJSON_LIMIT}
    )


@require_safe
def directory(request):
    bodies = Body.objects.active().select_related("region", "parent")
    street = request.GET.get("street", "").strip()
    area = None
    if street:
        area = get_object_or_404(Region, code=street, level=Level.STREET)
        bodies = bodies.filter(region__path__startswith=area.path)
    groups = []
    for kind, label in BodyKind.choices:
        members = [b for b in bodies if b.kind == kind]
        if members:
            groups.append((label, members))
    streets = Region.objects.active().filter(level=Level.STREET).order_by("code")
    return render(
        request, "portal/directory.html", {"groups": groups, "streets": streets, "area": area}
    )


@require_safe
def body_detail(request, pk):
    body = get_object_or_404(Body.objects.active().select_related("region", "parent"), pk=pk)
    return render(
        request,
        "portal/body_detail.html",
        {"body": body, "children": body.children.active().select_related("region")},
    )
