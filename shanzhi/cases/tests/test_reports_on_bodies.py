"""A report (举报) about a body is never routed to that body, and whoever made it is
never known to it (DOMAIN §6)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from shanzhi.cases.access import may_see_requester
from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Case
from shanzhi.core.models import AuditEvent
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
    # The street's staff act for the street office: though the case lies in their street,
    # they do not see it at all, nor who reported …
    assert not may_see_requester(persona("streetstaff"), case)
    page = client_as("streetstaff").get(reverse("case_detail", args=[case.number]))
    assert page.status_code == 404
    text = page.content.decode()
    assert "举报人甲" not in text and "1111" not in text and "举报某单位" not in text
    # … and the attempt is logged on the case, as a refusal.
    refused = AuditEvent.objects.for_object(case).filter(action="case.refused")
    assert [e.actor.username for e in refused] == ["streetstaff"]
    # The street's own dispatcher works at the same street: kept out too …
    assert not may_see_requester(persona("dispatcher"), case)
    assert not Case.objects.visible_to(persona("dispatcher")).filter(pk=case.pk).exists()
    # … while the district's dispatch centre sees the (masked) requester and the body.
    assert may_see_requester(persona("centre"), case)
    text = client_as("centre").get(reverse("case_detail", args=[case.number])).content
    assert "举报人甲" in text.decode() and office.name in text.decode()
    assert AuditEvent.objects.for_object(case).filter(action="case.refused").count() == 1


def test_reports_are_kept_from_the_implicated_in_every_list(persona):
    """Visibility, the work queues and the notices leave out whoever is implicated with
    the body reported on; a case that is not a report stays where it was."""
    from shanzhi.cases import queues
    from shanzhi.cases.access import not_implicated
    from shanzhi.core.models import Notification

    office = Body.objects.get(name="东湖街道办事处")
    case = report_on(persona, office, category="0602")
    plain = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="路灯不亮",
            description="测试",
            lon=point()[0],
            lat=point()[1],
            category=MatterCategory.objects.get(code="0604"),
        ),
        actor=persona("dispatcher"),
    )
    now = timezone.now()
    for username in ("streetstaff", "dispatcher", "community"):
        user = persona(username)
        assert not Case.objects.visible_to(user).filter(pk=case.pk).exists(), username
        assert Case.objects.visible_to(user).filter(pk=plain.pk).exists(), username
        for key in ("all", "dispatch"):
            ids = set(queues.queue_cases(user, key, now)[0].values_list("pk", flat=True))
            assert case.pk not in ids and (key != "all" or plain.pk in ids), (username, key)
    for username in ("centre", "leader"):
        assert Case.objects.visible_to(persona(username)).filter(pk=case.pk).exists()
    assert not_implicated(case, [persona("streetstaff"), persona("leader")]) == [persona("leader")]
    before = set(Notification.objects.values_list("pk", flat=True))
    other = Body.objects.get(name="区城市管理局")
    do_transition(case, "dispatch", actor=persona("centre"), body=other)
    do_transition(case, "accept", actor=persona("department"))
    do_transition(
        case, "request_extension", actor=persona("department"), extension=2, note="需要现场核实"
    )
    told = Notification.objects.exclude(pk__in=before).values_list("recipient__username", flat=True)
    assert told and not {"streetstaff", "dispatcher", "community"} & set(told)


def test_the_kept_bodies_are_those_a_user_is_implicated_with(persona):
    from shanzhi.cases.access import is_implicated, kept_body_ids
    from shanzhi.core.models import User

    bodies = list(Body.objects.select_related("region"))
    users = list(User.objects.filter(memberships__isnull=False).distinct()[:40])
    assert len(users) > 10
    for user in [*users, persona("streetstaff"), persona("community"), persona("centre")]:
        kept = kept_body_ids(user)
        assert kept == {b.pk for b in bodies if is_implicated(user, b)}, user.username


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


def test_the_audit_log_keeps_a_report_from_the_area_of_the_body_reported_on(persona, client):
    """A street auditor reads the street's audit log, but not the events of a report
    about the street office (not even its title); the district's auditor reads them."""
    from shanzhi.core.models import User
    from shanzhi.core.roles import Role
    from shanzhi.org.models import BodyKind, Membership
    from shanzhi.portal.work import my_work

    street = Region.objects.get(code="990101001")
    office = Body.objects.get(region=street, kind=BodyKind.STREET_OFFICE)
    case = report_on(persona, office)
    plain = report_on(persona, None)
    auditor = User.objects.create_user(
        username="street-auditor", password="x-Test-2026-pass", is_staff=True
    )
    Membership.objects.create(user=auditor, role=Role.AUDITOR, region=street)

    def audited(user):
        (section,) = [s for s in my_work(user)["sections"] if s["role"] == Role.AUDITOR]
        return {event.object_id for event in section["events"]}

    assert str(plain.pk) in audited(auditor)
    assert str(case.pk) not in audited(auditor)
    assert str(case.pk) in audited(persona("auditor"))  # the district's auditor
    client.force_login(auditor, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    listing = client.get(reverse("admin:core_auditevent_changelist"), {"q": "举报"})
    assert listing.status_code == 200
    shown = {event.object_id for event in listing.context["cl"].result_list}
    assert str(plain.pk) in shown and str(case.pk) not in shown


def test_the_overdue_escalation_skips_leaders_implicated_with_the_body_reported_on(persona):
    """The sweep tells the leaders above of an overdue report, but not a leader who also
    works for the body reported on."""
    from datetime import timedelta

    from shanzhi.cases.supervision import sweep
    from shanzhi.core.models import Notification, User
    from shanzhi.core.roles import Role
    from shanzhi.org.models import Membership

    accused = Body.objects.get(name="区城市管理局")
    district = Region.objects.get(code="990101")
    insider = User.objects.create_user(username="leader-insider", password="x-Test-2026-pass")
    Membership.objects.create(user=insider, role=Role.LEADER, region=district)
    Membership.objects.create(user=insider, role=Role.DEPARTMENT_HANDLER, body=accused)
    case = report_on(persona, accused)
    plain = report_on(persona, None)
    assert sweep(now=timezone.now() + timedelta(days=60))["marked"] >= 2

    def told(user, about):
        return Notification.objects.filter(recipient=user, subject__contains=about.number)

    assert told(persona("leader"), case).exists() and told(insider, plain).exists()
    assert not told(insider, case).exists()
