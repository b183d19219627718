"""Reading cases: the same visibility as the pages, filters, cursor pages, privacy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shanzhi.api.tests.conftest import OTHER_STREET_GRID, case_payload
from shanzhi.cases.models import Case
from shanzhi.lib import cursors

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(api_for):
    """An integration without a role (it sees only what it registered), which registers
    cases in two streets."""
    return api_for("市级12345平台", role="", unit="990101")


def register(api, n=1, **overrides):
    return [api.post("/cases", case_payload(**overrides)).json()["number"] for _ in range(n)]


def test_a_street_integration_sees_its_street_only(api_for, hotline):
    mine = register(hotline, 2)
    elsewhere = register(hotline, 1, **_located(OTHER_STREET_GRID))
    street = api_for("东湖街道分中心", role="street_dispatcher", unit="990101001")
    listed = [c["number"] for c in street.get("/cases", {"limit": 100}).json()["items"]]
    assert set(mine) <= set(listed) and not set(elsewhere) & set(listed)
    assert street.get(f"/cases/{mine[0]}").status_code == 200
    refused = street.get(f"/cases/{elsewhere[0]}")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert refused.json()["message"] == "No such case in your area."


def _located(code):
    from shanzhi.api.tests.conftest import point_in

    lon, lat = point_in(code)
    return {"lon": lon, "lat": lat}


def test_a_department_sees_the_cases_its_body_leads(api_for, hotline, persona):
    from shanzhi.cases.engine import do_transition
    from shanzhi.org.models import Body

    numbers = register(hotline, 2)
    bureau = Body.objects.get(name="区城市管理局")
    do_transition(
        Case.objects.get(number=numbers[0]), "dispatch", actor=persona("dispatcher"), body=bureau
    )
    department = api_for("城管业务系统", role="department_handler", unit=None, body="区城市管理局")
    listed = [c["number"] for c in department.get("/cases", {"limit": 100}).json()["items"]]
    assert numbers[0] in listed and numbers[1] not in listed


def test_without_the_read_scope_nothing_is_read(api_for, hotline):
    (number,) = register(hotline)
    api = api_for("只写系统", unit="990101", scopes=["cases:write"])
    for path in ("/cases", f"/cases/{number}", f"/cases/{number}/transitions"):
        response = api.get(path)
        assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"


def test_pages_follow_the_cursor_without_gaps_or_repeats(hotline):
    numbers = register(hotline, 5)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = hotline.get("/cases", params).json()
        seen += [c["number"] for c in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(numbers)) and pages == 3


def test_by_last_change_a_copy_can_be_kept_in_step(hotline, persona):
    from shanzhi.cases.engine import do_transition

    first, second, third = register(hotline, 3)
    since = timezone.now() - timedelta(minutes=1)
    do_transition(
        Case.objects.get(number=first),
        "answer",
        actor=persona("dispatcher"),
        note="已答复",
        now=timezone.now() + timedelta(seconds=5),
    )
    params = {"order": "updated", "updated_since": since.isoformat(), "limit": 2}
    page = hotline.get("/cases", params).json()
    assert [c["number"] for c in page["items"]] == [second, third]
    rest = hotline.get("/cases", {**params, "cursor": page["next_cursor"]}).json()
    assert [c["number"] for c in rest["items"]] == [first] and rest["next_cursor"] is None
    assert rest["items"][0]["state"] == "closed"


def test_filters(hotline):
    (road,) = register(hotline)
    (urgent,) = register(hotline, urgency="urgent", category=None)
    get = lambda **p: [c["number"] for c in hotline.get("/cases", p).json()["items"]]  # noqa: E731
    assert get(category="0604") == [road]
    assert get(category="06") == [road]  # a major class takes its minor classes
    assert get(urgency="urgent") == [urgent]
    assert get(grid="990101001001001") == [urgent, road]
    assert get(street="990101002") == []
    assert get(grid="000000000000000") == []
    assert get(state="received", procedure="service_request") == [urgent, road]
    assert get(created_since=(timezone.now() + timedelta(hours=1)).isoformat()) == []


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": cursors.encode(["u", "2026-01-01T00:00:00+08:00", 1])},  # another order's
        {"cursor": cursors.encode(["n", "1"])},
        {"limit": 0},
        {"limit": 101},
        {"state": "nonsense"},
        {"updated_since": "yesterday"},
        {"updated_since": "0001-01-01T00:00:00+14:00"},
        {"order": "random"},
    ],
)
def test_bad_list_parameters_are_refused_clearly(hotline, params):
    response = hotline.get("/cases", params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error" and body["details"][0]["message"]


def test_the_detail_shows_clocks_history_and_masks_the_requester(hotline):
    (number,) = register(hotline)
    data = hotline.get(f"/cases/{number}").json()
    assert data["requester"]["phone"] == "199****1234"
    assert data["clocks"][0]["name"] == "dispatch" and data["clocks"][0]["overdue"] is False
    assert data["history"][0]["action"] == "case.create"
    # A requester's view: no internal routing note, no officials' names.
    assert data["history"][0]["note"] == "" and data["history"][0]["actor"] is None


def test_staff_see_the_routing_note_and_who_acted(api_for, hotline):
    (number,) = register(hotline)
    street = api_for("东湖街道分中心")
    event = street.get(f"/cases/{number}").json()["history"][0]
    assert event["actor"] == "市级12345平台" and event["note"]


def test_an_anonymous_requester_is_not_shown(hotline):
    (number,) = register(hotline, anonymous=True)
    assert hotline.get(f"/cases/{number}").json()["requester"] is None


def test_a_reported_body_never_learns_who_reported_it(api_for, hotline):
    from shanzhi.cases.engine import do_transition
    from shanzhi.org.models import Body

    bureau = Body.objects.get(name="区城市管理局")
    (number,) = register(hotline, reported_body=bureau.pk)
    case = Case.objects.get(number=number)
    assert case.confidential
    other = Body.objects.get(name="区市场监督管理局")
    from shanzhi.core.models import User

    do_transition(case, "dispatch", actor=User.objects.get(username="dispatcher"), body=other)
    department = api_for("城管业务系统", role="department_handler", unit=None, body="区城市管理局")
    assert department.get(f"/cases/{number}").status_code == 404


def test_messages_follow_the_requested_language(hotline):
    from django.utils import translation

    hotline.language = "zh-hans"
    response = hotline.get("/cases/SR2000010100000000")
    with translation.override("zh-hans"):
        expected = translation.gettext("No such case in your area.")
    assert expected != "No such case in your area."
    assert response.json()["message"] == expected


@pytest.mark.parametrize("number", ["%00", "a" * 30, "SR%20x"])
def test_odd_case_numbers_are_simply_not_found(hotline, number):
    response = hotline.get(f"/cases/{number}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
