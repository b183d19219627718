"""The public list and map of cases: what happens in the district, without anyone's
personal data (docs/portal.md).

Shown: service requests and grid events that are not confidential, not reports (举报,
whoever they are about), not consultations (a personal question, not a matter in a
public place), not in a category another channel handles (信访, litigation …), not a
merged duplicate, a redirected or a voided case. Of each: the category, the state, the
street and community, the title with phone, ID and other long numbers masked, and the
date received — never the requester, the description, the address or the case number.
The map counts cases per cell of about 500 m, never at their point.
"""

from urllib.parse import urlencode

from django.db import connection
from django.db.models import BooleanField, CharField, F, Func, IntegerField, Value, When
from django.db.models import Case as Choose
from django.db.models.lookups import Exact, In, IsNull
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shanzhi.cases.models import Case, RequestKind
from shanzhi.cases.procedure import get as get_procedure
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import publicdata
from shanzhi.org.models import Level, Region, attach_ancestors
from shanzhi.portal.views import _map_settings

PUBLIC_PROCEDURES = ("service_request", "grid_event")
HIDDEN_KINDS = (RequestKind.REPORT, RequestKind.CONSULTATION)
HIDDEN_STATES = ("merged", "redirected", "voided")
PAGE_SIZE = 20
# Only recent cases are listed: pages beyond this are not offered.
MAX_PAGES = 50
# The map counts the newest cases that match the filters, this many at most.
MAP_LIMIT = 2000
# About 550 m north–south and 470 m east–west at the district's latitude.
CELL_DEGREES = 0.005


def _column(field: str, output_field):
    """A column to filter on. The list is read newest first along the index of the time
    received, and every filter but a minor category's matches a large share of all cases;
    SQLite, which has no statistics to go by, would rather take a filter column's index
    and sort what it finds (0.14 s instead of 0.01 s at 200,000 cases), so there the
    column is written ``+column``, which no index serves."""
    if connection.vendor != "sqlite":
        return F(field)
    return Func(F(field), template="+%(expressions)s", output_field=output_field)


def public_cases():
    """Every case the public may see (the rules in the module's docstring)."""
    elsewhere = list(MatterCategory.objects.exclude(redirect="").values_list("pk", flat=True))
    text, number = CharField(), IntegerField()
    return (
        Case.objects.filter(
            In(_column("procedure", text), PUBLIC_PROCEDURES),
            IsNull(_column("accused_body_id", number), True),
            confidential=False,
        )
        .exclude(In(_column("kind", text), HIDDEN_KINDS))
        .exclude(In(_column("state", text), HIDDEN_STATES))
        .exclude(category__in=elsewhere)
    )


def state_choices() -> list[tuple[str, str]]:
    """The states a public case can be in, each once, in the procedures' order."""
    seen = {}
    for key in PUBLIC_PROCEDURES:
        for state in get_procedure(key).states:
            if state.key not in HIDDEN_STATES and state.key not in seen:
                seen[state.key] = state.label
    return list(seen.items())


def _filtered(params):
    """The public cases narrowed by ``?category=&street=&state=``; the chosen units and
    a message per unknown value."""
    cases, chosen, errors = public_cases(), {}, []
    code = params.get("category", "").strip()[:20]
    if code:
        category = MatterCategory.objects.filter(code=code, is_active=True).first()
        if category is None:
            errors.append(_("There is no category “%(code)s”.") % {"code": code})
        else:
            chosen["category"] = category
            ids = [category.pk, *category.children.values_list("pk", flat=True)]
            if len(ids) == 1:  # one minor class: its index holds its cases by time
                cases = cases.filter(category=category)
            else:  # a major class: a large share, found along the time index
                cases = cases.filter(In(_column("category_id", IntegerField()), ids))
    code = params.get("street", "").strip()[:18]
    if code:
        street = Region.objects.active().filter(code=code, level=Level.STREET).first()
        if street is None:
            errors.append(_("There is no street “%(code)s”.") % {"code": code})
        else:
            chosen["street"] = street
            cases = cases.filter(Exact(_column("street_id", IntegerField()), street.pk))
    state = params.get("state", "").strip()[:30]
    if state:
        if state not in dict(state_choices()):
            errors.append(_("There is no state “%(state)s”.") % {"state": state})
        else:
            chosen["state"] = state
            cases = cases.filter(Exact(_column("state", CharField()), state))
    return cases, chosen, errors


def synthetic_marker() -> str:
    """The text the demo generator ends every synthetic description with."""
    from shanzhi.demo.cases import SYNTHETIC  # numpy and shapely: only when a page asks

    return SYNTHETIC


def _page_number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGES)


@require_safe
def public_list(request):
    cases, chosen, errors = _filtered(request.GET)
    number = _page_number(request.GET.get("page"))
    rows = []
    if not errors:
        start = (number - 1) * PAGE_SIZE
        rows = list(
            cases.select_related("category", "street", "grid")
            .only(
                "procedure",
                "state",
                "title",
                "created",
                "category__code",
                "category__name",
                "street__name",
                "grid__path",
                "grid__name",
            )
            .annotate(
                synthetic=Choose(
                    When(description__contains=synthetic_marker(), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .order_by("-created", "-pk")[start : start + PAGE_SIZE + 1]
        )
    has_next = len(rows) > PAGE_SIZE and number < MAX_PAGES
    rows = rows[:PAGE_SIZE]
    attach_ancestors([case.grid for case in rows if case.grid])
    for case in rows:
        case.public_title = publicdata.redact(case.title)
        case.state_label = case.get_state_display()
        case.community = case.grid.community_unit if case.grid else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/public_cases.html",
        {
            "rows": rows,
            "number": number,
            "has_next": has_next,
            "has_previous": number > 1,
            "chosen": chosen,
            "errors": errors,
            "query": query.urlencode(),
            "grids_query": urlencode({"street": chosen["street"].code})
            if "street" in chosen
            else "",
            "streets": Region.objects.active().filter(level=Level.STREET).order_by("code"),
            "categories": MatterCategory.objects.filter(is_active=True, redirect="").order_by(
                "code"
            ),
            "states": state_choices(),
            "map": _map_settings(),
            "map_limit": MAP_LIMIT,
        },
        status=400 if errors else 200,
    )


@require_safe
def public_map(request):
    """GeoJSON points, one per cell of ``CELL_DEGREES`` holding any of the newest
    ``MAP_LIMIT`` matching cases, with the number of cases in it."""
    cases, _chosen, errors = _filtered(request.GET)
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    points = list(
        cases.filter(lon__isnull=False, lat__isnull=False)
        .order_by("-created", "-pk")
        .values_list("lon", "lat")[:MAP_LIMIT]
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"count": n},
        }
        for lon, lat, n in publicdata.count_cells(points, CELL_DEGREES)
    ]
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "cell_degrees": CELL_DEGREES,
            "cases": len(points),
            "truncated": len(points) >= MAP_LIMIT,
        }
    )
