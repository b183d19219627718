"""Cases for the tracking and public pages, made through the engine as the pages would
see them."""

import pytest

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

GRID = "990101001001001"


def point_in(code=GRID):
    p = geo.parse_polygon(Region.objects.get(code=code).geometry).representative_point()
    return p.x, p.y


@pytest.fixture
def make_case(persona):
    """Register a service request; by default a signed-in resident's, located in the
    resident's grid, category 0604."""

    def make(*, by="resident", grid=GRID, category="0604", **fields):
        lon, lat = point_in(grid)
        account = persona(by) if by else None
        intake = Intake(
            procedure="service_request",
            channel="web" if account else "phone",
            title="小区南门路面塌陷",
            description="南门路面塌陷，夜间容易摔倒。",
            category=MatterCategory.objects.get(code=category) if category else None,
            lon=lon,
            lat=lat,
            requester=account,
            requester_name=account.display_name if account else "来电人",
            requester_phone=(account.phone if account else "13900005678"),
        )
        for name, value in fields.items():
            setattr(intake, name, value)
        actor = account or persona("dispatcher")
        return do_create_case(intake, actor=actor)

    return make


@pytest.fixture
def reply(persona):
    """Take a case through dispatch and handling to the body's reply."""

    def handle(case, note="已组织维修，路面已修复。"):
        body = Body.objects.get(name="区城市管理局")
        do_transition(case, "dispatch", actor=persona("dispatcher"), body=body)
        do_transition(case, "accept", actor=persona("department"))
        do_transition(case, "start", actor=persona("department"))
        do_transition(case, "reply", actor=persona("department"), note=note)
        case.refresh_from_db()
        return case

    return handle
