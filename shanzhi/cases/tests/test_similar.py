"""GET /cases/similar/: the possible-duplicates fragment of the staff intake page."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Region

pytestmark = pytest.mark.django_db

URL = "/cases/similar/"


@pytest.fixture(autouse=True)
def catalogue(db):
    load_catalogue()


def point_in(code: str) -> tuple[float, float]:
    p = geo.parse_polygon(Region.objects.get(code=code).geometry).representative_point()
    return p.x, p.y


def register(actor, title, description, code, at):
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title=title,
            description=description,
            category=MatterCategory.objects.get(code=code),
            lon=at[0],
            lat=at[1],
        ),
        actor=actor,
    )


def listed(response) -> list[str]:
    return re.findall(r'data-case="([^"]+)"', response.content.decode())


def query(code: str, at, **extra) -> dict:
    params = {
        "title": "小区南门路面塌陷",
        "description": "人行道路面塌陷",
        "category": MatterCategory.objects.get(code=code).pk,
        "lon": at[0],
        "lat": at[1],
    }
    params.update(extra)
    return params


def test_the_url_is_the_fragment():
    assert reverse("case_similar") == URL


def test_ranked_candidates_with_number_state_distance_score_and_link(client_as, persona):
    here = point_in("990101001001001")
    leader = persona("leader")
    best = register(leader, "小区南门路面塌陷", "南门人行道路面塌陷", "0604", here)
    weaker = register(leader, "路面坑洼", "3号楼前路面坑洼", "0604", here)
    response = client_as("dispatcher").get(URL, query("0604", here), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert listed(response) == [best.number, weaker.number]
    html = response.content.decode()
    assert reverse("case_detail", args=[best.number]) in html
    with translation.override("zh-hans"):  # the default language
        assert str(best.get_state_display()) in html
    assert re.search(r">\s*0 m<", html)  # the same point
    assert "小区南门路面塌陷" in html


def test_nothing_typed_yet_lists_nothing(client_as):
    response = client_as("dispatcher").get(URL)
    assert response.status_code == 200
    assert listed(response) == []


def test_residents_are_refused(client_as):
    response = client_as("resident").get(URL, {"title": "路面塌陷"})
    assert response.status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(URL, {"title": "路面塌陷"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_see_no_candidate_outside_their_area(client_as, persona):
    there = point_in("990101002001001")  # 松风社区, 西岭街道
    case = register(persona("leader"), "小区南门路面塌陷", "人行道路面塌陷", "0604", there)
    params = query("0604", there)
    assert listed(client_as("leader").get(URL, params)) == [case.number]
    for outsider in ("dispatcher", "community", "gridworker", "department"):
        response = client_as(outsider).get(URL, params)
        assert response.status_code == 200
        assert listed(response) == [], outsider


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"lon": "abc"}, "lon"),
        ({"lat": "north"}, "lat"),
        ({"lon": "200"}, "lon"),
        ({"category": "999999"}, "category"),
        ({"category": "x"}, "category"),
        ({"lat": ""}, "both"),
        ({"title": "长" * 121}, "title"),
    ],
)
def test_bad_input_is_refused_with_a_translated_message(client_as, bad, field):
    params = query("0604", point_in("990101001001001"), **bad)
    response = client_as("dispatcher").get(URL, params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    expected = {
        "lon": "经度",
        "lat": "纬度",
        "category": "类别",
        "both": "经度和纬度",
        "title": "标题",
    }[field]
    assert expected in html
    assert listed(response) == []


def test_bad_longitude_message_in_english(client_as):
    client = client_as("dispatcher")
    client.cookies["django_language"] = "en"
    params = query("0604", point_in("990101001001001"), lon="abc")
    response = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Longitude: Enter a number." in response.content.decode()


def test_the_staff_intake_page_asks_for_candidates_while_typing(client_as):
    html = client_as("dispatcher").get(reverse("case_new")).content.decode()
    assert f'hx-get="{URL}"' in html
    assert "keyup changed delay:500ms from:#id_title" in html
    assert "change from:#id_category" in html
    resident_page = client_as("resident").get(reverse("case_report")).content.decode()
    assert URL not in resident_page
