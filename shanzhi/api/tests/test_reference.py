"""The matter catalogue, grids (GeoJSON) and bodies."""

import pytest

from shanzhi.duties.models import MatterCategory
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_the_categories_in_use(api_for):
    api = api_for(scopes=["catalogue:read"])
    data = api.get("/categories").json()
    assert [c["code"] for c in data] == list(
        MatterCategory.objects.filter(is_active=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    road = next(c for c in data if c["code"] == "0604")
    assert road["parent"] == "06" and road["name"] == "道路破损" and road["kind"] == "event"


def test_grids_are_a_geojson_feature_collection_in_pages(api_for):
    api = api_for(scopes=["catalogue:read"])
    first = api.get("/grids", {"within": "990101001", "limit": 7}).json()
    assert first["type"] == "FeatureCollection" and len(first["features"]) == 7
    feature = first["features"][0]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] in (
        "Polygon",
        "MultiPolygon",
    )
    assert feature["properties"]["code"].startswith("990101001") and feature["id"]
    codes = [f["id"] for f in first["features"]]
    while first["next_cursor"]:
        first = api.get(
            "/grids", {"within": "990101001", "limit": 7, "cursor": first["next_cursor"]}
        ).json()
        codes += [f["id"] for f in first["features"]]
    expected = Region.objects.filter(
        path__startswith=Region.objects.get(code="990101001").path,
        level__in=("grid", "micro_grid"),
        is_active=True,
    ).order_by("code")
    assert codes == list(expected.values_list("code", flat=True)) and len(codes) > 14


def test_bodies_filtered_by_kind_and_area(api_for):
    api = api_for(scopes=["catalogue:read"])
    data = api.get("/bodies", {"kind": "department", "limit": 500}).json()
    names = {b["name"] for b in data["items"]}
    assert "区城市管理局" in names and data["next_cursor"] is None
    assert all(b["kind"] == "department" for b in data["items"])
    inside = api.get("/bodies", {"within": "990101001", "limit": 500}).json()["items"]
    assert inside and all(b["region"]["code"].startswith("990101001") for b in inside)
    assert len(inside) == Body.objects.active().filter(region__code__startswith="990101001").count()


def test_reference_data_needs_its_scope(api_for):
    api = api_for(scopes=["cases:read"])
    for path in ("/categories", "/grids", "/bodies"):
        response = api.get(path)
        assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/grids", {"within": "123"}),
        ("/grids", {"cursor": "zzz"}),
        ("/bodies", {"kind": "club"}),
        ("/bodies", {"limit": 501}),
    ],
)
def test_bad_parameters_are_refused_clearly(api_for, path, params):
    response = api_for(scopes=["catalogue:read"]).get(path, params)
    assert response.status_code == 422 and response.json()["details"][0]["message"]


def test_the_openapi_document_and_its_page_are_public(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Shanzhi API"
    assert {"/api/v1/cases", "/api/v1/cases/{number}/transitions/{action}"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger-ui-bundle.js" in page.content
    assert b"cdn" not in page.content.lower()  # served from here, not from a CDN
