"""The resident report form (/cases/report/) and its nearby-cases fragment
(/cases/nearby/)."""

import re

import pytest
from django.urls import reverse

from shanzhi.cases.duplicates import similar_cases
from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.cases.models import Case
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db

NEARBY = "/cases/nearby/"


@pytest.fixture(autouse=True)
def catalogue(db):
    load_catalogue()


def point(code="990101001001001"):
    p = geo.parse_polygon(Region.objects.get(code=code).geometry).representative_point()
    return p.x, p.y


def register(actor, title, at, *, phone="", **extra):
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title=title,
            description="南门人行道路面塌陷，电话13912345678",
            category=MatterCategory.objects.get(code="0604"),
            lon=at[0],
            lat=at[1],
            requester_name="王某",
            requester_phone=phone,
            **extra,
        ),
        actor=actor,
    )


def report(client, **fields):
    lon, lat = point()
    data = {
        "category": MatterCategory.objects.get(code="0602").pk,
        "title": "垃圾没清",
        "description": "楼下垃圾三天没清",
        "address": "",
        "lon": lon,
        "lat": lat,
    }
    data.update(fields)
    return client.post(reverse("case_report"), data)


def test_gcj02_coordinates_are_converted_before_storing(client_as):
    wgs = point()
    gcj = geo.wgs84_to_gcj02(*wgs)
    assert abs(gcj[0] - wgs[0]) > 1e-4  # the two systems differ by hundreds of metres here
    response = report(client_as("resident"), lon=gcj[0], lat=gcj[1], gcj02="on")
    assert response.status_code == 302
    case = Case.objects.get(title="垃圾没清")
    assert case.lon == pytest.approx(wgs[0], abs=1e-5)
    assert case.lat == pytest.approx(wgs[1], abs=1e-5)


def test_browser_coordinates_are_stored_as_given(client_as):
    lon, lat = point()
    assert report(client_as("resident"), lon=lon, lat=lat).status_code == 302
    case = Case.objects.get(title="垃圾没清")
    assert (case.lon, case.lat) == pytest.approx((lon, lat))


def test_non_numeric_longitude_is_refused_and_nothing_stored(client_as):
    response = report(client_as("resident"), lon="east")
    assert response.status_code == 200
    assert response.context["form"].errors["lon"]
    assert not Case.objects.filter(title="垃圾没清").exists()


def test_form_carries_hints_and_emergency_numbers(client_as):
    html = client_as("resident").get(reverse("case_report")).content.decode()
    fire = MatterCategory.objects.get(code="9001")
    option = re.search(rf'<option value="{fire.pk}"[^>]*>', html).group(0)
    assert 'data-emergency-number="119"' in option
    assert f'data-hint="{fire.hint}"' in option
    assert 'id="category-search"' in html and "data-report-map" in html
    assert 'name="gcj02"' in html
    assert reverse("case_nearby") in html


def test_staff_form_keeps_its_fields(client_as):
    html = client_as("dispatcher").get(reverse("case_new")).content.decode()
    assert 'name="requester_phone"' in html and 'name="procedure"' in html
    assert "data-report-map" not in html and 'name="gcj02"' not in html


def test_the_url_is_the_fragment():
    assert reverse("case_nearby") == NEARBY


def test_nearby_shows_public_fields_only(client_as, persona):
    here = point()
    case = register(persona("leader"), "小区南门路面塌陷 13912345678", here, phone="13912345678")
    response = client_as("resident").get(
        NEARBY,
        {
            "title": "小区南门路面塌陷",
            "description": "人行道路面塌陷",
            "category": MatterCategory.objects.get(code="0604").pk,
            "lon": here[0],
            "lat": here[1],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall("data-nearby-case", html)) == 1
    assert "小区南门路面塌陷 139********" in html  # the title, masked
    assert str(case.get_state_display()) in html
    assert re.search(r"· 0 m", html)
    for private in (case.number, "13912345678", "5678", "王某", "电话", case.description):
        assert private not in html
    # "Me too": the suggestion submits its token with the page's follow form.
    assert 'form="follow-form" name="token"' in html


def test_nearby_leaves_out_confidential_cases_and_reports(client_as, persona):
    here = point()
    leader = persona("leader")
    register(leader, "小区南门路面塌陷保密", here, confidential=True)
    register(leader, "小区南门路面塌陷举报", here, accused_body=Body.objects.active().first())
    response = client_as("resident").get(
        NEARBY,
        {"title": "小区南门路面塌陷", "description": "路面塌陷", "lon": here[0], "lat": here[1]},
    )
    assert response.status_code == 200
    found = similar_cases(
        title="小区南门路面塌陷", description="路面塌陷", lon=here[0], lat=here[1], user=None
    )
    assert len(found) == 2  # the search finds them; the fragment leaves them out
    assert "data-nearby-case" not in response.content.decode()


def test_nearby_bad_input_is_400_with_a_message(client_as):
    client = client_as("resident")
    response = client.get(NEARBY, {"title": "路灯", "lon": "east", "lat": "32"})
    assert response.status_code == 400
    assert "Longitude" in response.content.decode() or "经度" in response.content.decode()
    response = client.get(NEARBY, {"title": "路灯", "category": "not-an-id"})
    assert response.status_code == 400


def test_nearby_ignores_half_a_point_being_typed(client_as, persona):
    here = point()
    register(persona("leader"), "小区南门路面塌陷", here)
    response = client_as("resident").get(
        NEARBY,
        {
            "title": "小区南门路面塌陷",
            "category": MatterCategory.objects.get(code="0604").pk,
            "lon": here[0],
        },
    )
    assert response.status_code == 200
    assert "data-nearby-case" in response.content.decode()


def test_nearby_needs_sign_in(client):
    response = client.get(NEARBY, {"title": "路灯"})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_nearby_changes_nothing(client_as):
    response = client_as("resident").post(NEARBY, {"title": "路灯"})
    assert response.status_code == 405
