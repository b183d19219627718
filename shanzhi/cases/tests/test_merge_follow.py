"""After a merge (并单) the merged case's requester follows the case it was merged into:
they may read it, as a requester reads, and they are told of its later steps."""

import pytest
from django.http import Http404
from django.utils import translation

from shanzhi.cases.access import access_case, parties_of
from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.core.models import Notification, User
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


def _request(requester, actor, title="路面塌陷"):
    grid = Region.objects.get(code="990101001001001")
    point = geo.parse_polygon(grid.geometry).representative_point()
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="web",
            title=title,
            description="小区门口路面塌陷（测试）",
            lon=point.x,
            lat=point.y,
            category=MatterCategory.objects.get(code="0604"),
            requester=requester,
            requester_name="居民",
        ),
        actor=actor,
    )


@pytest.fixture
def neighbour(db):
    return User.objects.create_user(username="neighbour-test", password="x-Test-2026-pass")


def test_merged_requester_may_read_the_target_and_is_told_of_its_reply(persona, neighbour):
    dispatcher = persona("dispatcher")
    target = _request(persona("resident"), persona("resident"))
    duplicate = _request(neighbour, neighbour, title="同一处路面塌陷")
    with pytest.raises(Http404):  # not theirs before the merge
        access_case(neighbour, target.number)
    do_transition(duplicate, "merge", actor=dispatcher, target=target, note="同一事项")

    # The neighbour may now read the target case, as a requester reads, and act on none.
    assert access_case(neighbour, target.number).pk == target.pk
    assert parties_of(neighbour, target) == set()

    body = Body.objects.get(name="区城市管理局")
    do_transition(target, "dispatch", actor=dispatcher, body=body)
    do_transition(target, "accept", actor=persona("department"))
    do_transition(target, "start", actor=persona("department"))
    before = Notification.objects.filter(recipient=neighbour).count()
    resident_before = Notification.objects.filter(recipient=persona("resident")).count()
    do_transition(target, "reply", actor=persona("department"), note="已修复")
    told = Notification.objects.filter(recipient=neighbour).order_by("pk")
    assert told.count() == before + 1
    assert duplicate.number in told.last().subject and target.number in told.last().subject
    # The target's own requester is told once, not twice.
    resident = Notification.objects.filter(recipient=persona("resident"))
    assert resident.count() == resident_before + 1
    assert duplicate.number not in resident.order_by("pk").last().subject


def test_an_unrelated_resident_still_cannot_read_the_target(persona, neighbour):
    target = _request(persona("resident"), persona("resident"))
    other = _request(neighbour, neighbour, title="另一件事")
    assert other.merged_into is None
    with pytest.raises(Http404):
        access_case(neighbour, target.number)
