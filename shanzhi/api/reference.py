"""Reference data for integrations: the matter catalogue, the grids (GeoJSON) and the
bodies. All of it is public on the pages too (the duty lists, the grid roster and the
directory); the API serves it to tokens with the ``catalogue:read`` scope."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router
from pydantic import Field

from shanzhi.api.auth import require_scope
from shanzhi.api.models import Scope
from shanzhi.api.schemas import (
    BodyPage,
    CategoryOut,
    Error,
    GridCollection,
    Input,
    IntegrationOut,
    Text,
    refuse_unknown_parameters,
)
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import cursors
from shanzhi.org.models import GRID_LEVELS, Body, BodyKind, Region

router = Router(tags=["reference"])
ERRORS = {401: Error, 403: Error, 422: Error, 429: Error}


@router.get("/me", response={200: IntegrationOut, **ERRORS}, summary="This integration")
def me(request):
    """The integration the token belongs to: its scopes, role, area and rate limit."""
    integration = request.auth
    unit = integration.body or integration.region
    return {
        "name": integration.name,
        "key_id": integration.key_id,
        "scopes": list(integration.scopes),
        "role": integration.role,
        "acts_for": str(unit) if unit is not None else None,
        "rate_limit": integration.rate_limit,
    }


@router.get(
    "/categories", response={200: list[CategoryOut], **ERRORS}, summary="The matter catalogue"
)
def categories(request):
    """Every category in use: major classes (no parent) and their minor classes. Cases
    are registered with a minor class."""
    require_scope(request, Scope.CATALOGUE_READ)
    rows = MatterCategory.objects.filter(is_active=True).select_related("parent").order_by("code")
    return [
        {
            "code": c.code,
            "name": c.name,
            "kind": c.kind,
            "parent": c.parent.code if c.parent_id else None,
            "hint": c.hint,
            "redirect": c.redirect,
            "emergency_number": c.emergency_number,
        }
        for c in rows
    ]


def _area(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).only("path").first()
    if region is None:
        raise ValidationError({"within": _("No org unit with the code %(code)s.") % {"code": code}})
    return region


def _after(cursor: str | None, kind: str, type_):
    if not cursor:
        return None
    try:
        (value,) = cursors.decode(cursor, kind, 1)
        if not isinstance(value, type_):
            raise ValueError("cursor value")
    except ValueError:
        raise ValidationError(
            {"cursor": _("This cursor is not valid for this list; start again without it.")}
        ) from None
    return value


class GridFilters(Input):
    within: Text | None = Field(None, max_length=18, description="Code of an org unit.")
    limit: int = Field(100, ge=1, le=500)
    cursor: Text | None = Field(None, max_length=cursors.MAX_LENGTH)


@router.get("/grids", response={200: GridCollection, **ERRORS}, summary="Grid boundaries")
def grids(request, filters: Query[GridFilters]):
    """The active grids and micro-grids as a GeoJSON FeatureCollection (WGS84/CGCS2000
    longitude, latitude), by code, one page at a time (`next_cursor`)."""
    require_scope(request, Scope.CATALOGUE_READ)
    refuse_unknown_parameters(request, GridFilters)
    qs = Region.objects.active().filter(level__in=GRID_LEVELS, geometry__isnull=False)
    area = _area(filters.within)
    if area is not None:
        qs = qs.filter(path__startswith=area.path)
    after = _after(filters.cursor, "g", str)
    if after is not None:
        qs = qs.filter(code__gt=after)
    rows = list(
        qs.select_related("parent")
        .order_by("code")
        .only("code", "name", "level", "households", "geometry", "parent__code")[
            : filters.limit + 1
        ]
    )
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    features = [
        {
            "type": "Feature",
            "id": grid.code,
            "geometry": grid.geometry,
            "properties": {
                "code": grid.code,
                "name": grid.name,
                "level": grid.level,
                "parent": grid.parent.code if grid.parent_id else None,
                "households": grid.households,
            },
        }
        for grid in rows
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "next_cursor": cursors.encode(["g", rows[-1].code]) if more else None,
    }


class BodyFilters(Input):
    kind: BodyKind | None = None
    within: Text | None = Field(None, max_length=18, description="Code of an org unit.")
    limit: int = Field(100, ge=1, le=500)
    cursor: Text | None = Field(None, max_length=cursors.MAX_LENGTH)


@router.get("/bodies", response={200: BodyPage, **ERRORS}, summary="Bodies")
def bodies(request, filters: Query[BodyFilters]):
    """Active bodies (departments, street offices, residents' committees, …) by id;
    `within` keeps those serving an org unit or an area inside it."""
    require_scope(request, Scope.CATALOGUE_READ)
    refuse_unknown_parameters(request, BodyFilters)
    qs = Body.objects.active().select_related("region")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    area = _area(filters.within)
    if area is not None:
        qs = qs.filter(region__path__startswith=area.path)
    after = _after(filters.cursor, "b", int)
    if after is not None:
        qs = qs.filter(pk__gt=after)
    rows = list(qs.order_by("pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "items": [
            {
                "id": b.pk,
                "name": b.name,
                "kind": b.kind,
                "kind_label": str(b.get_kind_display()),
                "region": {"code": b.region.code, "name": b.region.name},
                "parent": b.parent_id,
                "phone": b.phone,
                "address": b.address,
            }
            for b in rows
        ],
        "next_cursor": cursors.encode(["b", rows[-1].pk]) if more else None,
    }
