"""Masked values stay masked unless revealed with a logged purpose, by a role whose duty
needs the full value; the access log is read by the auditors of the area only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from shanzhi.core.models import AuditEvent
from shanzhi.core.roles import Role
from shanzhi.registry.actions import do_create_organisation, do_reveal_field
from shanzhi.registry.models import (
    AccessKind,
    Organisation,
    OrganisationKind,
    PersonalDataAccess,
)
from shanzhi.registry.tests.conftest import GRID_A, OTHER_STREET, id_number, phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(register):
    return register(21, name="王小明")


def url(person):
    return reverse("registry:reveal", args=[person.pk])


def test_the_card_and_the_list_show_masked_values(person, persona, client_of):
    client = client_of(persona("community"))
    for page in (
        client.get(reverse("registry:person", args=[person.pk])).content.decode(),
        client.get(reverse("registry:people"), {"q": "王小明"}).content.decode(),
    ):
        assert "王小明" in page
        assert id_number(21) not in page and phone(21) not in page
        assert "9901**********" + id_number(21)[-4:] in page and "139****0021" in page


def test_community_staff_reveal_the_id_number_with_a_purpose(person, persona, client_of):
    client = client_of(persona("community"))
    card = client.get(reverse("registry:person", args=[person.pk])).content.decode()
    assert 'data-testid="reveal-id_number"' in card and 'data-testid="reveal-phone"' in card
    response = client.post(
        url(person), {"field": "id_number", "purpose": "verify_identity"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and id_number(21) in response.content.decode()
    entry = PersonalDataAccess.objects.get()
    assert (entry.kind, entry.field, entry.purpose) == (
        AccessKind.REVEAL,
        "id_number",
        "verify_identity",
    )
    assert entry.actor.username == "community" and entry.path == person.path
    event = AuditEvent.objects.for_object(person).get(action="registry.reveal")
    assert event.after == {"field": "id_number", "purpose": "verify_identity"}
    assert id_number(21) not in str(event.after) + event.note
    # Without htmx: a small page with the value; the card itself stays masked.
    response = client.post(url(person), {"field": "phone", "purpose": "contact"})
    assert response.status_code == 200 and phone(21) in response.content.decode()
    card = client.get(reverse("registry:person", args=[person.pk])).content.decode()
    assert phone(21) not in card and PersonalDataAccess.objects.count() == 2


def test_a_grid_worker_may_call_but_not_read_the_id_number(person, persona, client_of):
    client = client_of(persona("gridworker"))
    card = client.get(reverse("registry:person", args=[person.pk])).content.decode()
    assert 'data-testid="reveal-phone"' in card and 'data-testid="reveal-id_number"' not in card
    response = client.post(url(person), {"field": "id_number", "purpose": "contact"})
    assert response.status_code == 403 and id_number(21) not in response.content.decode()
    response = client.post(url(person), {"field": "phone", "purpose": "contact"})
    assert response.status_code == 200 and phone(21) in response.content.decode()
    assert list(PersonalDataAccess.objects.values_list("field", flat=True)) == ["phone"]


@pytest.mark.parametrize("username", ["leader", "auditor"])
def test_overseers_read_masked_values_only(person, persona, client_of, username):
    client = client_of(persona(username))
    card = client.get(reverse("registry:person", args=[person.pk])).content.decode()
    assert "王小明" in card and "reveal-" not in card
    for field in ("id_number", "phone"):
        response = client.post(url(person), {"field": field, "purpose": "contact"})
        assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"field": "id_number", "purpose": ""},
        {"field": "id_number", "purpose": "curiosity"},
        {"field": "password", "purpose": "contact"},
        {"purpose": "contact"},
    ],
)
def test_a_reveal_needs_a_known_field_and_purpose(person, persona, client_of, data):
    response = client_of(persona("community")).post(url(person), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert id_number(21) not in body and phone(21) not in body
    assert not PersonalDataAccess.objects.exists()


def test_outside_the_area_the_person_does_not_exist(person, staff_b, client_of):
    response = client_of(staff_b).post(url(person), {"field": "phone", "purpose": "contact"})
    assert response.status_code == 404 and not PersonalDataAccess.objects.exists()
    with pytest.raises(PermissionDenied):
        do_reveal_field(person, "phone", actor=staff_b, purpose="contact")


def test_only_post_reveals(person, persona, client_of):
    response = client_of(persona("community")).get(url(person))
    assert response.status_code == 405 and not PersonalDataAccess.objects.exists()


def test_an_organisation_contact_phone_is_revealed_the_same_way(persona, grid):
    organisation = do_create_organisation(
        Organisation(
            kind=OrganisationKind.SOCIAL_ORGANISATION, name="示范志愿者协会", grid=grid(GRID_A)
        ),
        actor=persona("community"),
        contact_phone="025-12345678",
    )
    assert organisation.contact_phone_masked == "025****5678"
    value = do_reveal_field(
        organisation, "contact_phone", actor=persona("gridworker"), purpose="contact"
    )
    assert value == "02512345678"
    assert PersonalDataAccess.objects.get().object_type == "registry.organisation"
    with pytest.raises(PermissionDenied):
        do_reveal_field(organisation, "contact_phone", actor=persona("leader"), purpose="contact")


def test_the_access_log_is_read_by_the_auditors_of_the_area_only(
    person, persona, client_of, make_user
):
    do_reveal_field(person, "id_number", actor=persona("community"), purpose="assistance")
    log = reverse("registry:access_log")
    page = client_of(persona("auditor")).get(log).content.decode()  # district auditor
    assert "Social assistance, care or subsidy application" in page and "id_number" in page
    assert id_number(21) not in page
    other = make_user("auditor-west", Role.AUDITOR, OTHER_STREET)
    page = client_of(other).get(log)
    assert page.status_code == 200 and "id_number" not in page.content.decode()
    assert not PersonalDataAccess.objects.visible_to(other).exists()
    assert PersonalDataAccess.objects.visible_to(persona("auditor")).count() == 1
    for username in ("community", "gridworker", "streetstaff"):
        assert client_of(persona(username)).get(log).status_code == 403, username


def test_the_access_log_is_append_only(person, persona):
    do_reveal_field(person, "phone", actor=persona("community"), purpose="contact")
    entry = PersonalDataAccess.objects.get()
    entry.purpose = "safety"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
