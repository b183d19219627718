"""The admin screens write through the audited actions and refuse bad input whole."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from shanzhi.core.models import AuditEvent, User
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def region_form(parent, **overrides):
    data = {
        "level": "community",
        "name": "新社区",
        "code": parent.code + "009",
        "parent": parent.pk,
        "households": "",
        "geometry": "null",
        "is_active": "on",
        "change_note": "新建",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_unit_with_an_audit_event(client_as, region):
    client = client_as("admin")
    street = region("990101001")
    response = client.post(reverse("admin:org_region_add"), region_form(street))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Region.objects.get(code="990101001009")
    assert created.path == f"{street.path}{created.pk}/"
    event = AuditEvent.objects.for_object(created).get()
    assert event.action == "org.region.create" and event.note == "新建"
    assert event.actor.username == "admin"


def test_admin_refuses_a_bad_code_and_stores_nothing(client_as, region):
    client = client_as("admin")
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("admin:org_region_add"), region_form(region("990101001"), code="990101002009")
    )
    assert response.status_code == 200
    assert "must start with the code of its parent unit" in response.content.decode()
    assert not Region.objects.filter(code="990101002009").exists()
    assert AuditEvent.objects.count() == before


def test_admin_refuses_malformed_geojson(client_as, region):
    client = client_as("admin")
    community = region("990101001001")
    data = region_form(community, level="grid", code="990101001001099", geometry="{bad json")
    response = client.post(reverse("admin:org_region_add"), data)
    assert response.status_code == 200
    assert not Region.objects.filter(code="990101001001099").exists()


def test_admin_change_needs_a_reason(client_as, region):
    client = client_as("admin")
    grid = region("990101001001001")
    url = reverse("admin:org_region_change", args=[grid.pk])
    data = region_form(
        grid.parent,
        level="grid",
        code=grid.code,
        name="改名",
        geometry=json.dumps(grid.geometry),
        change_note="",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert region(grid.code).name != "改名"
    data["change_note"] = "居民建议更名"
    assert client.post(url, data).status_code == 302
    assert region(grid.code).name == "改名"
    assert AuditEvent.objects.for_object(grid).last().note == "居民建议更名"


def test_admin_creates_a_person_and_refuses_a_duplicate_phone(client_as, persona):
    client = client_as("admin")
    url = reverse("admin:core_user_add")
    taken = persona("gridworker").phone
    data = {
        "username": "newperson",
        "real_name": "新人",
        "phone": taken,
        "id_number": "",
        "password1": "a-Long-passphrase-2026",
        "password2": "a-Long-passphrase-2026",
        "change_note": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This mobile number is already registered." in response.content.decode()
    assert not User.objects.filter(username="newperson").exists()
    data["phone"] = "19900009999"
    response = client.post(url, data)
    assert response.status_code == 302
    person = User.objects.get(username="newperson")
    assert AuditEvent.objects.for_object(person).get().action == "core.user.create"


def test_admin_never_deletes(client_as, region):
    client = client_as("admin")
    grid = region("990101001001001")
    response = client.post(reverse("admin:org_region_delete", args=[grid.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Region.objects.filter(pk=grid.pk).exists()


def test_body_admin_refuses_wrong_level(client_as, region):
    client = client_as("admin")
    data = {
        "kind": "department",
        "name": "区新局",
        "region": region("990101001").pk,
        "parent": "",
        "phone": "",
        "address": "",
        "duties": "",
        "is_active": "on",
    }
    response = client.post(reverse("admin:org_body_add"), data)
    assert response.status_code == 200
    assert not Body.objects.filter(name="区新局").exists()
