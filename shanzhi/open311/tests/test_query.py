"""GET requests: the standard's filters, its 90-day window and page/page_size."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from shanzhi.cases.engine import do_transition
from shanzhi.cases.models import Case

pytestmark = pytest.mark.django_db


def _numbers(open311, **params) -> list[str]:
    response = open311.get("requests", params=params)
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


@pytest.fixture
def three(make_case, persona):
    """An open road case, a closed one, and an open noise case; newest last."""
    road = make_case("0604")
    closed = do_transition(make_case("0604"), "answer", actor=persona("dispatcher"), note="已答复")
    noise = make_case("0606")
    return road, closed, noise


def test_newest_first(open311, three):
    road, closed, noise = three
    assert _numbers(open311)[:3] == [noise.number, closed.number, road.number]


def test_status(open311, three):
    road, closed, noise = three
    assert closed.number in _numbers(open311, status="closed")
    assert road.number not in _numbers(open311, status="closed")
    assert set(_numbers(open311, status="open")) >= {road.number, noise.number}
    assert closed.number not in _numbers(open311, status="open")
    assert len(_numbers(open311, status="open,closed")) == len(_numbers(open311))


def test_service_code_takes_several_codes_and_a_major_class(open311, three):
    road, closed, noise = three
    assert set(_numbers(open311, service_code="0606")) == {noise.number}
    assert set(_numbers(open311, service_code="0604,0606")) == {
        road.number,
        closed.number,
        noise.number,
    }
    assert set(_numbers(open311, service_code="06")) >= {road.number, noise.number}


def test_the_window_defaults_to_the_last_90_days(open311, make_case):
    with time_machine.travel(timezone.now() - timedelta(days=100), tick=False):
        old = make_case()
    recent = make_case()
    assert recent.number in _numbers(open311) and old.number not in _numbers(open311)
    start = timezone.localtime(old.created - timedelta(days=1)).isoformat(timespec="seconds")
    assert _numbers(open311, start_date=start) == [old.number]  # 90 days from the start
    end = timezone.localtime(old.created + timedelta(days=1)).isoformat(timespec="seconds")
    assert _numbers(open311, end_date=end) == [old.number]  # 90 days up to the end
    day = timezone.localtime(old.created).date().isoformat()
    assert old.number in _numbers(open311, start_date=day)


def test_ids_override_every_other_argument(open311, make_case):
    with time_machine.travel(timezone.now() - timedelta(days=200), tick=False):
        old = make_case()
    recent = make_case("0606")
    found = _numbers(
        open311,
        service_request_id=f"{old.number}, {recent.number},SR0",
        status="closed",
        service_code="0601",
    )
    assert found == [recent.number, old.number]


def test_page_and_page_size(open311, make_case):
    made = [make_case() for _ in range(5)]
    newest = [c.number for c in reversed(made)]
    assert _numbers(open311, page_size="2") == newest[:2]
    assert _numbers(open311, page_size="2", page="2") == newest[2:4]
    assert _numbers(open311, page_size="2", page="3")[:1] == newest[4:5]
    assert _numbers(open311, page="999") == []


def test_jurisdiction_id(open311, make_case):
    case = make_case()
    assert case.number in _numbers(open311, jurisdiction_id="990101")
    response = open311.get("requests", params={"jurisdiction_id": "990102"})
    assert response.status_code == 404
    assert Case.objects.filter(number=case.number).exists()


def test_a_page_is_read_with_the_same_few_queries_whatever_its_size(
    open311, make_case, django_assert_max_num_queries
):
    for _ in range(3):
        make_case()
    with django_assert_max_num_queries(4) as few:
        open311.get("requests")
    for _ in range(12):
        make_case()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_numbers(open311)) == 15


def test_head_is_answered_like_get(client):
    assert client.head("/open311/v2/services.xml").status_code == 200
