"""The clock sweep, bulk actions, attachments and the notification inbox."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Attachment, Case, Clock
from shanzhi.cases.supervision import sweep
from shanzhi.core.models import Notification
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogue():
    load_catalogue()


def a_case(persona, title="路面破损", **extra):
    p = geo.parse_polygon(
        Region.objects.get(code="990101001001001").geometry
    ).representative_point()
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title=title,
            description="d",
            category=MatterCategory.objects.get(code="0604"),
            lon=p.x,
            lat=p.y,
            **extra,
        ),
        actor=persona("dispatcher"),
    )


def test_sweep_marks_overdue_once_and_escalates(persona):
    case = a_case(persona)
    do_transition(
        case, "dispatch", actor=persona("dispatcher"), body=Body.objects.get(name="区城市管理局")
    )
    later = timezone.now() + timedelta(days=60)
    first = sweep(now=later)
    assert first["marked"] == 1  # the handling clock; the objection window just closes
    clock = case.clocks.get(name="handle")
    assert clock.overdue_at == later and clock.escalated_to.code == "990101"  # district leaders
    assert Notification.objects.filter(
        recipient=persona("leader"), subject__contains=case.number
    ).exists()
    again = sweep(now=later + timedelta(minutes=5))
    assert again == {"marked": 0, "notified": 0}


def test_sweep_ignores_paused_and_stopped_clocks(persona):
    case = a_case(persona)
    do_transition(case, "answer", actor=persona("dispatcher"), note="已当场解答")
    assert sweep(now=timezone.now() + timedelta(days=60))["marked"] == 0
    assert Clock.objects.filter(case=case, overdue_at__isnull=False).count() == 0


def test_sweep_command(persona, capsys):
    case = a_case(persona)
    Clock.objects.filter(case=case).update(due_at=timezone.now() - timedelta(hours=1))
    call_command("sweep_clocks")
    assert Clock.objects.get(case=case).overdue_at is not None
    assert capsys.readouterr().out.strip()


def test_bulk_dispatch_as_proposed_and_bad_input(client_as, persona):
    cases = [a_case(persona, title=f"批量{i}") for i in range(3)]
    client = client_as("dispatcher")
    client.cookies["django_language"] = "en"
    numbers = [c.number for c in cases]
    response = client.post(
        reverse("case_bulk"), {"action": "dispatch_as_proposed", "case": numbers}
    )
    assert response.status_code == 302
    for case in cases:
        case.refresh_from_db()
        assert case.state == "dispatched" and case.responsible_body == case.routed_body
    response = client.post(
        reverse("case_bulk"), {"action": "delete_everything", "case": numbers}, follow=True
    )
    assert "Choose cases and an action" in response.content.decode()


def test_bulk_refuses_cases_outside_the_role(client_as, persona):
    case = a_case(persona)
    client_as("gridworker").post(
        reverse("case_bulk"), {"action": "dispatch_as_proposed", "case": [case.number]}
    )
    assert Case.objects.get(pk=case.pk).state == "received"


def test_attachments_are_served_only_within_scope(client_as, persona):
    case = a_case(persona)
    item = Attachment.objects.create(
        case=case,
        file=SimpleUploadedFile("p.png", b"\x89PNG data"),
        name="p.png",
        content_type="image/png",
        size=10,
    )
    url = reverse("case_attachment", args=[case.number, item.pk])
    response = client_as("dispatcher").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\x89PNG data"
    assert response["Cache-Control"] == "private, no-store"
    assert client_as("department").get(url).status_code == 404
    assert client_as("resident").get(url).status_code == 404


def test_inbox_shows_only_my_notifications_and_marks_read(client_as, persona):
    case = a_case(persona)
    do_transition(
        case, "dispatch", actor=persona("dispatcher"), body=Body.objects.get(name="区城市管理局")
    )
    mine = Notification.objects.filter(recipient=persona("department")).first()
    assert mine is not None
    client = client_as("department")
    page = client.get(reverse("inbox")).content.decode()
    assert case.number in page
    from shanzhi.core.notify import notify

    notify([persona("leader")], "给别人的消息")
    other = Notification.objects.get(recipient=persona("leader"), subject="给别人的消息")
    client.post(reverse("inbox_read"), {"id": other.pk})
    other.refresh_from_db()
    assert other.read_at is None  # someone else's message is untouched
    client.post(reverse("inbox_read"), {"id": mine.pk})
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("inbox_read")).status_code == 405
