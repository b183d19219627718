"""Integrations and an API client for the tests. Integrations are made with the real
action, their tokens sent as a client would send them."""

import json

import pytest
from django.utils import translation

from shanzhi.api.actions import do_create_integration
from shanzhi.api.models import Integration
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

ALL_SCOPES = [
    "cases:read",
    "cases:write",
    "catalogue:read",
    "calls:write",
    "registry:read",
    "registry:reveal",
]
GRID = "990101001001001"  # 东湖街道 柳岸社区 grid 1
OTHER_STREET_GRID = "990101002001001"  # 西岭街道


@pytest.fixture(autouse=True)
def catalogue(request):
    """The demonstration catalogue, for tests in the demo district's transaction (tests
    with transactions of their own start from an empty database and make what they need)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("db")
    load_catalogue()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class Api:
    def __init__(self, client, token: str | None, language: str = "en"):
        self.client, self.token, self.language = client, token, language

    def _headers(self, extra):
        headers = {"HTTP_ACCEPT_LANGUAGE": self.language}
        if self.token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        for name, value in (extra or {}).items():
            headers["HTTP_" + name.upper().replace("-", "_")] = value
        return headers

    def get(self, path, params=None, headers=None):
        return self.client.get(f"/api/v1{path}", params or {}, **self._headers(headers))

    def post(self, path, payload=None, headers=None, raw: bytes | str | None = None):
        data = raw if raw is not None else json.dumps(payload)
        return self.client.post(
            f"/api/v1{path}", data=data, content_type="application/json", **self._headers(headers)
        )


@pytest.fixture
def make_integration(db):
    def make(
        name="12345热线系统",
        *,
        role="street_dispatcher",
        unit="990101001",
        body=None,
        scopes=ALL_SCOPES,
        rate_limit=1000,
    ):
        integration = Integration(
            name=name,
            role=role,
            region=Region.objects.get(code=unit) if unit else None,
            body=Body.objects.get(name=body) if body else None,
            scopes=list(scopes),
            rate_limit=rate_limit,
        )
        return do_create_integration(integration, actor=None, note="测试")

    return make


@pytest.fixture
def api_for(client, make_integration):
    """An API client holding the token of a new integration made with these options."""

    def make(name="12345热线系统", **options):
        integration, token = make_integration(name, **options)
        api = Api(client, token)
        api.integration = integration
        return api

    return make


@pytest.fixture
def anonymous_api(client):
    return Api(client, None)


def point_in(code: str) -> tuple[float, float]:
    point = geo.parse_polygon(Region.objects.get(code=code).geometry).representative_point()
    return point.x, point.y


def case_payload(code: str = GRID, **overrides) -> dict:
    lon, lat = point_in(code)
    payload = {
        "procedure": "service_request",
        "channel": "mobile",
        "title": "路面塌陷",
        "description": "小区东门外人行道塌陷约半米，夜间行人容易踩空。",
        "category": "0604",
        "lon": lon,
        "lat": lat,
        "address": "柳岸路1号东门",
        "requester_name": "王女士",
        "requester_phone": "19900001234",
    }
    payload.update(overrides)
    return payload
