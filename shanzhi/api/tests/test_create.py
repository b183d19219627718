"""Registering a case through the API: the engine's intake, the scope it needs, bad
input refused whole with clear messages, and idempotency keys."""

import pytest

from shanzhi.api.models import IdempotencyKey
from shanzhi.api.tests.conftest import GRID, case_payload
from shanzhi.cases.models import Case
from shanzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_case_is_registered_located_routed_and_followed_by_the_integration(api_for):
    api = api_for()
    response = api.post("/cases", case_payload())
    assert response.status_code == 201, response.content
    data = response.json()
    case = Case.objects.get(number=data["number"])
    assert case.grid.code == GRID and case.street.code == "990101001"
    assert case.state == "received" and data["state"] == "received"
    assert case.channel == "mobile" and case.category.code == "0604"
    assert case.requester == api.integration.user  # it follows the case as its requester
    assert case.requester_name == "王女士"
    assert data["requester"] == {"name": "王女士", "phone": "199****1234"}
    assert [c["name"] for c in data["clocks"]] == ["dispatch"]
    assert data["url"].endswith(f"/cases/{case.number}/")
    event = AuditEvent.objects.for_object(case).get()
    assert event.action == "case.create" and event.actor == api.integration.user
    assert event.actor_label == "12345热线系统"


def test_an_integration_without_a_role_registers_and_follows_its_own_cases(api_for):
    api = api_for("微信小程序", role="")
    number = api.post("/cases", case_payload()).json()["number"]
    assert api.get(f"/cases/{number}").status_code == 200
    listed = api.get("/cases").json()["items"]
    assert [c["number"] for c in listed] == [number]


def test_without_the_write_scope_nothing_is_registered(api_for):
    api = api_for(scopes=["cases:read", "catalogue:read"])
    before = Case.objects.count()
    response = api.post("/cases", case_payload())
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert response.json()["details"]["required"] == "cases:write"
    assert Case.objects.count() == before


@pytest.mark.parametrize("token", [None, "shz_00000000_" + "a" * 43, "not-a-token"])
def test_without_a_valid_token_nothing_is_registered(anonymous_api, token):
    anonymous_api.token = token
    before = Case.objects.count()
    response = anonymous_api.post("/cases", case_payload())
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"
    assert Case.objects.count() == before


def test_a_switched_off_integration_is_refused(api_for):
    api = api_for()
    api.integration.is_active = False
    api.integration.save(update_fields=["is_active"])
    response = api.post("/cases", case_payload())
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def _refused(api, response, status=422, code="validation_error"):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"]
    return body


def test_malformed_json_is_refused_and_nothing_stored(api_for):
    api = api_for()
    before = Case.objects.count()
    body = _refused(api, api.post("/cases", raw='{"title": "路面塌陷",'), 400, "malformed_json")
    assert body["message"] == "The request body is not valid JSON."
    assert Case.objects.count() == before


def test_a_body_over_the_upload_limit_is_refused(api_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    api = api_for()
    before = Case.objects.count()
    response = api.post("/cases", case_payload(description="塌" * 5_000))
    _refused(api, response, 413, "too_large")
    assert Case.objects.count() == before


def test_missing_fields_are_named(api_for):
    api = api_for()
    payload = case_payload()
    del payload["title"], payload["description"]
    body = _refused(api, api.post("/cases", payload))
    fields = {d["field"]: d for d in body["details"]}
    assert fields["title"]["code"] == "missing"
    assert fields["title"]["message"] == "This field is required."
    assert "description" in fields


def test_a_10000_character_description_is_refused_whole(api_for):
    api = api_for()
    before = (Case.objects.count(), AuditEvent.objects.count())
    body = _refused(api, api.post("/cases", case_payload(description="塌" * 10_000)))
    assert body["details"] == [
        {
            "field": "description",
            "code": "string_too_long",
            "message": "At most 4000 characters.",
        }
    ]
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"category": "9999"}, "category"),
        ({"category": "06"}, "category"),  # a major class: cases take a minor one
        ({"lat": None}, "lon"),
        ({"lon": 500}, "lon"),
        ({"requester_phone": "call me"}, "requester_phone"),
        ({"title": "a\x00b"}, "title"),
        ({"channel": "pigeon"}, "channel"),
        ({"procedure": "petition_unknown"}, "procedure"),
        ({"reported_body": 10**9}, "reported_body"),
        ({"title": "   "}, None),  # the engine: a case needs a title and a description
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_is_stored(api_for, override, field):
    api = api_for()
    before = Case.objects.count()
    body = _refused(api, api.post("/cases", case_payload(**override)))
    assert field in [d["field"] for d in body["details"]], body
    assert all(d["message"] for d in body["details"])
    assert Case.objects.count() == before


