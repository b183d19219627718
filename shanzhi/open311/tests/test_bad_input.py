"""Bad input to POST requests and GET requests: clear errors, every problem at once,
and nothing stored."""

import pytest

from shanzhi.api.models import IdempotencyKey
from shanzhi.cases.models import Case, Clock
from shanzhi.core.models import AuditEvent, Notification
from shanzhi.open311.tests.conftest import descriptions, request_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(open311, api_key):
    """POST ``overrides`` on a good request: the status and descriptions, after checking
    that nothing at all was stored."""

    def post(expected_status: int, fmt="json", **overrides):
        tables = (Case, Clock, AuditEvent, Notification, IdempotencyKey)
        before = [model.objects.count() for model in tables]
        response = open311.post(
            request_form(api_key, **overrides), fmt, headers={"Idempotency-Key": "k-1"}
        )
        assert response.status_code == expected_status, response.content
        assert [model.objects.count() for model in tables] == before
        return descriptions(response)

    return post


def test_missing_service_code(refused):
    assert refused(400, service_code=None) == ["service_code was not provided."]
    assert refused(400, "xml", service_code="  ") == ["service_code was not provided."]


def test_unknown_service(refused):
    assert refused(404, service_code="0699") == ["service_code 0699 was not found."]
    # A major class is not a service.
    assert refused(404, service_code="06") == ["service_code 06 was not found."]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_description_of_10000_characters(refused, fmt):
    assert refused(400, fmt, description="井" * 10_000) == [
        "description: at most 4000 characters (this one has 10000)."
    ]


def test_a_description_of_exactly_4000_characters_is_taken(open311, api_key):
    response = open311.post(request_form(api_key, description="井" * 4000))
    assert response.status_code == 201
    number = response.json()[0]["service_request_id"]
    assert len(Case.objects.get(number=number).description) == 4000


def test_missing_description(refused):
    assert refused(400, description=" \n ") == ["description: describe the matter."]


@pytest.mark.parametrize(
    ("lat", "long", "message"),
    [
        ("north", "118.7", "lat: give a number from -90 to 90 (WGS84 degrees)."),
        ("118.7", "32.1", "lat: give a number from -90 to 90 (WGS84 degrees)."),  # swapped
        ("32.1", "-181", "long: give a number from -180 to 180 (WGS84 degrees)."),
        ("nan", "118.7", "lat: give a number from -90 to 90 (WGS84 degrees)."),
        ("32.1", "inf", "long: give a number from -180 to 180 (WGS84 degrees)."),
        ("32.1", None, "lat, long: give both latitude and longitude, or neither."),
        (None, "118.7", "lat, long: give both latitude and longitude, or neither."),
    ],
)
def test_bad_lat_long(refused, lat, long, message):
    assert refused(400, lat=lat, long=long) == [message]


def test_no_location_at_all(refused):
    assert refused(400, lat=None, long=None, address_string=None) == [
        "Give the location: lat and long, or address_string."
    ]


def test_an_address_id_is_not_understood(refused):
    assert refused(400, address_id="545483") == [
        "address_id: addresses are not identified here; send lat and long or address_string."
    ]


def test_every_problem_is_reported_at_once(refused):
    found = refused(
        400,
        description="井" * 4001,
        lat="x",
        phone="call me",
        colour="red",
        **{"attribute[kind]": "rant", "attribute[size]": "big"},
    )
    assert found == [
        "colour: this field is not known.",
        "description: at most 4000 characters (this one has 4001).",
        "lat: give a number from -90 to 90 (WGS84 degrees).",
        "phone: this is not a phone number.",
        "attribute[kind]: choose one of consultation, help, complaint, report, suggestion.",
        "attribute[size]: this service has no such attribute.",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"address_string": "路" * 201}, "address_string: at most 200 characters."),
        (
            {"first_name": "名" * 30, "last_name": "姓" * 21},
            ("first_name, last_name: at most 50 characters together."),
        ),
        ({"phone": "1" * 21}, "phone: at most 20 characters."),
        ({"description": "井盖\x00破损"}, "description: control characters are not allowed."),
        ({"media_url": "javascript:alert(1)"}, "media_url: give an http or https address."),
        (
            {"attribute[confidential]": "maybe"},
            "attribute[confidential]: choose one of false, true.",
        ),
    ],
)
def test_fields_out_of_bounds(refused, overrides, message):
    assert message in refused(400, **overrides)


