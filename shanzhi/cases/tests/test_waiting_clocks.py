"""Every waiting step has a clock: a grid event's registration (立案) and dispatch (派遣),
and the dispatch centre's review of an objection to a dispatch."""

import pytest
from django.utils import translation

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    load_catalogue()
    with translation.override("en"):
        yield


def new_case(persona, procedure, code):
    p = geo.parse_polygon(
        Region.objects.get(code="990101001001001").geometry
    ).representative_point()
    return do_create_case(
        Intake(
            procedure=procedure,
            channel="patrol" if procedure == "grid_event" else "phone",
            title="测试",
            description="测试",
            lon=p.x,
            lat=p.y,
            category=MatterCategory.objects.get(code=code),
        ),
        actor=persona("dispatcher"),
    )


def running(case):
    return set(case.clocks.filter(stopped_at__isnull=True).values_list("name", flat=True))


def stopped(case):
    return set(case.clocks.filter(stopped_at__isnull=False).values_list("name", flat=True))


def test_a_grid_event_is_timed_from_report_to_dispatch(persona):
    case = new_case(persona, "grid_event", "0603")
    assert running(case) == {"verify"}
    do_transition(case, "verify", actor=persona("gridworker"))
    assert running(case) == {"register"}
    do_transition(case, "register", actor=persona("dispatcher"))
    assert running(case) == {"dispatch"} and {"verify", "register"} <= stopped(case)
    body = Body.objects.get(name="区城市管理局")
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=body)
    assert running(case) == {"handle"} and "dispatch" in stopped(case)


def test_an_objection_is_timed_while_the_handling_clock_waits(persona):
    case = new_case(persona, "service_request", "0604")
    wrong = Body.objects.get(name="区城市管理局")
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=wrong)
    do_transition(case, "object", actor=persona("department"), note="不属本单位职责")
    review = case.clocks.get(name="review")
    assert review.stopped_at is None and review.unit == "working_hours"
    assert case.clocks.get(name="handle").paused_at is not None
    do_transition(case, "reject_objection", actor=persona("dispatcher"), note="属于职责范围")
    review.refresh_from_db()
    assert review.stopped_at is not None and review.on_time is True
    assert case.clocks.get(name="handle").paused_at is None
