"""An Open311 client for the tests, integrations made with the real action, cases made
through the engine, and the schemas written from the standard."""

import json
from functools import cache
from pathlib import Path

import jsonschema_rs
import pytest
from django.utils import translation
from lxml import etree

from shanzhi.api.actions import do_create_integration
from shanzhi.api.models import Integration
from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.cases.forms import category_choices
from shanzhi.lib import geo
from shanzhi.org.models import Region

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
GRID = "990101001001001"  # 东湖街道 柳岸社区 grid 1
DISTRICT = "990101"


@cache
def _xml_schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"{name}.xsd")))


@cache
def _json_validator(name: str):
    return jsonschema_rs.validator_for(json.loads((SCHEMAS / f"{name}.schema.json").read_text()))


def valid(response, schema: str):
    """The answer's document, after checking it against the schema of its format; the
    parsed XML root or the JSON value."""
    content_type = response["Content-Type"]
    if content_type == "text/xml; charset=utf-8":
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        root = etree.fromstring(response.content, etree.XMLParser(resolve_entities=False))
        _xml_schema(schema).assertValid(root)
        return root
    assert content_type == "application/json; charset=utf-8", content_type
    value = json.loads(response.content)
    _json_validator(schema).validate(value)
    return value


def descriptions(response) -> list[str]:
    """The error descriptions of an answer in either format."""
    if response["Content-Type"].startswith("text/xml"):
        root = valid(response, "errors")
        return [e.findtext("description") for e in root.iter("error")]
    return [e["description"] for e in valid(response, "errors")]


class Open311:
    def __init__(self, client, language: str = "en"):
        self.client, self.language = client, language

    def get(self, resource: str, fmt: str = "json", params=None):
        return self.client.get(
            f"/open311/v2/{resource}.{fmt}", params or {}, HTTP_ACCEPT_LANGUAGE=self.language
        )

    def post(self, form: dict, fmt: str = "json", headers=None):
        extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in (headers or {}).items()}
        return self.client.post(
            f"/open311/v2/requests.{fmt}",
            data=form,
            HTTP_ACCEPT_LANGUAGE=self.language,
            **extra,
        )


@pytest.fixture
def open311(client):
    return Open311(client)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def make_integration(db):
    def make(name="城市服务小程序", *, scopes=("cases:write",), rate_limit=1000, unit="990101001"):
        integration = Integration(
            name=name,
            region=Region.objects.get(code=unit),
            scopes=list(scopes),
            rate_limit=rate_limit,
        )
        return do_create_integration(integration, actor=None, note="测试")

    return make


@pytest.fixture
def api_key(make_integration):
    _integration, token = make_integration()
    return token


def point_in(code: str = GRID) -> tuple[float, float]:
    point = geo.parse_polygon(Region.objects.get(code=code).geometry).representative_point()
    return point.x, point.y


def request_form(api_key: str, **overrides) -> dict:
    lon, lat = point_in()
    form = {
        "api_key": api_key,
        "service_code": "0604",
        "lat": str(lat),
        "long": str(lon),
        "address_string": "柳岸路1号东门",
        "first_name": "芳",
        "last_name": "王",
        "phone": "19900001234",
        "description": "小区东门外人行道塌陷约半米，夜间行人容易踩空。",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


@pytest.fixture
def make_case(persona):
    """A case registered through the engine, as any channel would."""

    def make(code: str = "0604", **fields):
        lon, lat = point_in()
        intake = Intake(
            procedure=fields.pop("procedure", "service_request"),
            channel=fields.pop("channel", "phone"),
            title=fields.pop("title", "井盖破损"),
            description=fields.pop("description", "柳岸路井盖破损，请尽快修复。"),
            category=category_choices().get(code=code) if code else None,
            lon=fields.pop("lon", lon),
            lat=fields.pop("lat", lat),
            address=fields.pop("address", "柳岸路2号"),
            requester_name=fields.pop("requester_name", "李先生"),
            requester_phone=fields.pop("requester_phone", "19900005678"),
            **fields,
        )
        return do_create_case(intake, actor=persona("centre"))

    return make
