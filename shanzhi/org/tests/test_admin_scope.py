"""The admin screens with an administrator of one street (990101002): nothing of another
street, of the district or of platform operators can be seen or changed through them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from shanzhi.core.models import AuditEvent, User
from shanzhi.core.roles import Role
from shanzhi.org.actions import do_save_layer, do_save_layer_cell, do_save_membership
from shanzhi.org.models import Body, GridLayer, LayerCell, LayerCellGrid, Membership, Region
from shanzhi.org.tests.conftest import OTHER_STREET

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Another-Long-passphrase-2027"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refused(response) -> bool:
    """403/404, or the admin's "does not exist" redirect (never the login page)."""
    if response.status_code == 302:
        return response.url == reverse("admin:index")
    return response.status_code in (403, 404)


def person_form(person, **overrides):
    data = {
        "username": person.username,
        "real_name": person.real_name,
        "phone": person.phone or "",
        "email": person.email,
        "id_number": "",
        "is_active": "on",
        "change_note": "改",
    }
    return {**data, **overrides}


def password_form():
    return {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "change_note": "重置"}


def attack_account(client, person):
    """Try to rename the account and to set its password; both must be refused."""
    change = reverse("admin:core_user_change", args=[person.pk])
    password = reverse("admin:auth_user_password_change", args=[person.pk])
    assert refused(client.post(change, person_form(person, username="hijacked")))
    assert refused(client.get(password))
    assert refused(client.post(password, password_form()))
    person.refresh_from_db()
    assert person.username != "hijacked"
    assert not person.check_password(NEW_PASSWORD)


def street_worker():
    return (
        Membership.objects.filter(role=Role.GRID_WORKER, region__code__startswith=OTHER_STREET)
        .select_related("user", "region")
        .first()
    )


# --- Accounts -------------------------------------------------------------------------


def street_grid():
    return Region.objects.filter(code__startswith=OTHER_STREET, level="grid").first()


def test_district_administrator_account_is_out_of_reach(street_admin_client, persona):
    target = persona("admin")
    # Giving the account a role in the street would bring it into view: refused.
    response = street_admin_client.post(
        reverse("admin:org_membership_add"), membership_form(target, street_grid(), role="resident")
    )
    assert response.status_code == 200
    attack_account(street_admin_client, target)


def test_superuser_account_is_out_of_reach_and_unlisted(street_admin_client):
    root = User.objects.create_superuser("root", password="Root-Long-passphrase-2026")
    listing = street_admin_client.get(reverse("admin:core_user_changelist") + "?q=root")
    assert root not in listing.context["cl"].result_list
    attack_account(street_admin_client, root)


def test_superuser_holding_a_role_in_the_street_is_still_out_of_reach(
    street_admin_client, persona, region
):
    root = User.objects.create_superuser("root", password="Root-Long-passphrase-2026")
    Membership.objects.create(user=root, role=Role.LEADER, region=region(OTHER_STREET))
    change = reverse("admin:core_user_change", args=[root.pk])
    assert street_admin_client.get(change).status_code == 200  # visible, read-only
    attack_account(street_admin_client, root)


def test_staff_accounts_without_a_role_are_not_listed(street_admin_client):
    operator = User.objects.create_user("operator", is_staff=True)
    listing = street_admin_client.get(reverse("admin:core_user_changelist"))
    assert operator not in listing.context["cl"].result_list
    attack_account(street_admin_client, operator)


def test_resident_of_another_street_is_out_of_reach(street_admin_client, persona):
    target = persona("resident")
    response = street_admin_client.post(
        reverse("admin:org_membership_add"), membership_form(target, street_grid())
    )
    assert response.status_code == 200
    attack_account(street_admin_client, target)


