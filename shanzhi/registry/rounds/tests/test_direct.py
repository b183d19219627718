"""A community may let its grid workers' changes apply without confirmation; each is
still audited with its visit, and one the registry refuses waits for the staff."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from shanzhi.core.models import AuditEvent
from shanzhi.registry.actions import do_update_person
from shanzhi.registry.models import PersonRecord
from shanzhi.registry.rounds.actions import Proposal, do_record_visit, do_set_rounds_config
from shanzhi.registry.rounds.models import ChangeKind, ChangeState, RoundsConfig
from shanzhi.registry.rounds.tests.conftest import GRID_A
from shanzhi.registry.tests.conftest import COMMUNITY_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct(staff, grid):
    return do_set_rounds_config(grid(COMMUNITY_A), actor=staff, workers_apply_directly=True)


def test_workers_changes_apply_at_once_and_are_audited_with_the_visit(
    direct, worker, visit, family, grid
):
    _household, head, _spouse = family
    assert RoundsConfig.applies_directly(grid(GRID_A))
    do_record_visit(
        visit,
        actor=worker,
        outcome="met",
        visited_at=timezone.now(),
        proposals=[Proposal(ChangeKind.PHONE, head, {"phone": "13912345678"})],
    )
    assert PersonRecord.objects.current().get(person=head).phone == "13912345678"
    change = visit.proposals.get()
    assert change.state == ChangeState.APPLIED and change.applied_directly
    assert change.decided_by == worker
    ours = AuditEvent.objects.get(action="registry.rounds.apply_directly")
    assert ours.actor == worker and ours.after["visit"] == visit.pk
    theirs = AuditEvent.objects.filter(action="registry.person.update").latest("seq")
    assert f"#{visit.pk}" in theirs.note and worker.display_name in theirs.note


def test_a_change_the_registry_refuses_waits_for_the_staff(direct, worker, visit, family, staff):
    _household, head, _spouse = family
    head.refresh_from_db()
    visit_page_version = head.version
    do_update_person(head, {"phone": "13800008888"}, actor=staff)
    do_record_visit(
        visit,
        actor=worker,
        outcome="met",
        visited_at=timezone.now(),
        proposals=[
            Proposal(ChangeKind.PHONE, head, {"phone": "13912345678"}, based_on=visit_page_version)
        ],
    )
    change = visit.proposals.get()
    assert change.state == ChangeState.PENDING and "changed" in change.last_error
    assert PersonRecord.objects.current().get(person=head).phone == "13800008888"


def test_without_the_setting_changes_wait(worker, visit, family):
    _household, head, _spouse = family
    do_record_visit(
        visit,
        actor=worker,
        outcome="met",
        visited_at=timezone.now(),
        proposals=[Proposal(ChangeKind.PHONE, head, {"phone": "13912345678"})],
    )
    assert visit.proposals.get().state == ChangeState.PENDING
    assert PersonRecord.objects.current().get(person=head).phone != "13912345678"


def test_only_the_communitys_keepers_change_the_setting(client_of, staff, staff_b, worker, grid):
    community = grid(COMMUNITY_A)
    for who in (staff_b, worker):
        with pytest.raises(PermissionDenied):
            do_set_rounds_config(community, actor=who, workers_apply_directly=True)
    with pytest.raises(ValidationError):
        do_set_rounds_config(grid(GRID_A), actor=staff, workers_apply_directly=True)
    url = reverse("registry:rounds_config")
    assert client_of(worker).get(url).status_code == 403
    response = client_of(staff_b).post(
        url, {"community": community.pk, "workers_apply_directly": "on"}
    )
    assert response.status_code == 400 and "do not keep the registry" in response.content.decode()
    assert not RoundsConfig.objects.exists()
    response = client_of(staff).post(
        url, {"community": community.pk, "workers_apply_directly": "on"}
    )
    assert response.status_code == 302 and RoundsConfig.applies_directly(grid(GRID_A))
    event = AuditEvent.objects.filter(action="registry.rounds.config").latest("seq")
    assert event.before == {"workers_apply_directly": False} and event.actor == staff
    client_of(staff).post(url, {"community": community.pk})
    assert not RoundsConfig.applies_directly(grid(GRID_A))


def test_a_household_moving_away_leaves_head_last(direct, worker, visit, family):
    household, head, spouse = family
    do_record_visit(
        visit,
        actor=worker,
        outcome="moved_away",
        visited_at=timezone.now(),
        proposals=[
            Proposal(ChangeKind.MOVED_OUT, head, {}),
            Proposal(ChangeKind.MOVED_OUT, spouse, {}),
        ],
    )
    assert set(visit.proposals.values_list("state", flat=True)) == {ChangeState.APPLIED}
    assert not PersonRecord.objects.current().filter(person__in=[head, spouse]).exists()
    household.refresh_from_db()
    assert household.dissolved_on == timezone.localdate()
