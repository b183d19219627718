"""A small registry for the summary tests, written through the actions: five people in
community A (three registered, one floating, one foreign national), one person in
community B, two households, a building with a rented dwelling, care tags of every kind
that matters for visibility, and organisations. All in effect since ``PAST``."""

from dataclasses import dataclass
from datetime import date

from shanzhi.registry.actions import (
    do_add_care_tag,
    do_add_household_member,
    do_create_building,
    do_create_dwelling,
    do_create_household,
    do_create_organisation,
    do_start_tenancy,
)
from shanzhi.registry.models import Building, Dwelling, DwellingUse, Organisation
from shanzhi.registry.tests.conftest import GRID_A, GRID_A2, GRID_B, PAST, id_number

BORN = {  # who, (ID sequence, birth date)
    "a": (1, date(1980, 1, 1)),  # man, registered, lives at the registered address
    "b": (2, date(2020, 6, 15)),  # girl, registered, lives elsewhere (人户分离)
    "c": (3, date(1995, 3, 10)),  # man, floating, tenant
    "d": (4, date(1940, 2, 2)),  # woman, registered, living alone, disabled
    "f": (5, date(1985, 7, 7)),  # man in community B
}


@dataclass
class World:
    people: dict
    households: list


def age_today(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def build_world(register, persona, grid) -> World:
    staff, staff_street = persona("community"), persona("streetstaff")

    def person(key, **extra):
        n, born = BORN[key]
        return register(
            n, name=f"测试{key}", id_number=id_number(n, born.strftime("%Y%m%d")), **extra
        )

    people = {
        "a": person("a"),
        "b": person("b", code=GRID_A2, lives_at_registration=False),
        "c": person("c", registration_type="floating"),
        "d": person("d"),
        "e": register(
            9,
            name="Test Foreign",
            code=GRID_A2,
            id_number="",
            sex="2",
            birth_date=date(1990, 5, 5),
            registration_type="foreign",
        ),
        "f": person("f", code=GRID_B, actor=staff_street),
    }
    first = do_create_household(actor=staff, head=people["a"], valid_from=PAST)
    do_add_household_member(first, people["b"], "child", actor=staff, valid_from=PAST)
    second = do_create_household(actor=staff, head=people["d"], valid_from=PAST)
    third = do_create_household(actor=staff_street, head=people["f"], valid_from=PAST)
    for key, kind in (("a", "low_income"), ("d", "elderly_alone"), ("d", "disabled")):
        do_add_care_tag(people[key], kind, actor=staff, valid_from=PAST)
    do_add_care_tag(people["f"], "elderly_alone", actor=staff_street, valid_from=PAST)

    building = do_create_building(
        Building(name="1号楼", address="测试路1号", grid=grid(GRID_A), floors=6), actor=staff
    )
    rented = do_create_dwelling(
        Dwelling(building=building, room="101", use=DwellingUse.RENTED, hazard_notes="楼道充电"),
        actor=staff,
    )
    do_create_dwelling(Dwelling(building=building, room="102", use=DwellingUse.OWN), actor=staff)
    do_start_tenancy(rented, people["c"], actor=staff, valid_from=PAST)
    do_create_organisation(
        Organisation(kind="enterprise", name="测试商店", grid=grid(GRID_A)), actor=staff
    )
    do_create_organisation(
        Organisation(kind="social_org", name="测试协会", grid=grid(GRID_B)), actor=staff_street
    )
    return World(people=people, households=[first, second, third])
