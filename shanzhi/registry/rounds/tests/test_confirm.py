"""Community staff confirm or reject what grid workers found; a record changed since the
visit is shown side by side and never silently overwritten."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from shanzhi.core.models import AuditEvent
from shanzhi.registry.actions import EditConflict, do_update_person
from shanzhi.registry.models import (
    CareTag,
    CareTagKind,
    HouseholdMember,
    PersonRecord,
    Relation,
    Tenancy,
)
from shanzhi.registry.rounds.actions import (
    Proposal,
    do_confirm_change,
    do_record_visit,
    do_reject_change,
)
from shanzhi.registry.rounds.changes import facts, token
from shanzhi.registry.rounds.models import ChangeKind, ChangeState
from shanzhi.registry.tests.conftest import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def propose(worker, visit):
    def make(*proposals):
        do_record_visit(
            visit,
            actor=worker,
            outcome="met",
            visited_at=timezone.now(),
            proposals=[Proposal(*p) for p in proposals],
        )
        return list(visit.proposals.order_by("pk"))

    return make


def current_phone(person):
    return PersonRecord.objects.current().get(person=person).phone


def test_confirming_a_new_phone_keeps_the_old_one_in_the_history(propose, family, staff):
    _household, head, _spouse = family
    (change,) = propose((ChangeKind.PHONE, head, {"phone": "13912345678"}))
    do_confirm_change(change, actor=staff)
    assert current_phone(head) == "13912345678"
    old = PersonRecord.objects.filter(person=head).exclude(valid_to=None).get()
    assert old.phone_masked == "139****0011"
    new = PersonRecord.objects.current().get(person=head)
    assert f"#{change.visit_id}" in new.reason
    change.refresh_from_db()
    assert change.state == ChangeState.APPLIED and change.decided_by == staff
    assert change.applied_on == change.based_on
    assert AuditEvent.objects.filter(action="registry.rounds.confirm", object_id=str(change.pk))
    with pytest.raises(ValidationError) as caught:
        do_confirm_change(change, actor=staff)
    assert "already decided" in caught.value.messages[0]


def test_a_change_made_since_is_a_conflict_and_nothing_is_overwritten(propose, family, staff):
    _household, head, _spouse = family
    (change,) = propose((ChangeKind.PHONE, head, {"phone": "13912345678"}))
    do_update_person(head, {"phone": "13800008888"}, actor=staff)
    with pytest.raises(EditConflict):
        do_confirm_change(change, actor=staff)
    assert current_phone(head) == "13800008888"
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING
    # Applied anyway, on the version the staff member saw side by side.
    seen_now = token(facts(change.kind, head))
    do_confirm_change(change, actor=staff, on_current=seen_now)
    assert current_phone(head) == "13912345678"
    change.refresh_from_db()
    assert change.applied_on == change.based_on + 1
    # Three records: registration, the staff member's change, the visit's.
    assert PersonRecord.objects.filter(person=head).count() == 3


def test_apply_on_current_is_refused_if_the_record_moved_on_again(propose, family, staff):
    _household, head, _spouse = family
    (change,) = propose((ChangeKind.PHONE, head, {"phone": "13912345678"}))
    do_update_person(head, {"phone": "13800008888"}, actor=staff)
    seen_now = token(facts(change.kind, head))
    head.refresh_from_db()
    do_update_person(head, {"phone": "13700007777"}, actor=staff)
    with pytest.raises(EditConflict):
        do_confirm_change(change, actor=staff, on_current=seen_now)
    assert current_phone(head) == "13700007777"


def test_the_conflict_page_shows_the_proposal_the_base_and_the_current_value(
    propose, family, staff, client_of
):
    _household, head, _spouse = family
    (change,) = propose((ChangeKind.PHONE, head, {"phone": "13912345678"}))
    do_update_person(head, {"phone": "13800008888"}, actor=staff)
    client = client_of(staff)
    url = reverse("registry:rounds_change", args=[change.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="moved-on"' in page
    assert "139****0011" in page and "138****8888" in page and "139****5678" in page
    assert 'data-testid="confirm-change"' not in page and 'data-testid="apply-current"' in page
    response = client.post(url, {"action": "confirm"})
    assert response.status_code == 409 and 'data-testid="conflict"' in response.content.decode()
    assert current_phone(head) == "13800008888"


def test_staff_edit_a_proposal_before_applying_it(propose, family, staff, client_of):
    _household, head, _spouse = family
    (change,) = propose((ChangeKind.PHONE, head, {"phone": "13912345678"}))
    client = client_of(staff)
    url = reverse("registry:rounds_change", args=[change.pk])
    seen_now = token(facts(change.kind, head))
    response = client.post(url, {"action": "edit", "token": seen_now, "edit-phone": "12"})
    assert response.status_code == 400 and "phone" in response.content.decode()
    response = client.post(url, {"action": "edit", "token": seen_now, "edit-phone": "13911112222"})
    assert response.status_code == 302
    assert current_phone(head) == "13911112222"
    change.refresh_from_db()
    assert change.values == {"phone_masked": "139****2222"}
    assert change.original_values == {"phone_masked": "139****5678"}


def test_rejecting_needs_a_reason(propose, family, staff, client_of):
    _household, head, _spouse = family
    (change,) = propose((ChangeKind.PHONE, head, {"phone": "13912345678"}))
    url = reverse("registry:rounds_change", args=[change.pk])
    response = client_of(staff).post(url, {"action": "reject", "reason": " "})
    assert (
        response.status_code == 400
        and "Say why the change is rejected" in response.content.decode()
    )
    assert client_of(staff).post(url, {"action": "reject", "reason": "号码有误"}).status_code == 302
    change.refresh_from_db()
    assert (change.state, change.reason) == (ChangeState.REJECTED, "号码有误")
    assert current_phone(head) != "13912345678"


def test_other_communities_and_grid_workers_cannot_decide(
    propose, family, staff_b, worker, client_of
):
    _household, head, _spouse = family
    (change,) = propose((ChangeKind.PHONE, head, {"phone": "13912345678"}))
    url = reverse("registry:rounds_change", args=[change.pk])
    client = client_of(staff_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "confirm"}).status_code == 404
    listed = client.get(reverse("registry:rounds_changes")).content.decode()
    assert f"/changes/{change.pk}/" not in listed
    with pytest.raises(PermissionDenied):
        do_confirm_change(change, actor=staff_b)
    with pytest.raises(PermissionDenied):
        do_reject_change(change, actor=staff_b, reason="x")
    # The worker sees their proposal but does not decide on it.
    client = client_of(worker)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "confirm"}).status_code == 403
    assert client.get(reverse("registry:rounds_changes")).status_code == 403
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING


def test_the_pending_list_flags_changes_made_since(propose, family, staff, client_of):
    _household, head, spouse = family
    first, second = propose(
        (ChangeKind.PHONE, head, {"phone": "13912345678"}),
        (ChangeKind.PHONE, spouse, {"phone": "13912340000"}),
    )
    do_update_person(spouse, {"name": "王母亲"}, actor=staff)
    page = client_of(staff).get(reverse("registry:rounds_changes")).content.decode()
    assert page.count("changed since") == 1
    assert f"/changes/{first.pk}/" in page and f"/changes/{second.pk}/" in page


def test_a_new_member_is_registered_into_the_household(propose, family, staff):
    household, _head, _spouse = family
    (change,) = propose(
        (
            ChangeKind.NEW_MEMBER,
            household,
            {"name": "王小", "relation": Relation.CHILD, "id_number": id_number(13, "20100101")},
        )
    )
    assert change.values["id_number_masked"].startswith("9901")
    do_confirm_change(change, actor=staff)
    member = HouseholdMember.objects.current().get(household=household, relation="child")
    record = PersonRecord.objects.current().get(person=member.person)
    assert record.name == "王小" and record.dwelling == household.dwelling


def test_a_tenant_moving_in_and_a_hazard(propose, flat, staff, worker, plan):
    visit = plan(dwellings=[flat]).visits.get()
    do_record_visit(
        visit,
        actor=worker,
        outcome="met",
        visited_at=timezone.now(),
        proposals=[
            Proposal(ChangeKind.NEW_TENANT, flat, {"name": "郑八", "phone": "13600001234"}),
            Proposal(ChangeKind.HAZARD, flat, {"text": "楼道堆放电动车充电"}),
        ],
    )
    tenant, hazard = visit.proposals.order_by("pk")
    do_confirm_change(tenant, actor=staff)
    tenancy = Tenancy.objects.current().get(dwelling=flat)
    assert PersonRecord.objects.current().get(person=tenant.person or tenancy.tenant).name == "郑八"
    # The tenancy does not change the dwelling's version: the hazard still applies.
    do_confirm_change(hazard, actor=staff)
    flat.refresh_from_db()
    assert "楼道堆放电动车充电" in flat.hazard_notes


def test_a_care_need_and_a_move_out(propose, family, staff):
    _household, head, spouse = family
    care, moved = propose(
        (ChangeKind.CARE_NEED, head, {"care_kind": CareTagKind.DISABLED, "note": "行动不便"}),
        (ChangeKind.MOVED_OUT, spouse, {}),
    )
    do_confirm_change(care, actor=staff)
    assert CareTag.objects.current().get(person=head).kind == CareTagKind.DISABLED
    do_confirm_change(moved, actor=staff)
    assert not PersonRecord.objects.current().filter(person=spouse).exists()
    assert not HouseholdMember.objects.current().filter(person=spouse).exists()
