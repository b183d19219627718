"""The public list and map of cases: only what the public may see, without personal data."""

import re

import pytest
from django.urls import reverse

from shanzhi.cases.engine import do_transition
from shanzhi.cases.models import RequestKind
from shanzhi.demo.cases import SYNTHETIC
from shanzhi.duties.models import MatterCategory
from shanzhi.org.models import Body
from shanzhi.portal.public import CELL_DEGREES, PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def listed(client, query="") -> list[str]:
    response = client.get(reverse("public_cases") + query)
    assert response.status_code == 200
    page = response.content.decode()
    return re.findall(
        r'<li class="list-group-item" data-public-case>\s*.*?<span class="fw-bold">'
        r"(.*?)</span>",
        page,
        re.S,
    )


def test_shows_an_ordinary_case_with_its_place_and_state(client, make_case):
    make_case(title="南门路面塌陷")
    [title] = listed(client)
    assert title == "南门路面塌陷"
    page = client.get(reverse("public_cases")).content.decode()
    assert "东湖街道" in page or "柳岸社区" in page
    assert 'data-state="received"' in page


def test_hides_confidential_cases_reports_and_consultations(client, make_case):
    make_case(title="公开的诉求")
    make_case(title="保密的诉求", confidential=True)
    make_case(title="举报某部门", accused_body=Body.objects.get(name="区城市管理局"))
    make_case(title="举报邻居违建", kind=RequestKind.REPORT)
    make_case(title="咨询补贴政策", kind=RequestKind.CONSULTATION)
    assert listed(client) == ["公开的诉求"]


def test_hides_matters_of_other_channels_and_merged_or_redirected_cases(client, make_case, persona):
    elsewhere = MatterCategory.objects.exclude(redirect="").exclude(redirect="emergency").first()
    make_case(title="信访类事项", category=elsewhere.code)
    target = make_case(title="保留的诉求")
    duplicate = make_case(title="重复的诉求")
    do_transition(duplicate, "merge", actor=persona("dispatcher"), target=target, note="同一事项")
    redirected = make_case(title="转出的诉求")
    do_transition(redirected, "redirect", actor=persona("dispatcher"), note="请向法院起诉")
    assert listed(client) == ["保留的诉求"]


def test_personal_data_in_a_title_is_masked_and_no_requester_is_shown(client, make_case):
    case = make_case(title="请回电13812345678，身份证320102199003071234")
    [title] = listed(client)
    assert title == "请回电138********，身份证320***************"
    page = client.get(reverse("public_cases")).content.decode()
    for secret in ("13812345678", "5678", case.requester_name, case.requester_phone):
        assert secret not in page
    assert case.number not in page and case.description not in page


def test_filters_by_street_category_and_state(client, make_case, persona):
    make_case(title="柳岸的路面")  # street 990101001, category 0604
    make_case(title="另一街道的路面", grid="990101002001001")
    lamp = MatterCategory.objects.filter(parent__isnull=False, redirect="").exclude(code="0604")
    make_case(title="其他类别", category=lamp.first().code)
    dispatched = make_case(title="已派遣的")
    do_transition(
        dispatched,
        "dispatch",
        actor=persona("dispatcher"),
        body=Body.objects.get(name="区城市管理局"),
    )
    assert set(listed(client, "?street=990101002")) == {"另一街道的路面"}
    assert "其他类别" not in listed(client, "?category=0604")
    assert set(listed(client, "?category=06")) >= {"柳岸的路面", "另一街道的路面"}
    assert listed(client, "?state=dispatched") == ["已派遣的"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?street=990101999", "There is no street"),
        ("?category=nope", "There is no category"),
        ("?state=merged", "There is no state"),
        ("?state=%3Cscript%3E", "There is no state"),
    ],
)
def test_unknown_filters_get_a_clear_message(client, make_case, query, message):
    make_case()
    response = client.get(reverse("public_cases") + query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "<script>" not in page
    assert "data-public-case" not in page
    assert client.get(reverse("public_cases_map") + query).status_code == 400


def test_pages_of_recent_cases(client, make_case):
    for n in range(PAGE_SIZE + 3):
        make_case(title=f"诉求{n:02d}")
    first = listed(client)
    assert len(first) == PAGE_SIZE and first[0] == f"诉求{PAGE_SIZE + 2:02d}"  # newest first
    page = client.get(reverse("public_cases")).content.decode()
    assert "page=2" in page
    assert len(listed(client, "?page=2")) == 3
    assert listed(client, "?page=abc") == first


def test_the_map_counts_cases_per_cell_never_at_their_point(client, make_case):
    cases = [make_case(title=f"诉求{n}") for n in range(3)]
    make_case(title="保密", confidential=True)
    data = client.get(reverse("public_cases_map")).json()
    assert sum(f["properties"]["count"] for f in data["features"]) == 3 == data["cases"]
    exact = {(c.lon, c.lat) for c in cases}
    for feature in data["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) not in exact
        # The centre of a cell: an odd number of half cells from the origin.
        assert round(lon / (CELL_DEGREES / 2)) % 2 == 1 and round(lat / (CELL_DEGREES / 2)) % 2 == 1


def test_synthetic_demo_cases_are_labelled(client, make_case):
    make_case(title="示例诉求（示例）", description="示例描述" + SYNTHETIC)
    make_case(title="真实诉求")
    page = client.get(reverse("public_cases")).content.decode()
    assert page.count('data-testid="synthetic"') == 1


@pytest.mark.parametrize("name", ["public_cases", "public_cases_map"])
def test_the_public_list_and_map_are_read_only(client, name):
    assert client.post(reverse(name), {"state": "closed"}).status_code == 405
    assert client.put(reverse(name)).status_code == 405


def test_linked_from_the_landing_page_and_the_residents_home(client, client_as):
    assert reverse("public_cases") in client.get("/").content.decode()
    assert reverse("public_cases") in client_as("resident").get("/").content.decode()
