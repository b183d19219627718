"""Who acts for a body, where a department's matter may go, and what a follower sees."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.core.models import User
from shanzhi.core.roles import Role
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.routing import resolve
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, BodyKind, Membership, Region

pytestmark = pytest.mark.django_db
GRID = "990101001001001"


@pytest.fixture(autouse=True)
def english():
    load_catalogue()
    with translation.override("en"):
        yield


def make(persona, actor="dispatcher", located=True, category="0604", attachments=(), **extra):
    fields = dict(
        procedure="service_request",
        channel="phone",
        title="测试",
        description="测试",
        category=MatterCategory.objects.get(code=category),
    )
    if located:
        p = geo.parse_polygon(Region.objects.get(code=GRID).geometry).representative_point()
        fields.update(lon=p.x, lat=p.y)
    fields.update(extra)
    return do_create_case(Intake(**fields), actor=persona(actor), attachments=attachments)


def test_an_unlocated_department_matter_is_not_dispatched_to_a_street_that_lacks_it(persona):
    street = Region.objects.get(code="990101003")  # has not taken on 占道经营 (0901)
    category = MatterCategory.objects.get(code="0901")
    assert resolve(category, street).owner == "department"
    brigade = Body.objects.get(region=street, kind=BodyKind.ENFORCEMENT_BRIGADE)
    case = make(persona, actor="centre", located=False, category="0901")
    with pytest.raises(ValidationError, match="functional department"):
        do_transition(case, "dispatch", actor=persona("centre"), body=brigade)
    case.refresh_from_db()
    assert case.state == "received" and case.responsible_body is None


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.LEGAL_ADVISER])
def test_reading_or_advising_members_of_a_body_do_not_act_for_it(persona, role):
    department = Body.objects.get(name="区城市管理局")
    member = User.objects.create_user(username=f"member-{role}", password="x-Test-2026-pass")
    Membership.objects.create(user=member, role=role, body=department)
    case = make(persona)
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=department)
    with pytest.raises(PermissionDenied):
        do_transition(case, "accept", actor=member)
    do_transition(case, "accept", actor=persona("department"))  # a handler may
    assert case.state == "accepted"


def test_a_follower_sees_neither_the_other_requester_nor_their_files(persona, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    neighbour = User.objects.create_user(username="follower-test", password="x-Test-2026-pass")
    photo = SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png")
    target = make(
        persona,
        requester=persona("resident"),
        requester_name="张三丰",
        requester_phone="13912345678",
        attachments=[photo],
    )
    duplicate = make(persona, requester=neighbour, requester_name="李四")
    do_transition(duplicate, "merge", actor=persona("dispatcher"), target=target, note="同一事项")
    client.force_login(neighbour, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    page = client.get(reverse("case_detail", args=[target.number]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "张三丰" not in text and "5678" not in text and "p.png" not in text
    item = target.attachments.get()
    assert client.get(reverse("case_attachment", args=[target.number, item.pk])).status_code == 404
    # The requester themselves still sees their own file.
    client.force_login(persona("resident"), backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.get(reverse("case_attachment", args=[target.number, item.pk])).status_code == 200
