"""An accusation (检举控告) is never passed to the body or person accused (信访工作条例
Arts. 30, 46): not in routing, lists, pages, notices, exports or the API; every reading
of who accuses and of the material by those allowed is logged with its purpose; an
attempt by the accused to open it is refused like a number that does not exist, and
logged."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from shanzhi.api.actions import do_create_integration
from shanzhi.api.models import Integration
from shanzhi.cases import queues
from shanzhi.cases.duplicates import similar_cases
from shanzhi.cases.models import Case
from shanzhi.core.models import AuditEvent, Notification, User
from shanzhi.core.roles import Role
from shanzhi.org.models import Body, BodyKind, Membership, Region
from shanzhi.petitions.identity import Petitioner
from shanzhi.petitions.models import FileKind
from shanzhi.petitions.steps import do_take_step
from shanzhi.petitions.tests.conftest import ID_B, STREET

pytestmark = pytest.mark.django_db
NAME, PHONE = "举报人丙", "13911112222"
MATERIAL = "街道城管中队负责人收受摊贩财物"
# Who works for or with 东湖街道办事处: its staff, its dispatcher, the staff of its
# communities' committees, and (made below) a leader of the street.
IMPLICATED = ("streetstaff", "dispatcher", "community")


@pytest.fixture
def office():
    return Body.objects.get(name="东湖街道办事处")


@pytest.fixture
def street_leader(db):
    user = User.objects.create_user(username="street-leader", password="x-Test-2026-pass")
    Membership.objects.create(user=user, role=Role.LEADER, region=Region.objects.get(code=STREET))
    return user


@pytest.fixture
def accusation(register, office):
    return register(
        actor="centre",
        petition_class="accusation",
        channel="letter",
        subject="举报街道城管中队负责人受贿",
        request=MATERIAL,
        facts="多次在早市收取摊贩现金",
        accused="东湖街道城管中队负责人",
        accused_body=office,
        files=[(FileKind.LETTER, SimpleUploadedFile("l.pdf", b"%PDF-1", "application/pdf"))],
        petitioner=Petitioner(name=NAME, id_number=ID_B, phone=PHONE, address="某小区"),
    )


def implicated_users(persona, street_leader):
    return [persona(u) for u in IMPLICATED] + [street_leader]


def test_the_engine_case_carries_neither_the_accuser_nor_the_material(accusation, office):
    case = accusation.case
    text = f"{case.title} {case.description} {case.requester_name} {case.requester_phone}"
    assert NAME not in text and PHONE not in text and MATERIAL not in text
    assert case.accused_body == office and case.confidential and case.kind == "report"
    # Kept at the district's level, above the street it accuses.
    assert case.street is None and case.scope_path == office.region.parent.path


def test_never_routed_to_the_body_accused_or_bodies_worked_by_its_people(
    accusation, persona, office
):
    brigade = Body.objects.get(region=office.region, kind=BodyKind.ENFORCEMENT_BRIGADE)
    committee = Body.objects.filter(parent=office, kind=BodyKind.RESIDENTS_COMMITTEE).first()
    for body in (office, brigade, committee):
        with pytest.raises(ValidationError, match="never routed"):
            do_take_step(accusation.case, "dispatch", actor=persona("centre"), body=body)
    accusation.case.refresh_from_db()
    assert accusation.case.state == "registered"


def test_the_accused_never_see_it_in_lists_queues_or_searches(
    accusation, persona, street_leader, client_as, client
):
    case = accusation.case
    for user in implicated_users(persona, street_leader):
        assert not Case.objects.visible_to(user).filter(pk=case.pk).exists(), user
        ids = queues.queue_cases(user, "all", None)[0].values_list("pk", flat=True)
        assert case.pk not in set(ids), user
        found = similar_cases(title="举报", description=MATERIAL, phone=PHONE, user=user)
        assert case.pk not in {c.case.pk for c in found}
    page = client_as("streetstaff").get(reverse("petitions:list"))
    assert page.status_code == 200 and case.number not in page.content.decode()
    # The district's petition office sees it listed, without name or matter.
    listed = client_as("centre").get(reverse("petitions:list")).content.decode()
    assert case.number in listed and NAME not in listed and MATERIAL not in listed


def test_the_accused_are_refused_as_for_no_petition_and_the_attempt_is_logged(
    accusation, client_as
):
    case = accusation.case
    client = client_as("streetstaff")
    urls = [
        reverse("petitions:detail", args=[case.number]),
        reverse("case_detail", args=[case.number]),
        reverse("petitions:document", args=[case.number, 1]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert NAME not in response.content.decode() and MATERIAL not in response.content.decode()
    missing = client.get(reverse("petitions:detail", args=["XF2099010100000001"]))
    assert missing.status_code == 404  # the same answer as for a petition that does not exist
    refused = AuditEvent.objects.for_object(case).filter(action="case.refused")
    assert refused.count() == len(urls)
    assert {e.actor.username for e in refused} == {"streetstaff"}
    assert all("第三十条" in e.legal_basis for e in refused)


def test_an_api_token_of_the_accused_body_never_sees_it(accusation, client):
    integration = Integration(
        name="街道系统",
        role="street_staff",
        region=Region.objects.get(code=STREET),
        scopes=["cases:read"],
        rate_limit=1000,
    )
    integration, token = do_create_integration(integration, actor=None, note="测试")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}
    listed = client.get("/api/v1/cases", {"limit": 100}, **headers)
    assert listed.status_code == 200
    assert accusation.case.number not in listed.content.decode()
    read = client.get(f"/api/v1/cases/{accusation.case.number}", **headers)
    assert read.status_code == 404
    assert AuditEvent.objects.filter(action="case.refused", actor=integration.user).exists()


def test_an_api_token_allowed_to_read_it_gets_neither_accuser_nor_material(accusation, client):
    _integration, token = do_create_integration(
        Integration(
            name="区信访系统",
            role="street_dispatcher",
            region=Region.objects.get(code="990101"),
            scopes=["cases:read"],
            rate_limit=1000,
        ),
        actor=None,
        note="测试",
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    read = client.get(f"/api/v1/cases/{accusation.case.number}", **headers)
    assert read.status_code == 200
    body = json.dumps(read.json(), ensure_ascii=False)
    assert NAME not in body and PHONE not in body and MATERIAL not in body


def test_notices_never_reach_the_accused_nor_carry_the_accuser_or_the_material(
    accusation, persona, street_leader, department_body
):
    before = set(Notification.objects.values_list("pk", flat=True))
    case = accusation.case
    do_take_step(case, "dispatch", actor=persona("centre"), body=department_body)
    do_take_step(case, "accept", actor=persona("department"))
    do_take_step(
        case, "request_extension", actor=persona("department"), extension=10, note="需调查"
    )
    do_take_step(case, "extend", actor=persona("leader"), note="同意")
    do_take_step(
        case,
        "reply",
        actor=persona("department"),
        outcome="supported",
        opinion="已立案调查",
        basis="《监察法》",
    )
    sent = Notification.objects.exclude(pk__in=before)
    assert sent.exists()
    recipients = set(sent.exclude(recipient=None).values_list("recipient_id", flat=True))
    assert not recipients & {u.pk for u in implicated_users(persona, street_leader)}
    for message in sent:
        text = f"{message.subject} {message.body} {message.url}"
        assert NAME not in text and MATERIAL not in text, text
    # The accuser without an account is told by text message: the step, nothing more.
    texts = sent.filter(phone=PHONE)
    assert texts.exists() and all(case.number in m.subject for m in texts)


def test_exports_count_without_naming_and_never_count_for_the_accused(
    accusation, client_as, street_leader, client
):
    response = client_as("leader").get(reverse("petitions:statistics_xlsx"))
    assert response.status_code == 200
    cells = [
        str(c)
        for row in load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values
        for c in row
        if c is not None
    ]
    text = " ".join(cells)
    assert "东湖街道办事处" in text  # among the bodies accused most …
    assert NAME not in text and PHONE not in text and MATERIAL not in text  # … nobody named
    assert AuditEvent.objects.filter(action="petition.export").exists()
    client.force_login(street_leader, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    page = client.get(reverse("petitions:statistics")).content.decode()
    assert "东湖街道办事处" not in page


def test_each_permitted_reading_is_logged_with_its_purpose(accusation, client_as):
    case = accusation.case
    client = client_as("centre")
    page = client.get(reverse("petitions:detail", args=[case.number])).content.decode()
    assert NAME not in page and MATERIAL not in page and 'data-testid="reveal-form"' in page
    bad = client.post(reverse("petitions:reveal", args=[case.number]), {"purpose": ""})
    assert bad.status_code == 400 and NAME not in bad.content.decode()
    assert not AuditEvent.objects.for_object(case).filter(action="petition.reveal").exists()
    shown = client.post(reverse("petitions:reveal", args=[case.number]), {"purpose": "handle"})
    assert shown.status_code == 200
    assert NAME in shown.content.decode() and MATERIAL in shown.content.decode()
    reading = AuditEvent.objects.for_object(case).get(action="petition.reveal")
    assert reading.actor.username == "centre" and reading.after["purpose"] == "handle"
    letter = case.petition_files.get()
    assert client.get(reverse("petitions:file", args=[case.number, letter.pk])).status_code == 200
    assert AuditEvent.objects.for_object(case).filter(action="petition.read_file").count() == 1


def test_someone_with_no_duty_on_it_cannot_read_them(accusation, client_as):
    # The district's auditor sees the case in the district but reads no accuser.
    client = client_as("auditor")
    page = client.get(reverse("petitions:detail", args=[accusation.case.number]))
    assert page.status_code == 200 and NAME not in page.content.decode()
    refused = client.post(
        reverse("petitions:reveal", args=[accusation.case.number]), {"purpose": "handle"}
    )
    assert refused.status_code == 403 and NAME not in refused.content.decode()


def test_an_officer_of_the_accused_body_may_not_register_it(register, office):
    with pytest.raises(ValidationError) as caught:
        register(
            petition_class="accusation",
            accused="街道办某干部",
            accused_body=office,
            petitioner=Petitioner(name=NAME, phone=PHONE),
        )
    assert "Arts. 30, 46" in caught.value.message_dict["accused_body"][0]
    assert not Case.objects.filter(procedure="petition").exists()


def test_another_petition_of_the_accuser_never_points_to_the_accusation(
    accusation, register, persona
):
    # The accuser petitions about something alike, in the open: no link to the accusation.
    other = register(
        subject="举报街道城管中队负责人受贿",
        request=MATERIAL,
        petitioner=Petitioner(name=NAME, id_number=ID_B, phone=PHONE, address="某小区"),
    )
    assert other.repeat_of is None and other.is_first
