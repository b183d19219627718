"""Re-categorisation (改类): the new category, a fresh dispatch proposal while the case can
still be dispatched, the department rule against the body holding the case, the clocks
that follow the new time limit, re-dispatch (改派), the audit record and the page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Case
from shanzhi.cases.routing import propose
from shanzhi.core.models import AuditEvent, Notification
from shanzhi.duties.calendar import current_calendar
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import geo, workdays
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
GRID = "990101001001001"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(*args):
    return datetime(*args, tzinfo=SH)


def category(code):
    return MatterCategory.objects.get(code=code)


def new_case(persona, *, code="0604", procedure="service_request", now=None, grid=GRID):
    p = geo.parse_polygon(Region.objects.get(code=grid).geometry).representative_point()
    return do_create_case(
        Intake(
            procedure=procedure,
            channel="phone" if procedure == "service_request" else "patrol",
            title="t",
            description="d",
            lon=p.x,
            lat=p.y,
            category=category(code),
        ),
        actor=persona("dispatcher"),
        now=now,
    )


def grid_event_at_the_street_office(persona, now, code="0602"):
    event = new_case(persona, code=code, procedure="grid_event", now=now)
    do_transition(event, "verify", actor=persona("gridworker"), now=now)
    do_transition(event, "register", actor=persona("dispatcher"), now=now)
    office = Body.objects.get(name="东湖街道办事处")
    do_transition(event, "dispatch", actor=persona("dispatcher"), body=office, now=now)
    return event


def test_before_dispatch_the_proposal_follows_the_new_category(persona):
    case = new_case(persona, code="0604")
    assert case.routed_body.name == "区城市管理局"
    do_transition(
        case,
        "recategorise",
        actor=persona("dispatcher"),
        category=category("0602"),
        note="实为垃圾",
    )
    case.refresh_from_db()
    expected = propose(category("0602"), case.grid)
    assert case.category.code == "0602" and case.state == "received"
    assert case.routed_body == expected.lead and case.routed_body.name == "东湖街道办事处"
    assert "暴露垃圾" in case.routing_note
    event = AuditEvent.objects.for_object(case).get(action="case.recategorise")
    assert event.before["category"] == "0604" and event.after["category"] == "0602"
    assert event.note == "实为垃圾"
    assert event.after["proposed_body"] == case.routed_body_id


def test_a_case_without_a_category_gets_one(persona):
    case = do_create_case(
        Intake(procedure="service_request", channel="phone", title="t", description="d"),
        actor=persona("dispatcher"),
    )
    assert case.category is None and case.routed_body is None
    root = persona("admin").__class__.objects.create_superuser("root-cat", password="x-long-pass")
    do_transition(case, "recategorise", actor=root, category=category("0604"), note="补充分类")
    event = AuditEvent.objects.for_object(case).get(action="case.recategorise")
    assert event.before["category"] is None and event.after["category"] == "0604"


@pytest.mark.parametrize(
    ("code", "note", "message"),
    [
        (None, "n", "Choose the new category"),
        ("0604", "n", "already in this category"),
        ("9001", "n", "call 119"),
        ("0602", "", "reason"),
    ],
)
def test_bad_recategorisations_change_nothing(persona, code, note, message):
    case = new_case(persona, code="0604")
    with pytest.raises(ValidationError, match=message):
        do_transition(
            case,
            "recategorise",
            actor=persona("dispatcher"),
            category=category(code) if code else None,
            note=note,
        )
    case.refresh_from_db()
    assert case.category.code == "0604" and case.version == 1
    assert not AuditEvent.objects.for_object(case).filter(action="case.recategorise").exists()


def test_an_inactive_category_is_refused(persona):
    case = new_case(persona)
    MatterCategory.objects.filter(code="0602").update(is_active=False)
    with pytest.raises(ValidationError, match="no longer in use"):
        do_transition(
            case, "recategorise", actor=persona("dispatcher"), category=category("0602"), note="n"
        )


def test_only_the_dispatcher_recategorises(persona):
    now = at(2026, 11, 23, 9)
    event = grid_event_at_the_street_office(persona, now)
    for username in ("streetstaff", "gridworker", "department", "resident", "community"):
        with pytest.raises(PermissionDenied):
            do_transition(
                event, "recategorise", actor=persona(username), category=category("0603"), note="n"
            )
    assert Case.objects.get(pk=event.pk).category.code == "0602"


def test_a_department_matter_never_stays_with_the_street(persona):
    now = at(2026, 11, 23, 9)
    event = grid_event_at_the_street_office(persona, now)
    # 无证建设 is withdrawn (收回) to the city-management bureau: a department's matter.
    assert category("0802").is_department_owned()
    with pytest.raises(ValidationError, match="functional department"):
        do_transition(
            event, "recategorise", actor=persona("dispatcher"), category=category("0802"), note="n"
        )
    assert Case.objects.get(pk=event.pk).category.code == "0602"
    department = Body.objects.get(name="区城市管理局")
    do_transition(
        event, "redispatch", actor=persona("dispatcher"), body=department, note="改派", now=now
    )
    told = Notification.objects.filter(recipient=persona("department"), body="无证建设")
    assert not told.exists()
    do_transition(
        event,
        "recategorise",
        actor=persona("dispatcher"),
        category=category("0802"),
        note="无证建设",
        now=at(2026, 11, 23, 10),
    )
    event.refresh_from_db()
    assert event.category.code == "0802" and event.responsible_body == department
    # The body holding the case is told, with the note.
    assert told.filter(subject__contains=event.number).exists()


def test_running_handling_clock_follows_the_new_limit(persona):
    now = at(2026, 11, 23, 9)  # a Monday
    event = grid_event_at_the_street_office(persona, now)  # 暴露垃圾: 8 working hours
    clock = event.clocks.get(name="handle", stopped_at__isnull=True)
    assert (clock.duration, clock.unit) == (8, "working_hours")
    do_transition(
        event,
        "recategorise",
        actor=persona("dispatcher"),
        category=category("0603"),  # 道路不洁: 5 working hours
        note="道路不洁",
        now=at(2026, 11, 23, 10),
    )
    clock.refresh_from_db()
    # 09:00–12:00 and 13:30–15:30: five working hours from the start.
    assert (clock.duration, clock.unit) == (5, "working_hours")
    assert clock.due_at == at(2026, 11, 23, 15, 30)
    event_row = AuditEvent.objects.for_object(event).get(action="case.recategorise")
    assert parse_datetime(event_row.before["due"]["handle"]) == at(2026, 11, 24, 9, 30)
    assert parse_datetime(event_row.after["due"]["handle"]) == at(2026, 11, 23, 15, 30)


def test_a_longer_limit_in_another_unit_counts_from_the_start(persona):
    now = at(2026, 11, 23, 9)
    event = grid_event_at_the_street_office(persona, now)
    do_transition(
        event,
        "recategorise",
        actor=persona("dispatcher"),
        category=category("0601"),  # 私搭乱建: 15 working days
        note="私搭乱建",
        now=at(2026, 11, 23, 11),
    )
    clock = event.clocks.get(name="handle", stopped_at__isnull=True)
    assert (clock.duration, clock.unit) == (15, "working_days")
    assert clock.due_at == workdays.add(now, 15, "working_days", current_calendar())


def test_a_new_limit_never_makes_the_step_late(persona):
    now = at(2026, 11, 23, 9)
    event = grid_event_at_the_street_office(persona, now)
    due = event.clocks.get(name="handle").due_at  # Tue 09:30
    # On Tuesday morning five working hours from Monday 09:00 have run out already.
    do_transition(
        event,
        "recategorise",
        actor=persona("dispatcher"),
        category=category("0603"),
        note="n",
        now=at(2026, 11, 24, 9),
    )
    clock = event.clocks.get(name="handle")
    assert clock.due_at == due and clock.duration == 8
    event.refresh_from_db()
    assert event.category.code == "0603"


def test_an_extended_clock_keeps_its_limit(persona):
    now = at(2026, 11, 23, 9)
    event = grid_event_at_the_street_office(persona, now)
    do_transition(
        event, "request_extension", actor=persona("streetstaff"), extension=2, note="n", now=now
    )
    do_transition(event, "extend", actor=persona("dispatcher"), note="同意", now=now)
    due = event.clocks.get(name="handle").due_at
    do_transition(
        event,
        "recategorise",
        actor=persona("dispatcher"),
        category=category("0601"),
        note="n",
        now=at(2026, 11, 23, 10),
    )
    assert event.clocks.get(name="handle").due_at == due


def test_redispatch_of_a_service_request_in_progress(persona):
    now = at(2026, 11, 23, 9)
    case = new_case(persona, code="0602", now=now)
    office = Body.objects.get(name="东湖街道办事处")
    do_transition(case, "dispatch", actor=persona("dispatcher"), body=office, now=now)
    do_transition(case, "accept", actor=persona("streetstaff"), now=now)
    do_transition(case, "start", actor=persona("streetstaff"), now=now)
    with pytest.raises(ValidationError, match="functional department"):
        do_transition(
            case, "recategorise", actor=persona("dispatcher"), category=category("0802"), note="n"
        )
    with pytest.raises(PermissionDenied):
        do_transition(
            case,
            "redispatch",
            actor=persona("streetstaff"),
            body=Body.objects.get(name="区城市管理局"),
            note="n",
        )
    later = at(2026, 11, 24, 9)
    do_transition(
        case,
        "redispatch",
        actor=persona("dispatcher"),
        body=Body.objects.get(name="区城市管理局"),
        note="改派城管",
        now=later,
    )
    assert case.state == "dispatched" and case.responsible_body.name == "区城市管理局"
    handles = list(case.clocks.filter(name="handle").order_by("started_at"))
    assert len(handles) == 2 and handles[0].on_time is True and handles[1].started_at == later
    assert case.clocks.get(name="objection", stopped_at__isnull=True).started_at == later
    do_transition(
        case,
        "recategorise",
        actor=persona("dispatcher"),
        category=category("0802"),
        note="无证建设",
        now=later,
    )
    assert Case.objects.get(pk=case.pk).category.code == "0802"


# --- the page -------------------------------------------------------------------------


@pytest.fixture
def english_client(client):
    client.cookies["django_language"] = "en"
    return client


def test_recategorise_through_the_page(client_as, persona, english_client):
    case = new_case(persona)
    client = client_as("dispatcher")
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert 'data-action="recategorise"' in page and 'name="category"' in page
    response = client.post(
        reverse("case_act", args=[case.number, "recategorise"]),
        {"category": category("0602").pk, "note": "实为暴露垃圾"},
        follow=True,
    )
    assert "Done" in response.content.decode()
    assert Case.objects.get(pk=case.pk).category.code == "0602"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "n"}, "Choose the new category"),
        ({"category": "CATEGORY"}, "reason"),
        ({"category": "999999", "note": "n"}, "Select a valid choice"),
    ],
)
def test_bad_recategorisation_input_through_the_page(
    client_as, persona, english_client, data, message
):
    case = new_case(persona)
    if data.get("category") == "CATEGORY":
        data = {"category": category("0602").pk}
    response = client_as("dispatcher").post(
        reverse("case_act", args=[case.number, "recategorise"]), data, follow=True
    )
    assert message in response.content.decode()
    assert Case.objects.get(pk=case.pk).category.code == "0604"


def test_recategorise_page_refuses_outsiders(client_as, persona, english_client):
    case = new_case(persona, grid="990101002001001")  # 西岭街道: outside 东湖's staff
    data = {"category": category("0602").pk, "note": "n"}
    url = reverse("case_act", args=[case.number, "recategorise"])
    for username in ("community", "gridworker", "department", "resident"):
        assert client_as(username).post(url, data).status_code == 404
    mine = new_case(persona)
    response = client_as("gridworker").post(
        reverse("case_act", args=[mine.number, "recategorise"]), data, follow=True
    )
    assert "You may not take this action" in response.content.decode()
    assert Case.objects.get(pk=case.pk).category.code == "0604"
    assert Case.objects.get(pk=mine.pk).category.code == "0604"
