"""A requester's full phone number is shown only to an officer whose duty on the case
needs it, for a stated purpose, and every reveal is an audit event."""

import pytest
from django.urls import reverse

from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.core.models import AuditEvent
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Region

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture
def case(persona):
    load_catalogue()
    grid = Region.objects.get(code="990101001001001")
    point = geo.parse_polygon(grid.geometry).representative_point()

    def make(**extra):
        fields = dict(
            procedure="service_request",
            channel="phone",
            title="噪声扰民",
            description="夜间施工噪声（测试）",
            lon=point.x,
            lat=point.y,
            category=MatterCategory.objects.get(code="0604"),
            requester_name="来电人",
            requester_phone=PHONE,
        )
        fields.update(extra)
        return do_create_case(Intake(**fields), actor=persona("dispatcher"))

    return make


def reveals(case):
    return AuditEvent.objects.for_object(case).filter(action="case.reveal_requester")


def test_the_page_shows_the_number_masked_and_the_dispatcher_may_reveal_it(client_as, case):
    c = case()
    client = client_as("dispatcher")
    page = client.get(reverse("case_detail", args=[c.number])).content.decode()
    assert PHONE not in page and "139****5678" in page
    url = reverse("case_reveal_requester", args=[c.number])
    response = client.post(url, {"purpose": "return_visit"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and PHONE in response.content.decode()
    event = reveals(c).get()
    assert event.after == {"purpose": "return_visit"} and event.actor.username == "dispatcher"
    # Without htmx: a small page with the number.
    response = client.post(url, {"purpose": "clarify"})
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert reveals(c).count() == 2


@pytest.mark.parametrize("purpose", ["", "curiosity"])
def test_a_reveal_needs_a_known_purpose(client_as, case, purpose):
    c = case()
    response = client_as("dispatcher").post(
        reverse("case_reveal_requester", args=[c.number]), {"purpose": purpose}
    )
    assert response.status_code == 400
    assert PHONE not in response.content.decode()
    assert not reveals(c).exists()


@pytest.mark.parametrize("username", ["auditor", "gridworker", "leader"])
def test_those_whose_duty_does_not_include_calling_are_refused(client_as, case, username):
    c = case()
    response = client_as(username).post(
        reverse("case_reveal_requester", args=[c.number]), {"purpose": "verify"}
    )
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert not reveals(c).exists()


def test_outside_the_area_the_case_does_not_exist(client_as, case):
    c = case()  # not dispatched: the department does not see it
    response = client_as("department").post(
        reverse("case_reveal_requester", args=[c.number]), {"purpose": "verify"}
    )
    assert response.status_code == 404 and not reveals(c).exists()


def test_anonymous_requests_have_nothing_to_reveal(client_as, case):
    c = case(anonymous=True)
    response = client_as("dispatcher").post(
        reverse("case_reveal_requester", args=[c.number]), {"purpose": "verify"}
    )
    assert response.status_code == 403 and not reveals(c).exists()


def test_only_post_reveals(client_as, case):
    c = case()
    response = client_as("dispatcher").get(reverse("case_reveal_requester", args=[c.number]))
    assert response.status_code == 405 and not reveals(c).exists()
