"""Steps on a case through the API: the steps the integration may take, taking one with
its input, conflicts, access by area and scope, bad input, and the requester's
evaluation."""

import pytest

from shanzhi.api.tests.conftest import OTHER_STREET_GRID, case_payload, point_in
from shanzhi.cases.engine import do_transition
from shanzhi.cases.models import Case
from shanzhi.core.models import AuditEvent, User
from shanzhi.org.models import Body

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(api_for):
    return api_for("市级12345平台", role="", unit="990101")


@pytest.fixture
def street(api_for):
    return api_for("东湖街道分中心", role="street_dispatcher", unit="990101001")


@pytest.fixture
def number(hotline):
    return hotline.post("/cases", case_payload()).json()["number"]


def bureau():
    return Body.objects.get(name="区城市管理局")


def test_the_dispatcher_integration_is_offered_the_dispatch_steps(street, number):
    steps = {s["action"]: s for s in street.get(f"/cases/{number}/transitions").json()}
    assert {"dispatch", "answer", "redirect", "merge"} <= set(steps)
    assert (
        steps["dispatch"]["needs"] == ["body"] and steps["dispatch"]["target_state"] == "dispatched"
    )
    assert steps["answer"]["note_required"] is True


def test_the_requester_integration_is_offered_nothing_while_the_case_waits(hotline, number):
    assert hotline.get(f"/cases/{number}/transitions").json() == []


def test_dispatching_through_the_api(street, number):
    response = street.post(f"/cases/{number}/transitions/dispatch", {"body": bureau().pk})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == "dispatched" and data["responsible_body"]["id"] == bureau().pk
    case = Case.objects.get(number=number)
    assert case.state == "dispatched" and case.version == 2
    event = AuditEvent.objects.for_object(case).last()
    assert event.action == "case.dispatch" and event.actor == street.integration.user


def test_a_stale_version_is_a_conflict_and_changes_nothing(street, number):
    response = street.post(
        f"/cases/{number}/transitions/dispatch", {"body": bureau().pk, "expected_version": 7}
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert Case.objects.get(number=number).state == "received"


def test_a_step_someone_else_took_first_is_refused(street, number):
    do_transition(
        Case.objects.get(number=number),
        "dispatch",
        actor=User.objects.get(username="dispatcher"),
        body=bureau(),
    )
    response = street.post(f"/cases/{number}/transitions/answer", {"note": "已答复"})
    assert response.status_code == 422
    assert "not possible while the case is" in response.json()["details"][0]["message"]


def test_another_streets_integration_cannot_see_or_act(api_for, hotline):
    lon, lat = point_in(OTHER_STREET_GRID)
    number = hotline.post("/cases", case_payload(lon=lon, lat=lat)).json()["number"]
    east = api_for("东湖街道分中心")
    response = east.post(f"/cases/{number}/transitions/dispatch", {"body": bureau().pk})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert east.get(f"/cases/{number}/transitions").status_code == 404
    assert Case.objects.get(number=number).state == "received"


def test_an_integration_whose_role_may_not_take_the_step_is_refused(api_for, number):
    community = api_for("柳岸社区系统", role="community_staff", unit="990101001001")
    response = community.post(f"/cases/{number}/transitions/dispatch", {"body": bureau().pk})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert response.json()["message"] == "You may not take this action on this case."
    assert Case.objects.get(number=number).state == "received"


def test_without_the_write_scope_no_step_is_taken(api_for, number):
    reader = api_for("只读看板", scopes=["cases:read"])
    response = reader.post(f"/cases/{number}/transitions/dispatch", {"body": bureau().pk})
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    assert Case.objects.get(number=number).state == "received"


@pytest.mark.parametrize(
    ("action", "payload", "field"),
    [
        ("dispatch", {}, "body"),
        ("dispatch", {"body": 10**9}, "body"),
        ("dispatch", {"body": "东湖"}, "body"),
        ("answer", {}, "note"),
        ("answer", {"note": "x" * 4001}, "note"),
        ("dispatch", {"body": 1, "satisfaction": 9}, "satisfaction"),
        ("merge", {"note": "重复", "target": "SR0000"}, "target"),
        ("fly", {}, None),
        ("dispatch", {"bodyy": 1}, "bodyy"),
    ],
)
def test_bad_step_input_is_refused_and_nothing_changes(street, number, action, payload, field):
    events = AuditEvent.objects.count()
    response = street.post(f"/cases/{number}/transitions/{action}", payload)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in [d["field"] for d in body["details"]] and all(
        d["message"] for d in body["details"]
    )
    assert Case.objects.get(number=number).state == "received"
    assert AuditEvent.objects.count() == events


def test_malformed_json_on_a_step_is_refused(street, number):
    response = street.post(f"/cases/{number}/transitions/dispatch", raw="{body: 1}")
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"
    assert Case.objects.get(number=number).state == "received"


# --- The requester's evaluation ---------------------------------------------------------


def replied(number):
    case = Case.objects.get(number=number)
    dispatcher, handler = (
        User.objects.get(username="dispatcher"),
        User.objects.get(username="department"),
    )
    do_transition(case, "dispatch", actor=dispatcher, body=bureau())
    do_transition(case, "accept", actor=handler)
    do_transition(case, "reply", actor=handler, note="已修复塌陷路面")
    return case


def test_the_requester_integration_rates_the_handling(hotline, number):
    replied(number)
    response = hotline.post(f"/cases/{number}/evaluation", {"satisfaction": 4, "note": "满意"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "evaluated" and response.json()["satisfaction"] == 4
    case = Case.objects.get(number=number)
    assert case.satisfaction == 4
    assert AuditEvent.objects.for_object(case).last().action == "case.evaluate"


def test_only_the_requester_rates(street, number):
    replied(number)
    response = street.post(f"/cases/{number}/evaluation", {"satisfaction": 5})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert Case.objects.get(number=number).satisfaction is None


def test_a_rating_before_the_reply_is_refused(hotline, number):
    response = hotline.post(f"/cases/{number}/evaluation", {"satisfaction": 5})
    assert response.status_code == 422
    assert Case.objects.get(number=number).state == "received"


def test_another_integrations_case_cannot_be_rated(api_for, number):
    replied(number)
    other = api_for("另一个小程序", role="", unit="990101")
    response = other.post(f"/cases/{number}/evaluation", {"satisfaction": 1})
    assert response.status_code == 404
    assert Case.objects.get(number=number).satisfaction is None


def test_without_the_write_scope_no_rating(api_for, hotline, number):
    replied(number)
    from shanzhi.api.actions import do_update_integration

    hotline.integration.scopes = ["cases:read"]
    do_update_integration(hotline.integration, actor=None, note="只读")
    response = hotline.post(f"/cases/{number}/evaluation", {"satisfaction": 5})
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    assert Case.objects.get(number=number).satisfaction is None


@pytest.mark.parametrize(
    "payload", [{}, {"satisfaction": 0}, {"satisfaction": 6}, {"satisfaction": "好"}]
)
def test_a_bad_rating_is_refused(hotline, number, payload):
    replied(number)
    response = hotline.post(f"/cases/{number}/evaluation", payload)
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "satisfaction"
    assert Case.objects.get(number=number).state == "replied"


def test_grid_events_have_no_requester_rating(hotline):
    number = hotline.post("/cases", case_payload(procedure="grid_event")).json()["number"]
    response = hotline.post(f"/cases/{number}/evaluation", {"satisfaction": 5})
    assert response.status_code == 422
    assert response.json()["details"][0]["message"] == (
        "The requester does not rate cases of this kind."
    )