def test_an_emergency_category_is_refused_with_the_number_to_call(api_for):
    from shanzhi.duties.models import MatterCategory

    emergency = MatterCategory.objects.filter(redirect="emergency", parent__isnull=False).first()
    api = api_for()
    body = _refused(api, api.post("/cases", case_payload(category=emergency.code)))
    assert emergency.emergency_number in body["details"][0]["message"]


def test_a_json_array_is_not_a_case(api_for):
    api = api_for()
    _refused(api, api.post("/cases", raw="[1, 2]"))


def test_text_with_markup_is_stored_as_text(api_for):
    api = api_for()
    title = "<script>alert(1)</script>"
    data = api.post("/cases", case_payload(title=title)).json()
    assert Case.objects.get(number=data["number"]).title == title
    assert data["title"] == title


# --- Idempotency keys -------------------------------------------------------------------


def test_a_retry_with_the_same_key_returns_the_first_case_and_creates_no_second(api_for):
    api = api_for()
    key = {"Idempotency-Key": "hotline-2026-0001"}
    first = api.post("/cases", case_payload(), headers=key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    before = (Case.objects.count(), AuditEvent.objects.count())
    again = api.post("/cases", case_payload(), headers=key)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert (Case.objects.count(), AuditEvent.objects.count()) == before
    assert IdempotencyKey.objects.get().case.number == first.json()["number"]


def test_the_same_content_in_another_key_order_is_the_same_request(api_for):
    api = api_for()
    key = {"Idempotency-Key": "k-1"}
    payload = case_payload()
    first = api.post("/cases", payload, headers=key).json()
    reordered = dict(reversed(list(payload.items())))
    assert api.post("/cases", reordered, headers=key).json()["number"] == first["number"]


def test_the_same_key_with_another_request_is_refused(api_for):
    api = api_for()
    key = {"Idempotency-Key": "k-2"}
    api.post("/cases", case_payload(), headers=key)
    before = Case.objects.count()
    response = api.post("/cases", case_payload(title="另一件事"), headers=key)
    body = _refused(api, response, 422, "idempotency_key_reused")
    assert "Idempotency-Key" in body["message"]
    assert Case.objects.count() == before


def test_keys_belong_to_one_integration(api_for):
    one, two = api_for("系统甲"), api_for("系统乙")
    key = {"Idempotency-Key": "shared-key"}
    first = one.post("/cases", case_payload(), headers=key).json()
    second = two.post("/cases", case_payload(), headers=key).json()
    assert first["number"] != second["number"]


def test_a_refused_request_does_not_use_up_its_key(api_for):
    api = api_for()
    key = {"Idempotency-Key": "k-3"}
    _refused(api, api.post("/cases", case_payload(category="9999"), headers=key))
    assert not IdempotencyKey.objects.exists()
    assert api.post("/cases", case_payload(), headers=key).status_code == 201


@pytest.mark.parametrize("key", ["has space", "x" * 256, "键"])
def test_an_invalid_key_is_refused(api_for, key):
    api = api_for()
    before = Case.objects.count()
    body = _refused(api, api.post("/cases", case_payload(), headers={"Idempotency-Key": key}))
    assert body["details"][0]["field"] == "Idempotency-Key"
    assert Case.objects.count() == before
