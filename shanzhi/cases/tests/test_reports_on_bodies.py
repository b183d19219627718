"""A report (举报) about a body is never routed to that body, and whoever made it is
never known to it (DOMAIN §6)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from shanzhi.cases.access import may_see_requester
from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Case
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db
GRID = "990101001001001"  # in 东湖街道


@pytest.fixture(autouse=True)
def english():
    load_catalogue()
    with translation.override("en"):
        yield


def point():
    shape = geo.parse_polygon(Region.objects.get(code=GRID).geometry)
    p = shape.representative_point()
    return p.x, p.y


def report_on(persona, accused, category="0604"):
    lon, lat = point()
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="举报",
            description="举报某单位不作为（测试）",
            lon=lon,
            lat=lat,
            category=MatterCategory.objects.get(code=category),
            requester_name="举报人甲",
            requester_phone="13800001111",
            accused_body=accused,
        ),
        actor=persona("dispatcher"),
    )


def test_the_catalogue_proposal_skips_the_body_reported_on(persona):
    lon, lat = point()
    plain = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="路面塌陷",
            description="测试",
            lon=lon,
            lat=lat,
            category=MatterCategory.objects.get(code="0604"),
        ),
        actor=persona("dispatcher"),
    )
    proposed = plain.routed_body
    assert proposed is not None
    case = report_on(persona, proposed)
    assert case.routed_body is None
    # Stored in the deployment's language (zh-hans).
    assert proposed.name in case.routing_note and "不得派给被举报单位" in case.routing_note
    assert case.kind == "report" and case.confidential and case.accused_body == proposed


def test_dispatching_to_the_body_reported_on_is_refused(persona):
    accused = Body.objects.get(name="区城市管理局")
    case = report_on(persona, accused)
    with pytest.raises(ValidationError, match="never routed"):
        do_transition(case, "dispatch", actor=persona("dispatcher"), body=accused)
    other = Body.objects.get(name="区住房和城乡建设局")
    with pytest.raises(ValidationError, match="never routed"):
        do_transition(
            case, "dispatch", actor=persona("dispatcher"), body=other, assisting=[accused]
        )
    assert Case.objects.get(pk=case.pk).state == "received"
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=other)
    assert case.responsible_body == other and not case.assisting_bodies.exists()


def test_the_body_reported_on_never_learns_who_reported(persona, client_as):
    office = Body.objects.get(name="东湖街道办事处")
    case = report_on(persona, office, category="0602")
    # The street's staff act for the street office and see cases in their street, but
    # not who reported …
    assert not may_see_requester(persona("streetstaff"), case)
    page = client_as("streetstaff").get(reverse("case_detail", args=[case.number]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "举报人甲" not in text and "1111" not in text
    # … and so does the street's own dispatcher, who works at the same street …
    assert not may_see_requester(persona("dispatcher"), case)
    # … while the district's dispatch centre sees the (masked) requester and the body.
    assert may_see_requester(persona("centre"), case)
    text = client_as("centre").get(reverse("case_detail", args=[case.number])).content
    assert "举报人甲" in text.decode() and office.name in text.decode()


def test_the_intake_form_names_the_body_reported_on(client_as):
    lon, lat = point()
    form = {
        "procedure": "service_request",
        "channel": "phone",
        "urgency": "normal",
        "category": MatterCategory.objects.get(code="0604").pk,
        "title": "举报",
        "description": "举报（测试）",
        "lon": lon,
        "lat": lat,
        "requester_name": "举报人乙",
        "requester_phone": "13800002222",
    }
    client = client_as("dispatcher")
    bad = client.post(reverse("case_new"), {**form, "accused_body": 999999})
    assert bad.status_code == 200 and not Case.objects.filter(title="举报").exists()
    assert "accused_body" in bad.context["form"].errors
    accused = Body.objects.get(name="区城市管理局")
    response = client.post(reverse("case_new"), {**form, "accused_body": accused.pk})
    assert response.status_code == 302
    case = Case.objects.get(title="举报")
    assert case.accused_body == accused and case.confidential and case.routed_body != accused


def test_bodies_worked_by_the_same_people_count_as_the_body_reported_on(persona):
    from shanzhi.cases.access import parties_of
    from shanzhi.core.models import User
    from shanzhi.core.roles import Role
    from shanzhi.org.models import BodyKind, Membership

    office = Body.objects.get(name="东湖街道办事处")
    brigade = Body.objects.get(region=office.region, kind=BodyKind.ENFORCEMENT_BRIGADE)
    case = report_on(persona, office, category="0601")
    # The street's enforcement brigade is worked by the same street staff: not proposed …
    assert case.routed_body is None or case.routed_body.region_id != office.region_id
    # … and not dispatched to.
    with pytest.raises(ValidationError, match="never routed"):
        do_transition(case, "dispatch", actor=persona("centre"), body=brigade)
    # The street's leader heads the office: kept from the reporter too.
    boss = User.objects.create_user(username="street-boss-test", password="x-Test-2026-pass")
    Membership.objects.create(user=boss, role=Role.LEADER, region=office.region)
    assert not may_see_requester(boss, case)
    assert "handler" not in parties_of(persona("streetstaff"), case)
