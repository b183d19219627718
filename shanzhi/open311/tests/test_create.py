"""POST requests: a case registered by the engine, as through the JSON API, with the
fields of the standard mapped onto the case, and idempotency keys."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from shanzhi.api.models import IdempotencyKey
from shanzhi.cases.models import Case
from shanzhi.core.models import AuditEvent
from shanzhi.open311 import tokens
from shanzhi.open311.tests.conftest import GRID, descriptions, request_form
from shanzhi.org.models import Region

pytestmark = pytest.mark.django_db


def test_a_request_becomes_a_located_routed_case_followed_by_the_integration(
    open311, make_integration
):
    integration, key = make_integration()
    response = open311.post(
        request_form(key, **{"attribute[kind]": "complaint", "email": "wang@example.com"})
    )
    assert response.status_code == 201, response.content
    (created,) = response.json()
    case = Case.objects.get(number=created["service_request_id"])
    assert case.procedure == "service_request" and case.state == "received"
    assert case.channel == "web" and case.category.code == "0604" and case.kind == "complaint"
    assert case.grid.code == GRID and case.street.code == "990101001"
    assert case.address == "柳岸路1号东门"
    assert case.requester == integration.user
    assert (case.requester_name, case.requester_phone) == ("王芳", "19900001234")
    assert case.title == "小区东门外人行道塌陷约半米，夜间行人容易踩空。"
    assert not case.confidential
    assert list(case.clocks.values_list("name", flat=True)) == ["dispatch"]
    event = AuditEvent.objects.for_object(case).get()
    assert event.action == "case.create" and event.actor == integration.user
    assert tokens.resolve(created["token"]) == case.number
    assert created["account_id"] is None


def test_a_long_first_line_is_cut_for_the_title_and_the_description_kept_whole(open311, api_key):
    text = "人行道" * 30 + "\n第二行"
    number = open311.post(request_form(api_key, description=text)).json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert case.description == text
    assert len(case.title) == 40 and case.title.endswith("…")


def test_confidential_is_an_attribute(open311, api_key):
    form = request_form(api_key, **{"attribute[confidential]": "true"})
    number = open311.post(form).json()[0]["service_request_id"]
    assert Case.objects.get(number=number).confidential


def test_an_address_alone_goes_to_the_manual_queue_as_the_engine_does(open311, api_key):
    form = request_form(api_key, lat=None, long=None, address_string="某某路口")
    number = open311.post(form).json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert case.grid is None and case.street is None and case.lon is None
    assert case.scope_path == Region.objects.get(code="990101").path  # the district's queue
    assert "未能定位" in case.routing_note  # stored in the deployment's language


def test_an_address_naming_a_street_is_located_there(open311, api_key):
    form = request_form(api_key, lat=None, long=None, address_string="东湖街道柳岸路口")
    number = open311.post(form).json()[0]["service_request_id"]
    assert Case.objects.get(number=number).street.code == "990101001"


def test_a_media_url_is_kept_as_the_last_line_of_the_description(open311, api_key):
    form = request_form(api_key, media_url="https://img.example.com/1.jpg")
    number = open311.post(form).json()[0]["service_request_id"]
    with translation.override(settings.LANGUAGE_CODE):  # stored in the deployment's language
        line = f"\n\n{gettext('Media')}: https://img.example.com/1.jpg"
    assert Case.objects.get(number=number).description.endswith(line)


def test_jurisdiction_id_of_the_district_is_accepted(open311, api_key):
    response = open311.post(request_form(api_key, jurisdiction_id="990101"))
    assert response.status_code == 201


def test_an_emergency_is_refused_with_the_number_to_call(open311, api_key):
    before = Case.objects.count()
    response = open311.post(request_form(api_key, service_code="9001"))
    assert response.status_code == 400
    assert descriptions(response) == ["This is an emergency: call 119 now."]
    assert Case.objects.count() == before


def test_a_petition_matter_is_refused_here(open311, api_key):
    before = Case.objects.count()
    response = open311.post(request_form(api_key, service_code="9005"))
    assert response.status_code == 400
    assert descriptions(response) == [
        "service_code 9005 is not taken here: Petition (信访) procedure."
    ]
    assert Case.objects.count() == before


def test_a_retry_with_the_same_idempotency_key_registers_nothing_more(open311, api_key):
    before = Case.objects.count()
    headers = {"Idempotency-Key": "app-20261127-0001"}
    first = open311.post(request_form(api_key), headers=headers)
    again = open311.post(request_form(api_key), "xml", headers=headers)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    number = first.json()[0]["service_request_id"]
    assert f"<service_request_id>{number}</service_request_id>".encode() in again.content
    assert Case.objects.count() == before + 1
    assert IdempotencyKey.objects.get(key="app-20261127-0001").case.number == number


def test_the_same_key_with_another_request_is_refused(open311, api_key):
    headers = {"Idempotency-Key": "app-20261127-0002"}
    open311.post(request_form(api_key), headers=headers)
    before = Case.objects.count()
    response = open311.post(request_form(api_key, description="另一件事"), headers=headers)
    assert response.status_code == 400
    assert descriptions(response) == ["This Idempotency-Key was already used for another request."]
    assert Case.objects.count() == before


def test_a_refused_request_does_not_use_up_its_key(open311, api_key):
    headers = {"Idempotency-Key": "app-20261127-0003"}
    refused = open311.post(request_form(api_key, lat="north"), headers=headers)
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.filter(key="app-20261127-0003").exists()
    assert open311.post(request_form(api_key), headers=headers).status_code == 201


def test_an_invalid_idempotency_key_is_refused(open311, api_key):
    before = Case.objects.count()
    response = open311.post(request_form(api_key), headers={"Idempotency-Key": "有 空格"})
    assert response.status_code == 400
    assert Case.objects.count() == before
