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
