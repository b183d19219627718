import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from shanzhi.core.models import AuditEvent
from shanzhi.core.roles import Role
from shanzhi.org.actions import do_end_membership, do_save_body, do_save_membership
from shanzhi.org.models import Body, BodyKind, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def errors_of(obj):
    with pytest.raises(ValidationError) as excinfo:
        obj.full_clean()
    return excinfo.value.message_dict


def test_department_must_serve_the_district(region):
    body = Body(kind=BodyKind.DEPARTMENT, name="区某局", region=region("990101001"))
    assert "District" in errors_of(body)["region"][0]


def test_residents_committee_serves_a_community(region):
    Body(
        kind=BodyKind.RESIDENTS_COMMITTEE, name="新居委会", region=region("990101001001")
    ).full_clean()


def test_body_names_are_unique_per_area(region):
    body = Body(kind=BodyKind.STREET_OFFICE, name="东湖街道办事处", region=region("990101001"))
    assert "already serves this area" in str(errors_of(body))


def test_grid_worker_is_held_in_a_grid(persona, region):
    m = Membership(user=persona("resident"), role=Role.GRID_WORKER, region=region("990101001001"))
    assert "Grid" in errors_of(m)["region"][0]


def test_department_handler_is_held_in_a_department(persona, region):
    m = Membership(user=persona("resident"), role=Role.DEPARTMENT_HANDLER, region=region("990101"))
    assert "body" in errors_of(m)


def test_same_role_twice_in_the_same_unit_is_refused(persona, region):
    m = Membership(
        user=persona("gridworker"), role=Role.GRID_WORKER, region=region("990101001001001")
    )
    assert "already holds this role" in errors_of(m)["role"][0]


def test_grid_leader_over_several_grids(persona):
    grids = persona("gridleader").memberships.active().filter(role=Role.GRID_LEADER)
    assert grids.count() == 3


def test_duty_phone_is_validated(persona, region):
    m = Membership(
        user=persona("resident"),
        role=Role.GRID_WORKER,
        region=region("990101001001002"),
        duty_phone="call me",
    )
    assert "phone" in str(errors_of(m)["duty_phone"])


def test_end_date_before_start_is_refused(persona, region):
    import datetime

    m = Membership(
        user=persona("resident"),
        role=Role.GRID_WORKER,
        region=region("990101001001002"),
        started_on=datetime.date(2026, 5, 1),
        ended_on=datetime.date(2026, 4, 1),
    )
    assert "ended_on" in errors_of(m)


def test_adding_and_ending_a_membership_is_audited(persona, region):
    admin = persona("admin")
    m = do_save_membership(
        Membership(
            user=persona("resident"),
            role=Role.GRID_WORKER,
            region=region("990101001001002"),
            title="兼职网格员",
        ),
        actor=admin,
        note="聘任",
    )
    assert AuditEvent.objects.for_object(m).get().action == "org.membership.create"
    do_end_membership(m, actor=admin, note="离任")
    assert not Membership.objects.active().filter(pk=m.pk).exists()
    assert AuditEvent.objects.for_object(m).count() == 2


def test_only_administrators_change_the_structure(persona, region):
    body = Body(kind=BodyKind.RESIDENTS_COMMITTEE, name="x居委会", region=region("990101001001"))
    for username in ("community", "leader", "auditor", "gridworker"):
        with pytest.raises(PermissionDenied):
            do_save_body(body, actor=persona(username))
    assert not Body.objects.filter(name="x居委会").exists()


def test_a_street_administrator_cannot_change_another_street(persona, region):
    from shanzhi.core.models import User

    admin2 = User.objects.create(username="admin-street2")
    do_save_membership(
        Membership(user=admin2, role=Role.ADMINISTRATOR, region=region("990101002")),
        actor=persona("admin"),
    )
    admin2 = User.objects.get(pk=admin2.pk)
    assert admin2.is_staff
    body = Body(kind=BodyKind.RESIDENTS_COMMITTEE, name="y居委会", region=region("990101001001"))
    with pytest.raises(PermissionDenied):
        do_save_body(body, actor=admin2)
    own = Body(kind=BodyKind.RESIDENTS_COMMITTEE, name="y居委会", region=region("990101002001"))
    do_save_body(own, actor=admin2)
    assert own.pk


