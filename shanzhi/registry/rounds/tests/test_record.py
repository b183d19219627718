"""A grid worker's visits: my visits by date with the overdue ones marked, recording a
visit with the changes found, and the refusals that store nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from shanzhi.core import crypto
from shanzhi.core.models import AuditEvent
from shanzhi.core.roles import Role
from shanzhi.registry.models import Relation
from shanzhi.registry.rounds.actions import Proposal, do_record_visit
from shanzhi.registry.rounds.models import ChangeKind, ProposedChange, VisitState
from shanzhi.registry.rounds.tests.conftest import GRID_A, PNG
from shanzhi.registry.tests.conftest import GRID_A2, id_number, phone

pytestmark = pytest.mark.django_db


def record_form(**extra):
    data = {
        "outcome": "met",
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "notes": "",
        "place": "",
    }
    data.update(extra)
    return data


def test_my_visits_by_date_with_the_overdue_marked(client_of, worker, plan, family, flat):
    household, _head, _spouse = family
    later = plan(households=[household]).visits.get()
    sooner = plan(dwellings=[flat]).visits.get()
    sooner.due = timezone.localdate() - timedelta(days=2)  # planned earlier, now overdue
    sooner.save()
    page = client_of(worker).get(reverse("registry:rounds_mine")).content.decode()
    assert page.index(f"/visits/{sooner.pk}/") < page.index(f"/visits/{later.pk}/")
    assert 'data-overdue="1"' in page and "1 visit is overdue" in page


def test_the_visit_page_shows_the_household_and_the_change_forms(client_of, worker, visit, family):
    _household, head, _spouse = family
    response = client_of(worker).get(reverse("registry:rounds_visit", args=[visit.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="visit-form"' in page
    assert "王父" in page and "王母" in page and "139****0011" in page
    assert f'name="p{head.pk}-phone-phone"' in page and 'name="member-name"' in page
    assert 'name="hazard-text"' in page and 'name="tenant-name"' in page


def test_recording_a_visit_with_a_new_phone_and_a_photo(client_of, worker, visit, family):
    _household, head, _spouse = family
    data = record_form(
        **{f"p{head.pk}-phone-phone": "13912345678", f"p{head.pk}-phone-based_on": head.version}
    )
    data["photo"] = SimpleUploadedFile("IMG_王父家.png", PNG, content_type="image/png")
    response = client_of(worker).post(reverse("registry:rounds_visit", args=[visit.pk]), data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.state == VisitState.RECORDED and visit.outcome == "met"
    assert visit.photo.name.endswith(".png") and "王父" not in visit.photo.name
    change = visit.proposals.get()
    assert (change.kind, change.person, change.based_on) == (ChangeKind.PHONE, head, head.version)
    assert change.state == "pending" and change.values == {"phone_masked": "139****5678"}
    assert change.seen["phone"] == "139****0011"
    event = AuditEvent.objects.filter(action="registry.rounds.record").latest("seq")
    assert event.after["proposals"] == [[change.pk, "phone"]]
    # The photo is served to those who see the visit, not to others.
    photo = reverse("registry:rounds_photo", args=[visit.pk])
    assert client_of(worker).get(photo)["Cache-Control"] == "private, no-store"


def test_the_proposed_number_is_encrypted_at_rest(worker, visit, family):
    _household, head, _spouse = family
    do_record_visit(
        visit,
        actor=worker,
        outcome="met",
        visited_at=timezone.now(),
        proposals=[Proposal(ChangeKind.PHONE, head, {"phone": "13912345678"})],
    )
    change = ProposedChange.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT secret_encrypted, "values", seen FROM registry_proposedchange WHERE id = %s',
            [change.pk],
        )
        raw = " ".join(str(c) for c in cursor.fetchone())
    assert "13912345678" not in raw and "139****5678" in raw
    assert "13912345678" in crypto.decrypt(change.secret_encrypted)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": ""}, "Choose the outcome of the visit."),
        (
            {"visited_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
            "The time of the visit lies in the future.",
        ),
        (
            {"member-name": "王小", "member-relation": "child", "member-id_number": "1234"},
            "18 characters",
        ),
        ({"member-name": "", "member-relation": "child", "member-id_number": ""}, ""),
        ({"hazard-text": "x" * 501}, "at most 500"),
    ],
)
def test_bad_input_stores_nothing(client_of, worker, visit, family, data, message):
    _household, head, _spouse = family
    data = record_form(**{f"p{head.pk}-phone-phone": "13912345678", **data})
    response = client_of(worker).post(reverse("registry:rounds_visit", args=[visit.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    visit.refresh_from_db()
    assert visit.state == VisitState.PLANNED and not ProposedChange.objects.exists()


def test_a_new_member_without_a_name_is_refused(client_of, worker, visit):
    data = record_form(**{"member-relation": "child", "member-phone": "13900001111"})
    response = client_of(worker).post(reverse("registry:rounds_visit", args=[visit.pk]), data)
    assert response.status_code == 400 and "Enter the name." in response.content.decode()


def test_a_photo_that_is_not_a_photo_is_refused(client_of, worker, visit):
    data = record_form(photo=SimpleUploadedFile("x.png", b"MZ\x90\x00", content_type="image/png"))
    response = client_of(worker).post(reverse("registry:rounds_visit", args=[visit.pk]), data)
    assert response.status_code == 400 and "not a photo" in response.content.decode()


def test_the_same_phone_or_an_invalid_one_is_refused(worker, visit, family):
    _household, head, _spouse = family
    for value, message in ((phone(11), "on record already"), ("12345", "phone")):
        with pytest.raises(ValidationError) as caught:
            do_record_visit(
                visit,
                actor=worker,
                outcome="met",
                visited_at=timezone.now(),
                proposals=[Proposal(ChangeKind.PHONE, head, {"phone": value})],
            )
        assert message in " ".join(caught.value.messages)
    visit.refresh_from_db()
    assert visit.state == VisitState.PLANNED


def test_a_proposal_about_a_record_outside_the_grid_is_refused(worker, visit, register):
    elsewhere = register(51, name="周六", code=GRID_A2)
    with pytest.raises(ValidationError) as caught:
        do_record_visit(
            visit,
            actor=worker,
            outcome="met",
            visited_at=timezone.now(),
            proposals=[Proposal(ChangeKind.PHONE, elsewhere, {"phone": "13912345678"})],
        )
    assert "outside the grid of this visit" in caught.value.messages[0]
    visit.refresh_from_db()
    assert visit.state == VisitState.PLANNED and not ProposedChange.objects.exists()


def test_a_known_id_number_is_not_a_new_member(worker, visit, register):
    register(52, name="吴七")
    with pytest.raises(ValidationError) as caught:
        do_record_visit(
            visit,
            actor=worker,
            outcome="met",
            visited_at=timezone.now(),
            proposals=[
                Proposal(
                    ChangeKind.NEW_MEMBER,
                    visit.household,
                    {"name": "吴七", "relation": Relation.CHILD, "id_number": id_number(52)},
                )
            ],
        )
    assert "already registered" in caught.value.message_dict["id_number"][0]


def test_only_the_worker_given_the_visit_records_it(
    client_of, visit, staff, staff_b, make_user, persona
):
    url = reverse("registry:rounds_visit", args=[visit.pk])
    # Outside the area the visit does not exist.
    assert client_of(staff_b).get(url).status_code == 404
    other_grid = make_user("worker-a2", Role.GRID_WORKER, GRID_A2)
    assert client_of(other_grid).post(url, record_form()).status_code == 404
    # In the grid, but not given to them: refused.
    colleague = make_user("worker-a", Role.GRID_WORKER, GRID_A)
    assert client_of(colleague).post(url, record_form()).status_code == 403
    assert client_of(staff).post(url, record_form()).status_code == 403
    with pytest.raises(PermissionDenied):
        do_record_visit(visit, actor=colleague, outcome="met", visited_at=timezone.now())
    visit.refresh_from_db()
    assert visit.state == VisitState.PLANNED
    # The photo route and the residents resident list are not open to outsiders either.
    assert (
        client_of(staff_b).get(reverse("registry:rounds_photo", args=[visit.pk])).status_code == 404
    )
    assert client_of(persona("resident")).get(reverse("registry:rounds_mine")).status_code == 403


def test_a_visit_is_recorded_once(worker, visit):
    do_record_visit(visit, actor=worker, outcome="nobody_home", visited_at=timezone.now())
    with pytest.raises(ValidationError) as caught:
        do_record_visit(visit, actor=worker, outcome="met", visited_at=timezone.now())
    assert "already recorded" in caught.value.messages[0]
    visit.refresh_from_db()
    assert visit.outcome == "nobody_home"


def test_a_visit_before_it_was_planned_is_refused(worker, visit):
    with pytest.raises(ValidationError) as caught:
        do_record_visit(
            visit, actor=worker, outcome="met", visited_at=timezone.now() - timedelta(days=3)
        )
    assert "before it was planned" in caught.value.message_dict["visited_at"][0]


def test_others_see_the_visit_without_the_form(client_of, staff, visit):
    page = client_of(staff).get(reverse("registry:rounds_visit", args=[visit.pk])).content.decode()
    assert 'data-testid="visit-form"' not in page and 'data-testid="cancel-form"' in page
