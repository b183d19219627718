"""The summary pages: who may open which area (404 outside it), which care-tag kinds
each role sees counted, the day and the permanent link, bad input, and the page's
scripts (data in a JSON block, no inline script)."""

import json
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from shanzhi.registry.actions import DeregistrationReason, do_deregister_person
from shanzhi.registry.tests.conftest import (
    COMMUNITY_A,
    COMMUNITY_B,
    GRID_A,
    GRID_A2,
    OTHER_STREET,
    PAST,
)
from shanzhi.registry.tests.summary_world import build_world

pytestmark = pytest.mark.django_db
STREET = "990101001"
DISTRICT = "990101"


@pytest.fixture
def world(register, persona, grid):
    return build_world(register, persona, grid)


def url(code: str) -> str:
    return reverse("registry:summary_area", args=[code])


def shown_in(page: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}">([^<]*)<', page)
    return match.group(1).strip() if match else ""


def charts(page: str) -> dict:
    block = re.search(r'<script id="summary-charts" type="application/json">(.*?)</script>', page)
    return json.loads(block.group(1))


@pytest.mark.parametrize(
    ("username", "allowed", "refused"),
    [
        ("community", [COMMUNITY_A, GRID_A, GRID_A2], [COMMUNITY_B, STREET, DISTRICT]),
        ("gridworker", [GRID_A], [GRID_A2, COMMUNITY_A, COMMUNITY_B]),
        ("gridleader", [GRID_A, GRID_A2], [COMMUNITY_A]),
        ("streetstaff", [STREET, COMMUNITY_A, COMMUNITY_B], [DISTRICT, OTHER_STREET]),
        ("leader", [DISTRICT, OTHER_STREET, GRID_A], []),
        ("auditor", [DISTRICT, COMMUNITY_B], []),
        ("resident", [], [GRID_A, COMMUNITY_A]),
        ("dispatcher", [], [STREET, COMMUNITY_A]),
    ],
)
def test_who_opens_which_area(world, client_of, persona, username, allowed, refused):
    client = client_of(persona(username))
    for code in allowed:
        assert client.get(url(code)).status_code == 200, (username, code)
    for code in refused:
        assert client.get(url(code)).status_code == 404, (username, code)


def test_community_b_cannot_see_community_a(world, client_of, staff_b):
    client = client_of(staff_b)
    assert client.get(url(COMMUNITY_A)).status_code == 404
    assert client.get(url(GRID_A)).status_code == 404
    page = client.get(url(COMMUNITY_B)).content.decode()
    assert shown_in(page, "count-people") == "1"  # only f
    index = client.get(reverse("registry:summary_index")).content.decode()
    assert COMMUNITY_B in index and COMMUNITY_A not in index


def test_the_index_lists_the_viewers_areas(world, client_of, persona, client):
    page = client_of(persona("community")).get(reverse("registry:summary_index"))
    assert page.status_code == 200
    assert url(COMMUNITY_A) in page.content.decode() and url(GRID_A2) in page.content.decode()
    assert client_of(persona("resident")).get(reverse("registry:summary_index")).status_code == 403
    client.logout()
    assert client.get(url(COMMUNITY_A)).status_code == 302  # to the sign-in page


def test_the_page_shows_the_figures_with_tables(world, client_of, persona):
    page = client_of(persona("community")).get(url(COMMUNITY_A)).content.decode()
    assert shown_in(page, "count-people") == "5"
    assert shown_in(page, "count-households") == "2"
    assert shown_in(page, "count-floating") == "1"
    assert "66.7 %" in page  # 人户一致: 2 of 3 registered residents
    for table in ("pyramid", "registration", "housing", "care-tags", "organisations", "parts"):
        assert f'data-testid="table-{table}"' in page, table
    data = charts(page)
    men, women = data["pyramid"]["series"]
    assert sum(men["data"]) == 2 and sum(women["data"]) == 3
    assert data["parts"]["categories"][:2] == ["柳岸社区第1网格", "柳岸社区第2网格"]
    registered, floating, foreign = data["parts"]["series"]
    assert (registered["data"][0], floating["data"][0], foreign["data"][1]) == (2, 1, 1)


@pytest.mark.parametrize(
    ("username", "code", "shown", "hidden"),
    [
        ("community", COMMUNITY_A, ["Low income", "Disabled", "Elderly, living alone"], []),
        ("gridworker", GRID_A, ["Disabled", "Elderly, living alone"], ["Low income"]),
        ("leader", COMMUNITY_A, ["Elderly, living alone"], ["Low income", "Disabled"]),
        ("auditor", COMMUNITY_A, [], ["Low income", "Disabled", "Elderly, living alone"]),
    ],
)
def test_care_tag_kinds_follow_the_duty_table(
    world, client_of, persona, username, code, shown, hidden
):
    page = client_of(persona(username)).get(url(code)).content.decode()
    labels = " ".join(charts(page).get("care_tags", {}).get("categories", []))
    for label in shown:
        assert label in page and label in labels, (username, label)
    for label in hidden:
        assert label not in page and label not in labels, (username, label)
    assert ('data-testid="care-tags-hidden"' in page) is (not shown)


def test_a_past_day_and_its_permanent_link(world, client_of, persona):
    client = client_of(persona("community"))
    day = (PAST + timedelta(days=10)).isoformat()
    first = client.get(url(COMMUNITY_A), {"on": day}).content.decode()
    assert shown_in(first, "count-people") == "5" and day in shown_in(first, "as-of-note")
    permalink = unquote(re.search(r'href="(\?on=[^"]+)" data-testid="permalink"', first).group(1))
    permalink = permalink.replace("&amp;", "&")
    do_deregister_person(
        world.people["d"],
        actor=persona("community"),
        reason=DeregistrationReason.DECEASED,
        effective=PAST + timedelta(days=5),
    )
    later = client.get(url(COMMUNITY_A), {"on": day}).content.decode()
    assert shown_in(later, "count-people") == "4"
    query = dict(part.split("=", 1) for part in permalink[1:].split("&"))
    again = client.get(url(COMMUNITY_A), query).content.decode()
    assert shown_in(again, "count-people") == "5"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"on": "2999-01-01"}, "The date lies in the future."),
        ({"on": "not a day"}, "Enter a valid date."),
        ({"known": "2999-01-01T00:00:00"}, "The time lies in the future."),
        ({"known": "yesterday"}, "Enter a valid date/time."),
    ],
)
def test_bad_input_is_a_clear_message(world, client_of, persona, query, message):
    response = client_of(persona("community")).get(url(COMMUNITY_A), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'data-testid="count-people"' not in response.content.decode()


def test_unknown_or_micro_level_areas_do_not_exist(world, client_of, persona):
    client = client_of(persona("community"))
    assert client.get(url("990101001001999")).status_code == 404
    assert client.get(url(GRID_A + "001")).status_code == 404  # a micro-grid


def test_scripts_are_files_and_the_data_a_json_block(world, client_of, persona):
    page = client_of(persona("community")).get(url(COMMUNITY_A)).content.decode()
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "vendor/echarts/echarts.min.js" in page and "registry/summary.js" in page
    assert "style=" not in page
    assert timezone.localdate().isoformat() in shown_in(page, "as-of-note")
