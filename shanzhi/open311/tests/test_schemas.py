"""Every resource, in XML and in JSON, against the schemas written from the standard
(``open311/schemas/``), with the content each answer must carry."""

import pytest
from django.utils import timezone

from shanzhi.cases.engine import do_transition
from shanzhi.cases.models import Case
from shanzhi.open311.tests.conftest import DISTRICT, descriptions, request_form, valid

pytestmark = pytest.mark.django_db
FORMATS = ["xml", "json"]


def _json_or_xml(document, fmt):
    """A list of plain dicts from either format (XML leaves become text, empty: None)."""
    if fmt == "json":
        return document
    return [{child.tag: child.text for child in item} for item in document]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(open311, fmt):
    response = open311.get("discovery", fmt)
    assert response.status_code == 200
    document = valid(response, "discovery")
    if fmt == "xml":
        endpoint = document.find("endpoints/endpoint")
        url, formats = endpoint.findtext("url"), [f.text for f in endpoint.iter("format")]
        spec, kind = endpoint.findtext("specification"), endpoint.findtext("type")
    else:
        endpoint = document["endpoints"][0]
        url, formats = endpoint["url"], endpoint["formats"]
        spec, kind = endpoint["specification"], endpoint["type"]
    assert url == "http://testserver/open311/v2"
    assert formats == ["text/xml", "application/json"]
    assert spec == "http://wiki.open311.org/GeoReport_v2" and kind == "production"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_list(open311, fmt):
    response = open311.get("services", fmt, {"jurisdiction_id": DISTRICT})
    assert response.status_code == 200
    services = _json_or_xml(valid(response, "services"), fmt)
    by_code = {s["service_code"]: s for s in services}
    assert by_code["0604"]["service_name"] == "道路破损"
    assert by_code["0604"]["group"] == "市容环境"
    assert by_code["0604"]["type"] == "realtime"
    assert "9001" not in by_code  # an emergency (火灾) is not a service: call 119
    assert all(code[:2] != "90" for code in by_code)


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(open311, fmt):
    response = open311.get("services/0604", fmt)
    assert response.status_code == 200
    document = valid(response, "service_definition")
    if fmt == "xml":
        attributes = {
            a.findtext("code"): [v.findtext("key") for v in a.iter("value")]
            for a in document.iter("attribute")
        }
        assert document.findtext("service_code") == "0604"
    else:
        attributes = {a["code"]: [v["key"] for v in a["values"]] for a in document["attributes"]}
        assert document["service_code"] == "0604"
    assert attributes == {
        "kind": ["consultation", "help", "complaint", "report", "suggestion"],
        "confidential": ["false", "true"],
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request_answers_with_the_id_and_a_token(open311, api_key, fmt):
    response = open311.post(request_form(api_key), fmt)
    assert response.status_code == 201, response.content
    (created,) = _json_or_xml(valid(response, "created"), fmt)
    case = Case.objects.get(number=created["service_request_id"])
    assert created["token"].startswith(case.number + ":")
    assert created["service_notice"].startswith("Dispatch: within 2 working hours")


@pytest.mark.parametrize("fmt", FORMATS)
def test_token(open311, api_key, fmt):
    created = open311.post(request_form(api_key)).json()[0]
    response = open311.get(f"tokens/{created['token']}", fmt)
    assert response.status_code == 200
    (found,) = _json_or_xml(valid(response, "token"), fmt)
    assert found == {"service_request_id": created["service_request_id"], "token": created["token"]}


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_of_every_kind_of_state(open311, make_case, persona, fmt):
    received = make_case()
    dispatched = make_case()
    dispatched = do_transition(
        dispatched, "dispatch", actor=persona("dispatcher"), body=dispatched.routed_body
    )
    answered = do_transition(make_case(), "answer", actor=persona("dispatcher"), note="已当场答复")
    merged = do_transition(
        make_case(), "merge", actor=persona("dispatcher"), target=dispatched, note="重复"
    )
    confidential = make_case(confidential=True)
    unsorted = make_case(code=None, address="", lon=None, lat=None)
    response = open311.get("requests", fmt)
    assert response.status_code == 200
    listed = {r["service_request_id"]: r for r in _json_or_xml(valid(response, "requests"), fmt)}
    numbers = [received, dispatched, answered, merged, confidential, unsorted]
    assert {c.number for c in numbers} <= set(listed)
    assert listed[received.number]["status"] == "open"
    assert listed[answered.number]["status"] == "closed"
    assert listed[merged.number]["status"] == "closed"
    assert listed[merged.number]["status_notes"] == f"Merged into {dispatched.number}"
    assert listed[dispatched.number]["agency_responsible"] == dispatched.responsible_body.name
    handle = dispatched.clocks.get(name="handle", stopped_at__isnull=True)
    due = timezone.localtime(handle.due_at).isoformat(timespec="seconds")
    assert listed[dispatched.number]["expected_datetime"] == due
    assert listed[received.number]["expected_datetime"] is None  # not dispatched yet
    assert listed[confidential.number]["description"] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request(open311, make_case, fmt):
    case = make_case()
    response = open311.get(f"requests/{case.number}", fmt)
    assert response.status_code == 200
    (found,) = _json_or_xml(valid(response, "requests"), fmt)
    assert found["service_request_id"] == case.number
    assert found["service_code"] == "0604" and found["service_name"] == "道路破损"
    assert found["description"] == "柳岸路井盖破损，请尽快修复。"
    assert found["address"] == "柳岸路2号, 柳岸社区第1网格, 东湖街道"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("services/0000", {}, 404),
        ("requests/SR0", {}, 404),
        ("tokens/SR0:forged", {}, 404),
        ("services", {"jurisdiction_id": "sfgov.org"}, 404),
        ("requests", {"start_date": "last week"}, 400),
        ("discovery", {"colour": "red"}, 400),
    ],
)
def test_errors(open311, fmt, path, params, status):
    response = open311.get(path, fmt, params)
    assert response.status_code == status
    assert descriptions(response)


@pytest.mark.parametrize("fmt", FORMATS)
def test_errors_of_a_post(open311, fmt):
    response = open311.post({"service_code": "0604"}, fmt)
    assert response.status_code == 403
    assert descriptions(response) == ["api_key was not provided: send the token of an integration."]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_resource_and_a_wrong_method(client, fmt):
    response = client.get(f"/open311/v2/reports.{fmt}")
    assert response.status_code == 404 and descriptions(response)
    response = client.delete(f"/open311/v2/services.{fmt}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert descriptions(response) == ["Use GET here."]
