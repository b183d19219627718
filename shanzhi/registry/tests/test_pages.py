"""The registry pages: search, the person card with its history, buildings per grid,
and the link in the navigation."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from shanzhi.registry.actions import (
    do_add_care_tag,
    do_create_building,
    do_create_dwelling,
    do_create_household,
    do_move_person,
)
from shanzhi.registry.models import Building, Dwelling, DwellingUse
from shanzhi.registry.tests.conftest import GRID_A, GRID_B, id_number, phone

pytestmark = pytest.mark.django_db


def test_search_by_exact_numbers_and_by_name(register, persona, client_of):
    register(61, name="欧阳明月")
    register(62, name="欧阳修")
    client = client_of(persona("community"))
    people = reverse("registry:people")
    page = client.get(people, {"q": id_number(61)}).content.decode()
    assert "欧阳明月" in page and "欧阳修" not in page
    old_form = id_number(61)[:6] + id_number(61)[8:17]  # the 15-digit number of before 1999
    page = client.get(people, {"q": old_form}).content.decode()
    assert "欧阳明月" in page and "欧阳修" not in page
    page = client.get(people, {"q": phone(62)}).content.decode()
    assert "欧阳修" in page and "欧阳明月" not in page
    page = client.get(people, {"q": "欧阳"}).content.decode()
    assert "欧阳修" in page and "欧阳明月" in page
    # Part of a number finds nothing: numbers are matched exactly, never by prefix.
    page = client.get(people, {"q": id_number(61)[:10]}).content.decode()
    assert "欧阳明月" not in page


def test_a_mistyped_id_number_says_why_nothing_was_found(register, persona, client_of):
    register(63, name="某甲")
    wrong = id_number(63)[:17] + ("0" if id_number(63)[17] != "0" else "1")
    response = client_of(persona("community")).get(reverse("registry:people"), {"q": wrong})
    page = response.content.decode()
    assert response.status_code == 200 and "check character is wrong" in page
    assert "某甲" not in page
    response = client_of(persona("community")).get(reverse("registry:people"), {"q": "x" * 60})
    assert "at most 50 characters" in response.content.decode()


def test_the_card_shows_the_history_and_the_household(register, persona, client_of):
    staff = persona("community")
    person = register(64, name="李明")
    do_move_person(
        person,
        actor=staff,
        current_address="示范路200号",
        effective=date.today() - timedelta(days=2),
        reason="购房搬迁",
    )
    do_create_household(actor=staff, head=person)
    do_add_care_tag(person, "low_income", actor=staff)
    client = client_of(staff)
    page = client.get(reverse("registry:person", args=[person.pk])).content.decode()
    assert "示范路200号" in page and "示范路64号" in page and "购房搬迁" in page
    assert 'data-testid="household"' in page and "Low income" in page
    # The grid worker's duty does not cover low income: the tag is not shown to them.
    page = client_of(persona("gridworker")).get(reverse("registry:person", args=[person.pk]))
    assert "Low income" not in page.content.decode() and "示范路200号" in page.content.decode()


def test_people_who_left_are_listed_on_request(register, persona, client_of):
    from shanzhi.registry.actions import DeregistrationReason, do_deregister_person

    person = register(65, name="已迁出")
    do_deregister_person(person, actor=persona("community"), reason=DeregistrationReason.MOVED_AWAY)
    client = client_of(persona("community"))
    assert "已迁出" not in client.get(reverse("registry:people")).content.decode()
    page = client.get(reverse("registry:people"), {"former": "on"}).content.decode()
    assert "已迁出" in page
    card = client.get(reverse("registry:person", args=[person.pk])).content.decode()
    assert "no longer lives in the area" in card


def test_buildings_of_a_grid(persona, grid, client_of, staff_b):
    staff = persona("community")
    building = do_create_building(
        Building(name="8号楼", address="示范路30号8号楼", grid=grid(GRID_A), floors=5), actor=staff
    )
    do_create_dwelling(Dwelling(building=building, room="101", use=DwellingUse.RENTED), actor=staff)
    do_create_dwelling(Dwelling(building=building, room="102", use=DwellingUse.OWN), actor=staff)
    client = client_of(persona("gridworker"))
    page = client.get(reverse("registry:buildings"), {"grid": grid(GRID_A).pk}).content.decode()
    assert "示范路30号8号楼" in page and "<td>2</td><td>1</td>" in page
    # Someone of community B cannot pick community A's grid: the choice is refused.
    page = client_of(staff_b).get(reverse("registry:buildings"), {"grid": grid(GRID_A).pk})
    assert "示范路30号8号楼" not in page.content.decode()
    assert "Select a valid choice" in page.content.decode()
    page = client_of(staff_b).get(reverse("registry:buildings"), {"grid": grid(GRID_B).pk})
    assert "No buildings registered in this grid." in page.content.decode()


def test_the_navigation_links_the_registry_for_its_roles_only(persona, client_of):
    for username, shown in (("community", True), ("auditor", True), ("resident", False)):
        page = client_of(persona(username)).get(reverse("case_report")).content.decode()
        assert ('data-testid="registry-link"' in page) is shown, username
