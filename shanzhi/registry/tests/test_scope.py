"""Staff of community A cannot see community B's people by page, search, export or
access helper; a grid worker sees their own grid; roles without a registry duty see
nothing; read-only roles change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from shanzhi.core.roles import Role
from shanzhi.registry.access import access_person
from shanzhi.registry.actions import do_export_people, do_update_person
from shanzhi.registry.models import Person
from shanzhi.registry.tests.conftest import (
    COMMUNITY_A,
    COMMUNITY_B,
    GRID_A2,
    GRID_B,
    id_number,
    phone,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(register, staff_b):
    return {
        "a": register(1, name="甲社区居民"),
        "a2": register(2, name="甲社区二格", code=GRID_A2),
        "b": register(3, name="乙社区居民", code=GRID_B, actor=staff_b),
    }


def test_community_b_cannot_reach_community_a_people(people, staff_b, client_of, region):
    a = people["a"]
    with pytest.raises(Http404):
        access_person(staff_b, a.pk)
    assert a not in Person.objects.visible_to(staff_b)
    client = client_of(staff_b)
    assert client.get(reverse("registry:person", args=[a.pk])).status_code == 404
    for q in (id_number(1), phone(1), "甲社区"):
        page = client.get(reverse("registry:people"), {"q": q}).content.decode()
        assert "甲社区居民" not in page and "Nobody found." in page, q
    page = client.get(reverse("registry:people")).content.decode()
    assert "乙社区居民" in page and "甲社区居民" not in page
    with pytest.raises(PermissionDenied):
        do_export_people(actor=staff_b, area=region(COMMUNITY_A), purpose="contact")


def test_community_a_sees_its_own_by_page_and_search(people, persona, client_of):
    client = client_of(persona("community"))
    for q in (id_number(1), phone(1), "甲社区居"):
        page = client.get(reverse("registry:people"), {"q": q}).content.decode()
        assert "甲社区居民" in page, q
    page = client.get(reverse("registry:people")).content.decode()
    assert "甲社区居民" in page and "甲社区二格" in page and "乙社区居民" not in page
    assert access_person(persona("community"), people["a"].pk) == people["a"]


def test_a_grid_worker_sees_their_grid_only(people, persona):
    worker = persona("gridworker")
    visible = set(Person.objects.visible_to(worker))
    assert people["a"] in visible
    assert people["a2"] not in visible and people["b"] not in visible


def test_street_and_district_roles_see_the_whole_area(people, persona):
    for username in ("streetstaff", "leader", "auditor"):
        visible = set(Person.objects.visible_to(persona(username)))
        assert {people["a"], people["a2"], people["b"]} <= visible, username


@pytest.mark.parametrize("username", ["resident", "admin", "department", "dispatcher", "legal"])
def test_roles_without_a_registry_duty_are_refused(people, persona, client_of, username):
    user = persona(username)
    assert not Person.objects.visible_to(user).exists()
    client = client_of(user)
    assert client.get(reverse("registry:people")).status_code == 403
    assert client.get(reverse("registry:buildings")).status_code == 403
    assert client.get(reverse("registry:person", args=[people["a"].pk])).status_code == 404


@pytest.mark.parametrize("username", ["auditor", "leader", "gridworker"])
def test_read_only_roles_change_nothing(people, persona, username):
    user = persona(username)
    assert access_person(user, people["a"].pk) == people["a"]
    with pytest.raises(PermissionDenied):
        access_person(user, people["a"].pk, for_write=True)
    with pytest.raises(PermissionDenied):
        do_update_person(people["a"], {"name": "改名"}, actor=user)


def test_registering_outside_the_area_is_refused(register, make_user, persona):
    with pytest.raises(ValidationError) as caught:
        register(5, code=GRID_B)  # community A's staff, grid of community B
    assert "lies outside your area" in caught.value.message_dict["grid"][0]
    with pytest.raises(PermissionDenied):
        register(6, actor="gridworker")
    other = make_user("staff-b2", Role.COMMUNITY_STAFF, COMMUNITY_B)
    with pytest.raises(ValidationError):
        register(7, actor=other)  # B's staff, grid of A
    assert not Person.objects.filter(records__name="张三").exists()