def test_a_field_given_twice(open311, api_key):
    form = request_form(api_key)
    form["description"] = ["一", "二"]
    before = Case.objects.count()
    response = open311.post(form)
    assert response.status_code == 400
    assert descriptions(response) == ["description: give it once."]
    assert Case.objects.count() == before


def test_another_jurisdiction_is_not_found(refused):
    assert refused(404, jurisdiction_id="sfgov.org") == ["jurisdiction_id sfgov.org was not found."]


def test_markup_is_stored_as_text(open311, api_key):
    text = "<script>alert(1)</script> 井盖破损"
    number = open311.post(request_form(api_key, description=text)).json()[0]["service_request_id"]
    assert Case.objects.get(number=number).description == text
    page = open311.get(f"requests/{number}", "xml")
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


def test_json_instead_of_a_form_is_refused(client, api_key):
    before = Case.objects.count()
    response = client.post(
        "/open311/v2/requests.json",
        data={"api_key": api_key, "service_code": "0604"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert descriptions(response) == [
        "Send the request form-encoded (application/x-www-form-urlencoded; charset=utf-8)."
    ]
    assert Case.objects.count() == before


# --- GET requests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start_date": "2026-13-01T00:00:00Z"},
            "start_date: give a date and time with its time zone, e.g. "
            "2026-01-31T00:00:00+08:00 or 2026-01-31T00:00:00Z.",
        ),
        (
            {"end_date": "2026-01-01T00:00:00"},  # no time zone
            "end_date: give a date and time with its time zone, e.g. "
            "2026-01-31T00:00:00+08:00 or 2026-01-31T00:00:00Z.",
        ),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:01Z"},
            "start_date and end_date may be at most 90 days apart.",
        ),
        (
            {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
            "end_date lies before start_date.",
        ),
        ({"status": "pending"}, "status: choose open, closed or both (open,closed)."),
        ({"service_code": "0699"}, "service_code 0699 is not a service."),
        ({"page": "0"}, "page: give a whole number from 1 to 100000."),
        ({"page_size": "1001"}, "page_size: give a whole number from 1 to 1000."),
        ({"page_size": "²"}, "page_size: give a whole number from 1 to 1000."),
        ({"sort": "newest"}, "sort: this parameter is not known."),
        ({"service_request_id": "SR1,<b>"}, "service_request_id: <b> is not a request id."),
        (
            {"service_request_id": ",".join(f"SR{n}" for n in range(101))},
            "service_request_id: at most 100 ids at once.",
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_queries(open311, fmt, params, message):
    response = open311.get("requests", fmt, params)
    assert response.status_code == 400
    assert descriptions(response) == [message]


def test_a_window_of_exactly_90_days_is_allowed(open311):
    params = {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"}
    assert open311.get("requests", params=params).status_code == 200


def test_files_are_not_taken(open311, api_key):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Case.objects.count()
    form = request_form(api_key)
    form["photo"] = SimpleUploadedFile("p.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    response = open311.post(form)
    assert response.status_code == 400
    assert descriptions(response) == ["Files are not taken here: give a media_url."]
    assert Case.objects.count() == before


def test_too_many_fields(open311, api_key):
    before = Case.objects.count()
    form = request_form(api_key, **{f"x{n}": "1" for n in range(1001)})
    response = open311.post(form, "xml")
    assert response.status_code == 400
    assert descriptions(response) == ["The request has too many fields."]
    assert Case.objects.count() == before


def test_a_fault_of_the_platform_is_an_error_list_too(open311, monkeypatch):
    from shanzhi.open311 import query

    def broken(_query):
        raise RuntimeError("database gone")

    monkeypatch.setattr(query, "cases", broken)
    response = open311.get("requests", "xml")
    assert response.status_code == 500
    assert descriptions(response) == ["Something went wrong on the server."]
