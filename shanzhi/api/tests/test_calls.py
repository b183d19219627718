"""The telephone system's call events through the API: the scope they need, one call per
call id and integration, bad input refused with the field named and nothing stored."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from shanzhi.api.tests.test_openapi_fuzz import keeping_the_connection
from shanzhi.console.models import Call
from shanzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PATH = "/calls/events"
CTI = {"scopes": ["calls:write"], "unit": "990101"}


def when(seconds_ago: float) -> str:
    return (timezone.now() - timedelta(seconds=seconds_ago)).isoformat()


def offered(call_id="20261127-0001", **extra):
    payload = {"call_id": call_id, "event": "offered", "at": when(60)}
    return {**payload, "caller": "13900001111", "line": "12345", **extra}


def stored():
    return Call.objects.count(), AuditEvent.objects.count()


def test_a_call_reported_event_by_event(api_for):
    api = api_for("呼叫中心", **CTI)
    first = api.post(PATH, offered())
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["state"] == "ringing" and body["changed"] is True
    assert body["caller"] == "139****1111" and body["line"] == "12345"
    answered = api.post(
        PATH,
        {"call_id": "20261127-0001", "event": "answered", "at": when(50), "agent": "dispatcher"},
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["agent"] == "dispatcher" and answered.json()["state"] == "answered"
    ended = api.post(PATH, {"call_id": "20261127-0001", "event": "ended", "at": when(5)})
    assert ended.json()["state"] == "ended" and ended.json()["case"] is None
    call = Call.objects.get(call_id="20261127-0001")
    assert call.integration == api.integration and call.operator.username == "dispatcher"
    assert (call.answered_at - call.offered_at).total_seconds() == pytest.approx(10, abs=1)
    actors = set(AuditEvent.objects.for_object(call).values_list("actor_label", flat=True))
    assert actors == {"呼叫中心"}


def test_a_retry_answers_200_and_changes_nothing(api_for):
    api = api_for("呼叫中心", **CTI)
    payload = offered()
    assert api.post(PATH, payload).status_code == 201
    before = stored()
    again = api.post(PATH, payload)
    assert again.status_code == 200 and again.json()["changed"] is False
    assert stored() == before


def test_without_the_scope_nothing_is_stored(api_for):
    api = api_for("只读系统", scopes=["cases:read", "cases:write", "catalogue:read"])
    before = stored()
    response = api.post(PATH, offered())
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "insufficient_scope" and body["details"]["required"] == "calls:write"
    assert stored() == before


@pytest.mark.parametrize("token", [None, "shz_00000000_" + "a" * 43])
def test_without_a_valid_token_nothing_is_stored(anonymous_api, token):
    anonymous_api.token = token
    before = stored()
    response = anonymous_api.post(PATH, offered())
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert stored() == before


def test_another_integrations_call_is_not_touched(api_for):
    mine, theirs = api_for("呼叫中心", **CTI), api_for("另一套话务", **CTI)
    assert mine.post(PATH, offered("shared-id")).status_code == 201
    # The other system knows nothing of this call: its events do not reach it.
    hang_up = {"call_id": "shared-id", "event": "ended", "at": when(30)}
    refused = theirs.post(PATH, hang_up)
    assert refused.status_code == 422 and refused.json()["details"][0]["field"] == "call_id"
    assert Call.objects.get(integration=mine.integration).ended_at is None
    # Its own call of the same id is another call.
    assert theirs.post(PATH, offered("shared-id")).status_code == 201
    assert theirs.post(PATH, hang_up).json()["state"] == "abandoned"
    assert Call.objects.get(integration=mine.integration).state == "ringing"


def _refused(api, payload, field, *, raw=None, status=422, code="validation_error"):
    before = stored()
    response = api.post(PATH, payload, raw=raw)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"]
    if field is not None:
        fields = [d["field"] for d in body["details"]]
        assert field in fields, body
        assert all(d["message"] for d in body["details"])
    assert stored() == before
    return body


@pytest.mark.parametrize(
    "change, field",
    [
        ({"event": "rang"}, "event"),
        ({"call_id": ""}, "call_id"),
        ({"call_id": "with space"}, "call_id"),
        ({"call_id": "x" * 65}, "call_id"),
        ({"at": "yesterday"}, "at"),
        ({"at": "3000-01-01T00:00:00Z"}, "at"),
        ({"caller": "not a number"}, "caller"),
        ({"line": "1" * 41}, "line"),
        ({"line": "12345\x00"}, "line"),
        ({"agent": "nobody-here"}, "agent"),
        ({"extension": "8001"}, "extension"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(api_for, change, field):
    api = api_for("呼叫中心", **CTI)
    _refused(api, {**offered(), **change}, field)


def test_missing_fields_and_malformed_json(api_for):
    api = api_for("呼叫中心", **CTI)
    body = _refused(api, {"event": "offered"}, None)
    assert {d["field"] for d in body["details"]} == {"call_id", "at"}
    _refused(api, None, None, raw='{"call_id": "1",', status=400, code="malformed_json")


def test_impossible_events_are_refused_with_the_reason(api_for):
    api = api_for("呼叫中心", **CTI)
    early = {"call_id": "c-9", "event": "answered", "at": when(90), "agent": "dispatcher"}
    body = _refused(api, early, "call_id")
    assert "offered" in body["details"][0]["message"]
    api.post(PATH, offered("c-9"))  # offered 60 s ago
    body = _refused(api, early, "at")  # answered 90 s ago: before the offer
    assert "offered" in body["details"][0]["message"]
    soon = {
        "call_id": "c-9",
        "event": "ended",
        "at": (timezone.now() + timedelta(hours=1)).isoformat(),
    }
    body = _refused(api, soon, "at")
    assert "future" in body["details"][0]["message"]
    _refused(api, {"call_id": "c-9", "event": "answered", "at": when(30)}, "agent")


def test_a_message_in_chinese_by_default(api_for):
    api = api_for("呼叫中心", **CTI)
    api.language = "zh-hans"
    body = api.post(PATH, {"call_id": "c-1", "event": "ended", "at": when(1)}).json()
    assert body["code"] == "validation_error" and body["details"][0]["message"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_on_generated_events(api_for, mode):
    """The schemathesis run of test_openapi_fuzz.py, with a token that carries the scope,
    so that generated events reach the call rules rather than the scope check."""
    client = api_for("呼叫中心", rate_limit=100_000, **CTI)
    client.post(PATH, offered("known"))
    headers = {"Authorization": f"Bearer {client.token}"}

    with keeping_the_connection():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
        strategy = schema["/api/v1" + PATH]["POST"].as_strategy(generation_mode=mode)

        @given(case=strategy)
        @settings(
            max_examples=50,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.body, response.text[:500])
            case.validate_response(
                response, headers=headers, excluded_checks=[positive_data_acceptance]
            )

        check()
