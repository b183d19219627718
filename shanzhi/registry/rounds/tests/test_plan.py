"""Planning visits: who may plan where, for whom, and the refusals of bad plans."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from shanzhi.core.models import AuditEvent, Notification
from shanzhi.core.roles import Role
from shanzhi.registry.actions import do_add_care_tag
from shanzhi.registry.models import CareTagKind
from shanzhi.registry.rounds.actions import do_plan_visits
from shanzhi.registry.rounds.models import Visit, VisitPlan, VisitPurpose, VisitState
from shanzhi.registry.rounds.tests.conftest import GRID_A
from shanzhi.registry.tests.conftest import GRID_A2

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + timedelta(days=5)


def test_staff_plan_one_visit_per_target_for_a_worker_of_the_grid(plan, family, flat, worker):
    household, _head, _spouse = family
    visit_plan = plan(households=[household], dwellings=[flat, flat])
    visits = list(visit_plan.visits.order_by("pk"))
    assert [(v.household, v.dwelling) for v in visits] == [(household, None), (None, flat)]
    assert {v.worker for v in visits} == {worker} and {v.state for v in visits} == {"planned"}
    assert {v.path for v in visits} == {household.path}
    event = AuditEvent.objects.filter(action="registry.rounds.plan").latest("seq")
    assert event.after["households"] == [household.pk] and event.after["dwellings"] == [flat.pk]
    # The worker is told in the platform.
    assert Notification.objects.filter(recipient=worker, subject__contains="2").exists()


def test_a_grid_leader_plans_in_their_grids(family, worker, persona, grid):
    household, _head, _spouse = family
    leader = persona("gridleader")
    visit_plan = do_plan_visits(
        actor=leader,
        grid=grid(GRID_A),
        purpose=VisitPurpose.INFO_COLLECTION,
        worker=worker,
        due=SOON,
        households=[household],
    )
    assert visit_plan.visits.count() == 1 and visit_plan.planned_by == leader


def test_outside_the_area_or_without_the_duty_planning_is_refused(
    family, worker, staff_b, persona, grid
):
    household, _head, _spouse = family
    for who in (staff_b, worker, persona("auditor"), persona("leader")):
        with pytest.raises(PermissionDenied):
            do_plan_visits(
                actor=who,
                grid=grid(GRID_A),
                purpose=VisitPurpose.ROUTINE,
                worker=worker,
                due=SOON,
                households=[household],
            )
    assert not VisitPlan.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"due": timezone.localdate() - timedelta(days=1)}, "due", "has passed"),
        ({"households": []}, "__all__", "at least one household"),
        ({"purpose": "party"}, "purpose", "Choose why"),
        ({"purpose": VisitPurpose.RENTAL_CHECK}, "__all__", "dwellings only"),
        ({"purpose": VisitPurpose.CARE}, "care_kind", "care need"),
    ],
)
def test_bad_plans_are_refused_with_the_reason(
    staff, worker, family, grid, changes, field, message
):
    household, _head, _spouse = family
    fields = {
        "actor": staff,
        "grid": grid(GRID_A),
        "purpose": VisitPurpose.ROUTINE,
        "worker": worker,
        "due": SOON,
        "households": [household],
    }
    fields.update(changes)
    with pytest.raises(ValidationError) as caught:
        do_plan_visits(**fields)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Visit.objects.exists()


def test_a_worker_of_another_grid_and_a_target_of_another_grid_are_refused(
    staff, worker, family, grid, register, make_user
):
    household, _head, _spouse = family
    other_worker = make_user("worker-a2", Role.GRID_WORKER, GRID_A2)
    with pytest.raises(ValidationError) as caught:
        do_plan_visits(
            actor=staff,
            grid=grid(GRID_A),
            purpose=VisitPurpose.ROUTINE,
            worker=other_worker,
            due=SOON,
            households=[household],
        )
    assert "grid worker or grid leader of this grid" in caught.value.message_dict["worker"][0]
    elsewhere = register(31, name="李四", code=GRID_A2)
    with pytest.raises(ValidationError) as caught:
        do_plan_visits(
            actor=staff,
            grid=grid(GRID_A),
            purpose=VisitPurpose.ROUTINE,
            worker=worker,
            due=SOON,
            people=[elsewhere],
        )
    assert "outside the grid" in caught.value.messages[0]


def test_a_care_visit_goes_to_people_carrying_the_tag(staff, worker, register, grid):
    alone = register(21, name="赵奶奶")
    other = register(22, name="钱先生")
    do_add_care_tag(alone, CareTagKind.ELDERLY_ALONE, actor=staff)
    fields = {
        "actor": staff,
        "grid": grid(GRID_A),
        "purpose": VisitPurpose.CARE,
        "care_kind": CareTagKind.ELDERLY_ALONE,
        "worker": worker,
        "due": SOON,
    }
    with pytest.raises(ValidationError) as caught:
        do_plan_visits(people=[other], **fields)
    assert "does not carry the tag" in caught.value.message_dict["people"][0]
    # Low income is not a tag grid workers see: no care visit is planned for it.
    with pytest.raises(ValidationError):
        do_plan_visits(people=[alone], **{**fields, "care_kind": CareTagKind.LOW_INCOME})
    visit_plan = do_plan_visits(people=[alone], **fields)
    assert visit_plan.care_kind == CareTagKind.ELDERLY_ALONE


def test_the_plan_page_plans_and_refuses_unknown_households(
    client_of, staff, worker, family, grid, register
):
    household, _head, _spouse = family
    client = client_of(staff)
    url = reverse("registry:rounds_plan") + f"?grid={grid(GRID_A).pk}"
    page = client.get(url).content.decode()
    assert "H-11" in page and "王父" in page and worker.display_name in page
    data = {"purpose": "routine", "worker": worker.pk, "due": SOON.isoformat()}
    response = client.post(url, {**data, "households": [999999]})
    assert response.status_code == 400
    assert "“999999” is not a household of this grid" in response.content.decode()
    elsewhere = register(41, name="孙五", code=GRID_A2)
    response = client.post(url, {**data, "people": [elsewhere.pk]})
    assert response.status_code == 400 and not Visit.objects.exists()
    response = client.post(url, {**data, "households": [household.pk]})
    assert response.status_code == 302
    assert Visit.objects.get().household == household


def test_the_plan_page_refuses_a_grid_outside_the_area_and_workers(
    client_of, staff_b, worker, grid
):
    url = reverse("registry:rounds_plan") + f"?grid={grid(GRID_A).pk}"
    response = client_of(staff_b).get(url)
    assert response.status_code == 200
    assert "You do not plan visits in this grid" in response.content.decode()
    assert client_of(worker).get(reverse("registry:rounds_plan")).status_code == 403


def test_a_planner_cancels_a_visit_with_a_reason(client_of, staff, staff_b, visit, worker):
    url = reverse("registry:rounds_cancel", args=[visit.pk])
    assert client_of(staff_b).post(url, {"reason": "x"}).status_code == 404
    assert client_of(worker).post(url, {"reason": "x"}).status_code == 403
    response = client_of(staff).post(url, {"reason": ""})
    assert (
        response.status_code == 400
        and "Say why the visit is cancelled" in response.content.decode()
    )
    assert client_of(staff).post(url, {"reason": "住户外出"}).status_code == 302
    visit.refresh_from_db()
    assert visit.state == VisitState.CANCELLED and visit.cancel_reason == "住户外出"
