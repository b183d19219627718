import time

import pytest
from django.urls import reverse

from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.cases.models import Case, Channel
from shanzhi.console.queries import shift_figures
from shanzhi.core.models import AuditEvent
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import geo
from shanzhi.org.models import Region

pytestmark = pytest.mark.django_db
URL = "/console/"


GRID = "990101001001001"  # in the street of the demo dispatcher


def _category():
    return MatterCategory.objects.get(code="0604")


def _point():
    p = geo.parse_polygon(Region.objects.get(code=GRID).geometry).representative_point()
    return p.x, p.y


def _post(client, **overrides):
    lon, lat = _point()
    data = {
        "lon": lon,
        "lat": lat,
        "requester_phone": "13900001111",
        "category": _category().pk,
        "title": "Opening hours of the service centre",
        "description": "The caller asks when the community service centre opens.",
        "address": "",
        "answer": "",
        "opened_at": int(time.time() * 1000) - 90_000,
        "do": "answer",
    }
    data.update(overrides)
    return client.post(URL, data)


@pytest.mark.parametrize("username", ["resident", "department", "gridworker"])
def test_others_are_refused(client_as, username):
    client = client_as(username)
    assert client.get(URL).status_code == 403
    before = Case.objects.count()
    assert _post(client, answer="Nine to five.").status_code == 403
    assert client.get(reverse("console_caller"), {"requester_phone": "139"}).status_code == 403
    assert client.get(reverse("console_answers")).status_code == 403
    assert Case.objects.count() == before


@pytest.mark.parametrize("username", ["dispatcher", "centre"])
def test_dispatchers_see_the_console(client_as, username):
    response = client_as(username).get(URL)
    assert response.status_code == 200
    assert b'data-testid="console-form"' in response.content
    assert b"autofocus" in response.content


def test_dispatcher_home_links_the_console(client_as):
    response = client_as("dispatcher").get("/")
    assert b'data-testid="console-link"' in response.content


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": ""}, "title"),
        ({"description": ""}, "description"),
        ({"category": "999999"}, "category"),
        ({"lat": ""}, None),
        ({"answer": ""}, "answer"),
    ],
)
def test_bad_input_stores_nothing(client_as, overrides, field):
    client = client_as("dispatcher")
    cases, events = Case.objects.count(), AuditEvent.objects.count()
    data = {"answer": "Nine to five."}
    data.update(overrides)
    response = _post(client, **data)
    assert response.status_code == 400
    form = response.context["form"]
    if field:
        assert form.errors[field]
    else:
        assert "longitude and latitude" in " ".join(form.non_field_errors()).lower() or (
            "经度" in " ".join(form.non_field_errors())
        )
    assert Case.objects.count() == cases
    assert AuditEvent.objects.count() == events


def test_consultation_answered_on_the_spot_is_closed(client_as, persona):
    client = client_as("dispatcher")
    response = _post(client, answer="The centre opens from nine to five on working days.")
    assert response.status_code == 302
    case = Case.objects.order_by("-pk").first()
    assert case.state == "closed"
    assert case.kind == "consultation"
    assert case.channel == Channel.PHONE
    actions = set(AuditEvent.objects.for_object(case).values_list("action", flat=True))
    assert {"case.create", "case.answer", "console.call"} <= actions
    answer = AuditEvent.objects.for_object(case).get(action="case.answer")
    assert answer.note == "The centre opens from nine to five on working days."
    figures = shift_figures(persona("dispatcher"))
    assert figures["registered"] >= 1
    assert figures["average_seconds"] is not None and 80 <= figures["average_seconds"] <= 200
    # The answer now appears as a suggestion for the same category.
    page = client.get(reverse("console_answers"), {"category": case.category_id})
    assert b"from nine to five on working days" in page.content


def test_dispatch_now_sends_to_the_proposed_body(client_as):
    client = client_as("dispatcher")
    response = _post(
        client,
        do="dispatch",
        title="Street light out",
        description="The street light at the gate has been out for three nights.",
    )
    assert response.status_code == 302
    case = Case.objects.order_by("-pk").first()
    assert case.routed_body_id is not None
    assert case.state == "dispatched"
    assert case.responsible_body_id == case.routed_body_id


def test_dispatch_now_without_a_proposal_waits_in_the_queue(client_as):
    client = client_as("dispatcher")
    response = _post(
        client, do="dispatch", category="", title="Unclear matter", description="Not sure."
    )
    assert response.status_code == 302
    case = Case.objects.order_by("-pk").first()
    assert case.routed_body_id is None
    assert case.state == "received"
    messages = [str(m) for m in client.get(URL).context["messages"]]
    assert any(case.number in m for m in messages)


def test_caller_lookup_lists_only_visible_cases(client_as, persona):
    phone = "13912345678"
    dispatcher = persona("dispatcher")
    lon, lat = _point()

    def call(title, **place):
        intake = Intake(
            procedure="service_request",
            channel=Channel.PHONE,
            title=title,
            description="Loud music after midnight.",
            requester_phone=phone,
            **place,
        )
        return do_create_case(intake, actor=persona("centre"))

    visible = call("Noise in the street", lon=lon, lat=lat)
    hidden = call("Noise somewhere else")  # no place: the district centre's, not the street's
    seen = Case.objects.visible_to(dispatcher)
    assert seen.filter(pk=visible.pk).exists() and not seen.filter(pk=hidden.pk).exists()
    response = client_as("dispatcher").get(reverse("console_caller"), {"requester_phone": phone})
    assert visible.number.encode() in response.content
    assert hidden.number.encode() not in response.content


def test_handling_seconds_ignores_unknown_and_implausible_instants():
    from datetime import UTC, datetime

    from shanzhi.console.actions import handling_seconds

    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    opened = int(now.timestamp() * 1000) - 75_500
    assert handling_seconds(opened, now) == 75
    assert handling_seconds(None, now) is None
    assert handling_seconds(int(now.timestamp() * 1000) + 5_000, now) is None  # in the future
    assert handling_seconds(0, now) is None  # a stale or forged instant


def test_superuser_may_use_the_console(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root-console", password="x" * 12)
    client.force_login(admin, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.get(URL).status_code == 200
