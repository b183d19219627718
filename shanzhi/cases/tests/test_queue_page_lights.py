"""The work queue shows the light of the case page (clocks.light) and offers the bulk
actions the procedures declare."""

import re

import pytest
from django.urls import reverse

from shanzhi.cases import clocks
from shanzhi.cases.bulk import bulk_actions
from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.cases.models import Clock
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Region

pytestmark = pytest.mark.django_db


def test_queue_lights_follow_the_one_rule_and_bulk_actions_are_declared(client_as, persona):
    load_catalogue()
    p = geo.parse_polygon(
        Region.objects.get(code="990101001001001").geometry
    ).representative_point()
    case = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="灯光测试",
            description="测试",
            lon=p.x,
            lat=p.y,
            category=MatterCategory.objects.get(code="0604"),
        ),
        actor=persona("dispatcher"),
    )
    # Make its dispatch clock nearly run out: yellow under the one rule, whatever the hour.
    clock = case.clocks.get(name="dispatch")
    Clock.objects.filter(pk=clock.pk).update(
        started_at=clock.started_at - (clock.due_at - clock.started_at) * 0.9
    )
    clock.refresh_from_db()
    expected = clocks.light(clock)
    page = client_as("dispatcher").get(reverse("case_queue"), {"queue": "dispatch"})
    text = page.content.decode()
    row = text[text.index(case.number) - 2000 : text.index(case.number) + 2000]
    assert f"light-{expected}" in row
    options = set(re.findall(r'<option value="([a-z_]+)">', text))
    assert set(bulk_actions()) <= options
    assert "dispatch_as_proposed" in bulk_actions() and "accept" in bulk_actions()
