"""Who may register a request: an active integration whose token is the ``api_key``
and carries ``cases:write``. Anyone else is refused with 403 and nothing is stored."""

import pytest

from shanzhi.cases.models import Case
from shanzhi.core.models import AuditEvent
from shanzhi.open311.tests.conftest import descriptions, request_form

pytestmark = pytest.mark.django_db


def _nothing_stored(check):
    cases, events = Case.objects.count(), AuditEvent.objects.count()
    response = check()
    assert Case.objects.count() == cases and AuditEvent.objects.count() == events
    return response


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "api_key was not provided: send the token of an integration."),
        ("", "api_key was not provided: send the token of an integration."),
        ("not-a-token", "Invalid api_key: send the token of an active integration."),
        ("shz_00000000_" + "a" * 43, "Invalid api_key: send the token of an active integration."),
    ],
)
def test_without_a_valid_api_key_nothing_is_registered(open311, fmt, key, message):
    response = _nothing_stored(lambda: open311.post(request_form(key), fmt))
    assert response.status_code == 403
    assert descriptions(response) == [message]


def test_a_key_without_cases_write_is_refused(open311, make_integration):
    _integration, key = make_integration(scopes=("cases:read", "catalogue:read"))
    response = _nothing_stored(lambda: open311.post(request_form(key)))
    assert response.status_code == 403
    assert descriptions(response) == [
        "This integration's token does not carry the scope cases:write."
    ]


def test_a_switched_off_integration_is_refused(open311, make_integration):
    integration, key = make_integration()
    integration.is_active = False
    integration.save(update_fields=["is_active"])
    response = _nothing_stored(lambda: open311.post(request_form(key)))
    assert response.status_code == 403


def test_the_key_is_checked_before_anything_else(open311):
    """A stranger learns nothing about the input or the jurisdiction."""
    response = _nothing_stored(
        lambda: open311.post({"service_code": "nope", "jurisdiction_id": "x", "api_key": "x"})
    )
    assert response.status_code == 403


def test_over_the_rate_limit_the_answer_is_429_and_nothing_is_stored(open311, make_integration):
    _integration, key = make_integration(rate_limit=1)
    assert open311.post(request_form(key)).status_code == 201
    response = _nothing_stored(lambda: open311.post(request_form(key), "xml"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1 and response["X-RateLimit-Limit"] == "1"
    assert descriptions(response) == ["Too many requests: at most 1 a minute for this integration."]


def test_reading_needs_no_key_and_a_key_changes_nothing(open311, api_key, make_case):
    make_case()
    without = open311.get("requests")
    with_key = open311.get("requests", params={"api_key": api_key})
    assert without.status_code == with_key.status_code == 200
    assert without.content == with_key.content
