"""The PyPI client ``georeport`` against the platform served on a live port: it lists
the services, reads a service definition and fetches requests, in JSON and in XML."""

import pytest
import requests
from django.test import override_settings
from georeport import GeoReport

from shanzhi.api.actions import do_create_integration
from shanzhi.api.models import Integration
from shanzhi.conftest import FAST_HASHERS
from shanzhi.open311.tests.conftest import DISTRICT, point_in
from shanzhi.org.models import Region


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """The live server (one per test session) builds its middleware when it starts,
    before the per-test settings apply: start it without the redirect to HTTPS, as every
    test runs anyway (``shanzhi/conftest.py``); the tests speak plain HTTP."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.mark.django_db(transaction=True)
def test_the_georeport_client_lists_services_and_fetches_requests(live_server, singleton_rows):
    from shanzhi.demo.seed import load_demo
    from shanzhi.duties.seed import load_catalogue

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        load_demo()
        load_catalogue()
    _integration, key = do_create_integration(
        Integration(
            name="城市服务小程序",
            region=Region.objects.get(code="990101001"),
            scopes=["cases:write"],
        ),
        actor=None,
    )
    root = f"{live_server.url}/open311/v2"
    lon, lat = point_in()
    # The client only reads; a request is registered over HTTP as any client would.
    posted = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": key,
            "jurisdiction_id": DISTRICT,
            "service_code": "0604",
            "lat": lat,
            "long": lon,
            "description": "人行道塌陷约半米",
        },
        timeout=30,
    )
    assert posted.status_code == 201, posted.text
    number = posted.json()[0]["service_request_id"]

    client = GeoReport(root, jurisdiction=DISTRICT)
    services = {s["service_code"]: s for s in client.get_service_list()}
    assert services["0604"]["service_name"] == "道路破损" and services["0604"]["metadata"]
    definition = client.get_service_definition("0604")
    assert [a["code"] for a in definition["attributes"]] == ["kind", "confidential"]
    found = client.get_service_requests(service_code="0604", status="open")
    assert [r["service_request_id"] for r in found] == [number]
    one = client.get_service_request(number)
    assert one["status"] == "open" and one["description"] == "人行道塌陷约半米"
    assert client.get_service_requests(service_request_id=number)[0]["service_code"] == "0604"

    xml = GeoReport(root, jurisdiction=DISTRICT, output_format="xml")
    names = {s["service_code"]: s["service_name"] for s in xml.get_service_list()}
    assert names == {code: s["service_name"] for code, s in services.items()}
    assert xml.get_service_definition("0604")["service_code"] == "0604"
    # xmltodict gives the one <request> as a dict, several as a list.
    assert xml.get_service_requests(status="open")["service_request_id"] == number
    assert xml.get_service_request(number)["status"] == "open"

    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_requests(
            start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z"
        )
    assert refused.value.response.status_code == 400
