"""Admin screens for merged grid layers, memberships and a person's ID number."""

import pytest
from django.urls import reverse
from django.utils import translation

from shanzhi.core.models import AuditEvent, User
from shanzhi.lib import identity
from shanzhi.org.models import GridLayer, LayerCell, LayerCellGrid, Membership, Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def grid_ids(*codes):
    return [str(Region.objects.get(code=c).pk) for c in codes]


def test_admin_creates_a_layer_cell_from_base_grids(client_as):
    client = client_as("admin")
    layer = GridLayer.objects.get(name="党建网格")
    LayerCellGrid.objects.filter(grid__code__startswith="990101002001").delete()
    data = {
        "layer": layer.pk,
        "name": "松风社区联合党支部",
        "grids": grid_ids("990101002001001", "990101002001002"),
        "change_note": "",
    }
    response = client.post(reverse("admin:org_layercell_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    cell = LayerCell.objects.get(name="松风社区联合党支部")
    assert sorted(cell.base_grids.values_list("code", flat=True)) == [
        "990101002001001",
        "990101002001002",
    ]
    event = AuditEvent.objects.for_object(cell).get()
    assert len(event.after["grids"]) == 2


def test_admin_refuses_a_base_grid_already_in_the_layer(client_as):
    client = client_as("admin")
    layer = GridLayer.objects.get(name="党建网格")
    taken = LayerCellGrid.objects.filter(layer=layer).select_related("grid").first().grid
    data = {"layer": layer.pk, "name": "重复支部", "grids": [str(taken.pk)], "change_note": ""}
    response = client.post(reverse("admin:org_layercell_add"), data)
    assert response.status_code == 200
    assert "already belongs to" in response.content.decode()
    assert not LayerCell.objects.filter(name="重复支部").exists()


def test_layer_admin_is_refused_to_other_roles(client_as):
    layer = GridLayer.objects.get(name="党建网格")
    for username in ("community", "gridworker", "auditor"):
        response = client_as(username).post(
            reverse("admin:org_gridlayer_change", args=[layer.pk]),
            {"kind": "party", "name": "改名", "change_note": "x"},
        )
        assert response.status_code in (302, 403)
    assert GridLayer.objects.filter(name="党建网格").exists()


def test_admin_assigns_a_grid_worker(client_as, persona):
    client = client_as("admin")
    person = User.objects.create(username="newworker", real_name="新网格员")
    grid = Region.objects.get(code="990101001001002")
    data = {
        "user": person.pk,
        "role": "grid_worker",
        "region": grid.pk,
        "body": "",
        "title": "专职网格员",
        "duty_phone": "000-88889999",
        "started_on": "2026-11-01",
        "ended_on": "",
        "change_note": "",
    }
    response = client.post(reverse("admin:org_membership_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=person)
    assert AuditEvent.objects.for_object(membership).get().actor == persona("admin")
    roster = client.get(reverse("grid_detail", args=[grid.code])).content.decode()
    assert "新网格员" in roster and "000-88889999" in roster


def test_admin_refuses_a_role_in_the_wrong_kind_of_unit(client_as):
    client = client_as("admin")
    person = User.objects.create(username="misplaced")
    data = {
        "user": person.pk,
        "role": "grid_worker",
        "region": Region.objects.get(code="990101001").pk,
        "body": "",
        "title": "",
        "duty_phone": "",
        "started_on": "2026-11-01",
        "ended_on": "",
        "change_note": "",
    }
    response = client.post(reverse("admin:org_membership_add"), data)
    assert response.status_code == 200
    assert "A Grid worker is held in a Grid" in response.content.decode()
    assert not Membership.objects.filter(user=person).exists()


def test_admin_sets_an_id_number_encrypted_and_masked(client_as):
    client = client_as("admin")
    person = User.objects.get(username="resident")
    body = "99010119800101002"
    number = body + identity.id_check_char(body)
    url = reverse("admin:core_user_change", args=[person.pk])
    data = {
        "username": person.username,
        "real_name": person.real_name,
        "phone": person.phone,
        "email": "",
        "id_number": number,
        "is_active": "on",
        "change_note": "",
    }
    response = client.post(
        url, {**data, "id_number": number[:-1] + "0" if number[-1] != "0" else number[:-1] + "1"}
    )
    assert response.status_code == 200
    assert "check digit" in response.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.id_number_masked == identity.mask_id_number(number)
    assert person.reveal_id_number() == number
    page = client.get(url).content.decode()
    assert number not in page and person.id_number_masked in page
    event = AuditEvent.objects.for_object(person).last()
    assert number not in str(event.after) and "id_number_masked" in event.after


def test_people_list_shows_mobiles_masked_and_still_finds_them(client_as, persona):
    worker = persona("gridworker")
    for username in ("auditor", "admin"):
        client = client_as(username)
        page = client.get(reverse("admin:core_user_changelist")).content.decode()
        assert worker.phone not in page
        found = client.get(reverse("admin:core_user_changelist"), {"q": worker.phone})
        assert list(found.context["cl"].result_list) == [worker]
        assert identity.mask_mobile(worker.phone) in found.content.decode()


def test_readers_see_an_account_with_its_contacts_masked(client_as, persona):
    worker = persona("gridworker")
    page = client_as("auditor").get(reverse("admin:core_user_change", args=[worker.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert worker.phone not in html and identity.mask_mobile(worker.phone) in html
