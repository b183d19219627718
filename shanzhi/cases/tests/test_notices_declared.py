"""Who is told of a step is declared in the procedure (``Transition.tells``)."""

import pytest

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.procedure import Audience, all_procedures
from shanzhi.core.models import Notification
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db


def test_every_dispatch_tells_the_body_and_every_ending_tells_the_requester():
    for procedure in all_procedures():
        for t in procedure.transitions:
            if "body" in t.needs:
                assert Audience.BODY in t.tells, (procedure.key, t.action)
            if t.target and procedure.by_state[t.target].final:
                assert Audience.REQUESTER in t.tells, (procedure.key, t.action)


def test_steps_tell_exactly_their_declared_audiences(persona):
    load_catalogue()
    point = geo.parse_polygon(
        Region.objects.get(code="990101001001001").geometry
    ).representative_point()
    case = do_create_case(
        Intake(
            procedure="service_request",
            channel="web",
            title="路灯不亮",
            description="测试",
            lon=point.x,
            lat=point.y,
            category=MatterCategory.objects.get(code="0604"),
            requester=persona("resident"),
        ),
        actor=persona("resident"),
    )
    handler = persona("department")
    body = Body.objects.get(name="区城市管理局")

    def told(action, **kwargs):
        before = set(Notification.objects.values_list("pk", flat=True))
        do_transition(case, action, **kwargs)
        return set(
            Notification.objects.exclude(pk__in=before).values_list(
                "recipient__username", flat=True
            )
        )

    assert handler.username in told("dispatch", actor=persona("dispatcher"), body=body)
    assert told("accept", actor=handler) == set()  # "accept" declares no audience
    assert told("start", actor=handler) == set()
    assert told("reply", actor=handler, note="已修复") == {"resident"}
