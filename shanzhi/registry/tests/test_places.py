"""Buildings, dwellings, rented dwellings and tenants, city components, organisations."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.lib import codes
from shanzhi.registry.actions import (
    EditConflict,
    do_create_building,
    do_create_component,
    do_create_dwelling,
    do_create_organisation,
    do_end_tenancy,
    do_move_person,
    do_start_tenancy,
    do_update_building,
    do_update_component,
    do_update_dwelling,
    do_update_organisation,
)
from shanzhi.registry.models import (
    Building,
    Component,
    ComponentState,
    Dwelling,
    DwellingUse,
    Organisation,
    OrganisationKind,
    PersonRecord,
    Tenancy,
)
from shanzhi.registry.tests.conftest import GRID_A, GRID_A2, GRID_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def building(persona, grid):
    return do_create_building(
        Building(name="3号楼", address="示范路12号3号楼", grid=grid(GRID_A), floors=6, units=2),
        actor=persona("community"),
    )


@pytest.fixture
def flat(building, persona):
    return do_create_dwelling(
        Dwelling(building=building, unit="2", floor=3, room="301", use=DwellingUse.RENTED),
        actor=persona("community"),
    )


def test_a_building_address_is_normalised_and_unique(building, persona, grid):
    assert building.address_key == "示范路12号3栋" and building.path == grid(GRID_A).path
    with pytest.raises(ValidationError) as caught:
        do_create_building(
            Building(name="三号楼", address="示范路１２号 3幢", grid=grid(GRID_A)),
            actor=persona("community"),
        )
    assert "already registered" in str(caught.value)
    found = Building.objects.address_suggestions("示范路十二号3栋")
    assert found == [building]
    assert Building.objects.address_suggestions("12号3") == [building]


def test_building_rules_and_version(building, persona):
    staff = persona("community")
    with pytest.raises(ValidationError) as caught:
        do_update_building(building, {"floors": 0}, actor=staff)
    assert "floors" in caught.value.message_dict
    stale = Building.objects.get(pk=building.pk)
    updated = do_update_building(building, {"floors": 7}, actor=staff)
    assert updated.version == 2
    with pytest.raises(EditConflict):
        do_update_building(stale, {"units": 3}, actor=staff)
    assert Building.objects.get(pk=building.pk).units == 2


def test_a_dwelling_takes_its_address_and_grid_from_the_building(flat, building, persona):
    assert flat.address == "示范路12号3号楼2单元301室" and flat.grid_id == building.grid_id
    with pytest.raises(ValidationError) as caught:
        do_create_dwelling(
            Dwelling(building=building, unit="2", room="901", floor=9, use=DwellingUse.OWN),
            actor=persona("community"),
        )
    assert caught.value.message_dict["floor"] == ["The building has only 6 floors."]
    do_update_building(building, {"address": "示范路14号3号楼"}, actor=persona("community"))
    flat.refresh_from_db()
    assert flat.address == "示范路14号3号楼2单元301室"


def test_tenants_live_in_rented_dwellings_only(flat, building, register, persona):
    staff = persona("community")
    tenant = register(31, name="租户")
    tenancy = do_start_tenancy(flat, tenant, actor=staff, valid_from=date.today() - timedelta(5))
    with pytest.raises(ValidationError) as caught:
        do_start_tenancy(flat, tenant, actor=staff)
    assert "already a tenant" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        do_update_dwelling(flat, {"use": DwellingUse.OWN}, actor=staff)
    assert "End the tenancies" in caught.value.message_dict["use"][0]
    own = do_create_dwelling(
        Dwelling(building=building, unit="1", room="101", use=DwellingUse.OWN), actor=staff
    )
    with pytest.raises(ValidationError) as caught:
        do_start_tenancy(own, tenant, actor=staff)
    assert "not recorded as rented out" in caught.value.message_dict["dwelling"][0]
    # Moving elsewhere ends the tenancy; the tenancy is history, not deleted.
    do_move_person(tenant, actor=staff, dwelling=own)
    tenancy.refresh_from_db()
    assert tenancy.valid_to == date.today() and Tenancy.objects.filter(pk=tenancy.pk).exists()
    with pytest.raises(ValidationError):
        do_end_tenancy(tenancy, actor=staff)
    assert PersonRecord.objects.current().get(person=tenant).dwelling == own


def test_a_building_with_residents_does_not_change_grid(flat, building, register, persona, grid):
    staff = persona("community")
    register(32, dwelling=flat, current_address="")
    with pytest.raises(ValidationError) as caught:
        do_update_building(building, {"grid": grid(GRID_A2)}, actor=staff)
    assert "move them before the building" in caught.value.message_dict["grid"][0]
    empty = do_create_building(
        Building(name="5号楼", address="示范路12号5号楼", grid=grid(GRID_A)), actor=staff
    )
    moved = do_update_building(empty, {"grid": grid(GRID_A2)}, actor=staff)
    assert moved.path == grid(GRID_A2).path
    with pytest.raises(ValidationError) as caught:
        do_update_building(moved, {"grid": grid(GRID_B)}, actor=staff)
    assert "outside your area" in caught.value.message_dict["grid"][0]


def test_places_are_kept_by_the_staff_of_their_area(building, flat, staff_b, persona, grid):
    with pytest.raises(PermissionDenied):
        do_update_building(building, {"floors": 8}, actor=staff_b)
    with pytest.raises(PermissionDenied):
        do_update_dwelling(flat, {"hazard_notes": "电线老化"}, actor=persona("gridworker"))
    with pytest.raises(ValidationError):
        do_create_building(
            Building(name="1号楼", address="乙路1号", grid=grid(GRID_A)), actor=staff_b
        )


def test_components_have_a_valid_code_of_their_division_and_legal_state_changes(persona, grid):
    staff = persona("community")
    code = codes.component_code("990101", "01", "001", 1)
    lid = do_create_component(Component(code=code, name="上水井盖", grid=grid(GRID_A)), actor=staff)
    assert (lid.major_class, lid.minor_class, lid.class_label()) == (
        "01",
        "001",
        "Public utilities",
    )
    with pytest.raises(ValidationError) as caught:
        do_create_component(
            Component(code="11010101001000001", name="路灯", grid=grid(GRID_A)), actor=staff
        )
    assert "division 110101" in caught.value.message_dict["code"][0]
    with pytest.raises(ValidationError) as caught:
        do_create_component(
            Component(code="9901010100100000", name="路灯", grid=grid(GRID_A)), actor=staff
        )
    assert "17 digits" in caught.value.message_dict["code"][0]
    lid = do_update_component(lid, {"state": ComponentState.LOST}, actor=staff)
    lid = do_update_component(lid, {"state": ComponentState.REMOVED}, actor=staff)
    with pytest.raises(ValidationError) as caught:
        do_update_component(lid, {"state": ComponentState.GOOD}, actor=staff)
    assert "cannot go from" in caught.value.message_dict["state"][0]
    with pytest.raises(ValueError):
        do_update_component(
            lid, {"code": codes.component_code("990101", "01", "001", 2)}, actor=staff
        )


def test_organisations_check_their_credit_code(persona, grid):
    staff = persona("community")
    with pytest.raises(ValidationError) as caught:
        do_create_organisation(
            Organisation(
                kind=OrganisationKind.ENTERPRISE,
                name="示范超市",
                uscc="91350200776049653B",
                grid=grid(GRID_A),
            ),
            actor=staff,
        )
    assert "it must be A, not B" in caught.value.message_dict["uscc"][0]
    shop = do_create_organisation(
        Organisation(
            kind=OrganisationKind.ENTERPRISE,
            name="示范超市",
            uscc="91350200776049653a",
            legal_representative="赵某",
            has_party_organisation=True,
            grid=grid(GRID_A),
        ),
        actor=staff,
        contact_phone="13900001111",
    )
    assert shop.uscc == "91350200776049653A"
    with pytest.raises(ValidationError) as caught:
        do_create_organisation(
            Organisation(
                kind=OrganisationKind.ENTERPRISE, name="另一家", uscc=shop.uscc, grid=grid(GRID_A)
            ),
            actor=staff,
        )
    assert "already registered" in str(caught.value)
    shop = do_update_organisation(shop, {"contact_phone": "13900002222"}, actor=staff)
    assert shop.contact_phone == "13900002222" and shop.version == 2
    with pytest.raises(ValidationError) as caught:
        do_update_organisation(shop, {"contact_phone": "12345"}, actor=staff)
    assert "not a phone number" in caught.value.message_dict["contact_phone"][0]