def test_body_parents_cannot_form_a_cycle():
    department = Body.objects.get(name="区公安分局")
    station = Body.objects.get(name="东湖派出所")
    assert station.parent == department
    department.parent = station
    assert "under itself" in errors_of(department)["parent"][0]
    department.parent = department
    assert "under itself" in errors_of(department)["parent"][0]


def test_a_membership_in_a_body_and_an_org_unit_must_agree(persona, region):
    office = Body.objects.get(name="东湖街道办事处")
    m = Membership(
        user=persona("resident"), role=Role.STREET_STAFF, region=region("990101002"), body=office
    )
    assert "serves" in errors_of(m)["body"][0]
    m.region = office.region
    m.full_clean()


def test_a_membership_starting_later_is_not_active_yet(persona, region):
    import datetime

    from django.utils import timezone

    m = do_save_membership(
        Membership(
            user=persona("resident"),
            role=Role.GRID_WORKER,
            region=region("990101001001002"),
            started_on=timezone.localdate() + datetime.timedelta(days=1),
        ),
        actor=persona("admin"),
    )
    assert not Membership.objects.active().filter(pk=m.pk).exists()


def test_administrator_role_opens_and_closes_the_admin_screens_audited(persona, region):
    from shanzhi.core.models import User

    person = User.objects.create_user("auditor-street2")
    m = do_save_membership(
        Membership(user=person, role=Role.AUDITOR, region=region("990101002")),
        actor=persona("admin"),
    )
    person.refresh_from_db()
    assert person.is_staff
    granted = AuditEvent.objects.for_object(person).get(action="core.user.grant_staff")
    assert granted.after == {"is_staff": True} and granted.scope_path == m.region.path
    do_end_membership(m, actor=persona("admin"), note="离任")
    person.refresh_from_db()
    assert not person.is_staff
    assert AuditEvent.objects.for_object(person).filter(action="core.user.revoke_staff").exists()


def test_ending_one_of_two_administrator_roles_keeps_the_admin_screens(persona, region):
    from shanzhi.core.models import User

    person = User.objects.create_user("admin-two-streets")
    first, _second = (
        do_save_membership(
            Membership(user=person, role=Role.ADMINISTRATOR, region=region(code)),
            actor=persona("admin"),
        )
        for code in ("990101002", "990101003")
    )
    do_end_membership(first, actor=persona("admin"))
    person.refresh_from_db()
    assert person.is_staff


def test_account_events_are_scoped_to_where_the_person_works(persona, region):
    from shanzhi.org.people import do_save_person

    worker = Membership.objects.filter(role=Role.GRID_WORKER, region__code="990101002001001").get()
    person = worker.user
    person.real_name = "新名字"
    do_save_person(person, actor=persona("admin"), note="更正")
    event = AuditEvent.objects.for_object(person).last()
    assert event.scope_path == worker.region.path


def test_account_events_keep_contact_details_masked(persona):
    from shanzhi.lib import identity
    from shanzhi.org.people import do_save_person

    person = persona("resident")
    old_phone = person.phone
    person.phone, person.email = "13912345678", "zhang.san@example.com"
    do_save_person(person, actor=persona("admin"), note="更正")
    event = AuditEvent.objects.for_object(person).last()
    assert event.after["phone"] == "139****5678" and event.after["email"] == "z***@example.com"
    assert event.before["phone"] == identity.mask_mobile(old_phone)
    assert "13912345678" not in str(event.content()) and "zhang.san" not in str(event.content())