def test_person_with_a_role_in_both_streets_is_read_only(street_admin_client, persona, region):
    person = persona("gridworker")  # grid worker in street 990101001
    grid = street_grid()
    do_save_membership(
        Membership(user=person, role=Role.RESIDENT, region=grid), actor=persona("admin")
    )
    page = street_admin_client.get(reverse("admin:core_user_change", args=[person.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert person.phone not in html  # readers see the number masked
    assert 'name="_save"' not in html
    attack_account(street_admin_client, person)


def test_own_street_worker_password_is_set_through_the_audited_action(street_admin_client):
    worker = street_worker()
    url = reverse("admin:auth_user_password_change", args=[worker.user.pk])
    assert street_admin_client.post(url, {**password_form(), "change_note": ""}).status_code == 200
    response = street_admin_client.post(url, password_form())
    assert response.status_code == 302
    worker.user.refresh_from_db()
    assert worker.user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.for_object(worker.user).last()
    assert event.action == "core.user.set_password" and event.note == "重置"
    assert event.after == {"usable_password": True}
    assert event.scope_path == worker.region.path
    assert NEW_PASSWORD not in str(event.content())


def test_roleless_account_may_be_changed_by_any_administrator(street_admin_client):
    person = User.objects.create_user("newcomer", real_name="新人")
    url = reverse("admin:core_user_change", args=[person.pk])
    response = street_admin_client.post(url, person_form(person, real_name="新人甲"))
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.real_name == "新人甲"


# --- Memberships ----------------------------------------------------------------------


def membership_form(user, region, **overrides):
    data = {
        "user": user.pk,
        "role": "grid_worker",
        "region": region.pk,
        "body": "",
        "title": "",
        "duty_phone": "",
        "started_on": "2026-01-01",
        "ended_on": "",
        "change_note": "",
    }
    return {**data, **overrides}


def test_a_role_cannot_be_given_to_someone_out_of_reach(street_admin_client, persona):
    grid = street_grid()
    for username in ("resident", "admin"):
        target = persona(username)
        response = street_admin_client.post(
            reverse("admin:org_membership_add"), membership_form(target, grid)
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert not Membership.objects.filter(user=target, region=grid).exists()


def test_the_action_refuses_a_role_for_someone_out_of_reach(street_admin, persona):
    grid = street_grid()
    with pytest.raises(PermissionDenied):
        do_save_membership(
            Membership(user=persona("admin"), role=Role.GRID_WORKER, region=grid),
            actor=street_admin,
        )


def test_user_autocomplete_offers_only_people_within_reach(street_admin_client, persona):
    roleless = User.objects.create_user("newcomer", real_name="新人")
    root = User.objects.create_superuser("root", password="Root-Long-passphrase-2026")
    response = street_admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "org", "model_name": "membership", "field_name": "user", "term": ""},
    )
    assert response.status_code == 200
    ids = set()
    data = response.json()
    page = 1
    while True:
        ids |= {int(r["id"]) for r in data["results"]}
        if not data["pagination"]["more"]:
            break
        page += 1
        data = street_admin_client.get(
            "/admin/autocomplete/",
            {"app_label": "org", "model_name": "membership", "field_name": "user", "page": page},
        ).json()
    assert roleless.pk in ids and street_worker().user_id in ids
    for outsider in (persona("admin"), persona("resident"), persona("gridworker"), root):
        assert outsider.pk not in ids


def test_memberships_of_another_street_are_hidden(street_admin_client):
    other = Membership.objects.filter(region__code__startswith="990101001").first()
    url = reverse("admin:org_membership_change", args=[other.pk])
    assert refused(street_admin_client.get(url))
    assert refused(street_admin_client.post(url, membership_form(other.user, other.region)))
    listing = street_admin_client.get(reverse("admin:org_membership_changelist"))
    shown = listing.context["cl"].result_list
    assert shown and all(
        (m.region or m.body.region).code.startswith(OTHER_STREET)
        or m.user.username == "admin-street2"
        for m in shown
    )


# --- Bodies ---------------------------------------------------------------------------


def body_form(region, **overrides):
    data = {
        "kind": "residents_committee",
        "name": "新居委会",
        "region": region.pk,
        "parent": "",
        "phone": "",
        "address": "",
        "duties": "",
        "is_active": "on",
        "change_note": "新建",
    }
    return {**data, **overrides}


def test_bodies_of_another_street_are_hidden_and_cannot_be_created(street_admin_client, region):
    other = Body.objects.get(name="东湖街道办事处")
    url = reverse("admin:org_body_change", args=[other.pk])
    assert refused(street_admin_client.get(url))
    assert refused(street_admin_client.post(url, body_form(other.region, name="hijacked")))
    response = street_admin_client.post(
        reverse("admin:org_body_add"), body_form(region("990101001001"))
    )
    assert response.status_code == 200
    assert not Body.objects.filter(name__in=["新居委会", "hijacked"]).exists()
    response = street_admin_client.post(
        reverse("admin:org_body_add"), body_form(region("990101002001"))
    )
    assert response.status_code == 302
    assert Body.objects.filter(name="新居委会", region__code="990101002001").exists()


# --- Grid layers and cells ------------------------------------------------------------


def test_district_layer_is_read_only_for_a_street(street_admin_client):
    layer = GridLayer.objects.get(name="党建网格")
    url = reverse("admin:org_gridlayer_change", args=[layer.pk])
    assert street_admin_client.get(url).status_code == 200
    response = street_admin_client.post(
        url, {"kind": "party", "name": "改名", "owner": layer.owner_id, "change_note": "x"}
    )
    assert response.status_code == 403
    assert GridLayer.objects.filter(name="党建网格").exists()


def test_layer_owner_is_checked_before_and_after(street_admin, persona):
    office = Body.objects.get(name="西岭街道办事处")
    layer = do_save_layer(
        GridLayer(kind="social", name="西岭社建网格", owner=office), actor=street_admin
    )
    layer.owner = Body.objects.get(name="区民政局")
    with pytest.raises(PermissionDenied):
        do_save_layer(layer, actor=street_admin)
    district_layer = GridLayer.objects.get(name="党建网格")
    district_layer.owner = office
    with pytest.raises(PermissionDenied):
        do_save_layer(district_layer, actor=street_admin)
    assert GridLayer.objects.get(name="党建网格").owner.name == "区民政局"


def cell_of(street):
    return LayerCell.objects.filter(layercellgrid__grid__code__startswith=street).distinct().first()


def test_cells_of_another_street_are_hidden(street_admin_client):
    other = cell_of("990101001")
    url = reverse("admin:org_layercell_change", args=[other.pk])
    assert refused(street_admin_client.get(url))
    assert refused(street_admin_client.post(url, {"layer": other.layer_id, "name": "x"}))
    listing = street_admin_client.get(reverse("admin:org_layercell_changelist"))
    assert other not in listing.context["cl"].result_list
    assert cell_of(OTHER_STREET) in listing.context["cl"].result_list


def test_cell_form_offers_only_grids_of_the_street(street_admin_client):
    layer = GridLayer.objects.get(name="党建网格")
    taken = LayerCellGrid.objects.filter(grid__code__startswith="990101001").first()
    taken.delete()
    response = street_admin_client.post(
        reverse("admin:org_layercell_add"),
        {"layer": layer.pk, "name": "越界支部", "grids": [str(taken.grid_id)], "change_note": ""},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not LayerCell.objects.filter(name="越界支部").exists()


def test_own_cell_can_be_renamed(street_admin_client):
    cell = cell_of(OTHER_STREET)
    grids = [str(pk) for pk in cell.base_grids.values_list("pk", flat=True)]
    response = street_admin_client.post(
        reverse("admin:org_layercell_change", args=[cell.pk]),
        {"layer": cell.layer_id, "name": "西岭联合支部", "grids": grids, "change_note": "更名"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    cell.refresh_from_db()
    assert cell.name == "西岭联合支部"
    event = AuditEvent.objects.for_object(cell).last()
    assert event.scope_path == cell.layer.owner.region.path


def test_cell_grids_are_checked_before_and_after(street_admin):
    own, other = cell_of(OTHER_STREET), cell_of("990101001")
    outside = other.base_grids.first()
    with pytest.raises(PermissionDenied):
        do_save_layer_cell(own, grids=[*own.base_grids.all(), outside], actor=street_admin)
    with pytest.raises(PermissionDenied):  # taking a grid out of another street's cell
        do_save_layer_cell(other, grids=list(other.base_grids.all())[1:], actor=street_admin)
    with pytest.raises(PermissionDenied):  # a new cell made of another street's grid
        do_save_layer_cell(
            LayerCell(layer=own.layer, name="新支部"), grids=[outside], actor=street_admin
        )
    assert outside in other.base_grids.all()
    assert not LayerCell.objects.filter(name="新支部").exists()


# --- The audit log --------------------------------------------------------------------


def test_audit_log_shows_only_events_of_the_street(street_admin_client, region):
    street = region(OTHER_STREET)
    listing = street_admin_client.get(reverse("admin:core_auditevent_changelist"))
    shown = list(listing.context["cl"].queryset)
    assert shown and all(e.scope_path.startswith(street.path) for e in shown)
    other = AuditEvent.objects.exclude(scope_path__startswith=street.path).first()
    url = reverse("admin:core_auditevent_change", args=[other.pk])
    assert refused(street_admin_client.get(url))
