"""Public reading pages: home, grid roster, grid page, GeoJSON, directory."""

import pytest
from django.urls import reverse

from shanzhi.core.roles import Role
from shanzhi.org.models import Body, Membership, Region

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_home_is_public_and_chinese_by_default(client):
    page = html(client.get("/"))
    assert '<html lang="zh-hans">' in page
    assert reverse("grid_roster") in page


def test_roster_lists_grids_with_worker_and_duty_phone(client):
    page = html(client.get(reverse("grid_roster")))
    workers = Membership.objects.filter(
        role=Role.GRID_WORKER, region__code__startswith="990101001001"
    )
    for m in workers.select_related("user", "region"):
        assert m.region.code in page
        assert m.user.real_name in page
        assert m.duty_phone in page
    assert "柳岸社区" in page
    assert 'data-testid="demo-banner"' not in page  # not in demo mode in tests


def test_roster_does_not_publish_personal_mobiles(client):
    page = html(client.get(reverse("grid_roster")))
    for m in Membership.objects.filter(role=Role.GRID_WORKER).select_related("user")[:20]:
        assert m.user.phone not in page


def test_roster_is_paginated(client):
    first = html(client.get(reverse("grid_roster")))
    second = html(client.get(reverse("grid_roster") + "?page=2"))
    assert first.count('<tr>\n      <td><a href="/grids/') == 50
    assert second.count('<tr>\n      <td><a href="/grids/') == 10


@pytest.mark.parametrize(
    ("query", "expected"),
    [("street=990101002", 20), ("community=990101003004", 5), ("q=990101001001", 5)],
)
def test_roster_filters(client, query, expected):
    page = html(client.get(reverse("grid_roster") + "?" + query))
    assert page.count('<tr>\n      <td><a href="/grids/') == expected


def test_roster_unknown_area_is_404(client):
    assert client.get(reverse("grid_roster") + "?street=990101999").status_code == 404


def test_roster_search_by_worker_name(client):
    worker = (
        Membership.objects.filter(role=Role.GRID_WORKER).select_related("user", "region").last()
    )
    page = html(client.get(reverse("grid_roster"), {"q": worker.user.real_name}))
    assert worker.region.code in page


def test_grid_page(client):
    grid = Region.objects.get(code="990101001001001")
    page = html(client.get(reverse("grid_detail", args=[grid.code])))
    assert grid.name in page and "柳岸社区" in page and "东湖街道" in page
    assert "微网格" in page  # the demo splits this grid into two micro-grids
    assert client.get(reverse("grid_detail", args=["990101001001999"])).status_code == 404


def test_geojson(client):
    data = client.get(reverse("grids_geojson")).json()
    assert data["type"] == "FeatureCollection" and not data["truncated"]
    assert len(data["features"]) == 60
    one = client.get(reverse("grids_geojson"), {"community": "990101001001"}).json()
    assert {f["properties"]["code"] for f in one["features"]} == {
        f"990101001001{n:03d}" for n in range(1, 6)
    }


def test_my_grids_geojson(client_as):
    data = client_as("gridleader").get(reverse("grids_geojson"), {"mine": 1}).json()
    assert len(data["features"]) == 3


def test_directory_groups_bodies(client):
    page = html(client.get(reverse("directory")))
    for body in Body.objects.filter(kind__in=["department", "street_office"]):
        assert body.name in page
    street_page = html(client.get(reverse("directory"), {"street": "990101002"}))
    assert "西岭街道办事处" in street_page and "东湖街道办事处" not in street_page


def test_body_page(client):
    body = Body.objects.get(name="区公安分局")
    page = html(client.get(reverse("body_detail", args=[body.pk])))
    assert "东湖派出所" in page  # stationed agencies are listed under their department


def test_pages_carry_a_content_security_policy(client):
    response = client.get(reverse("grid_roster"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_demo_mode_shows_the_synthetic_banner(client, settings):
    settings.DEMO_MODE = True
    assert 'data-testid="demo-banner"' in html(client.get(reverse("grid_roster")))


def test_public_pages_refuse_writes(client):
    for name in ("grid_roster", "directory", "home", "grids_geojson"):
        assert client.post(reverse(name)).status_code == 405


def test_login_page_lists_demo_accounts_in_demo_mode_only(client, settings):
    assert 'data-testid="demo-logins"' not in html(client.get(reverse("login")))
    settings.DEMO_MODE = True
    page = html(client.get(reverse("login")))
    assert 'data-testid="demo-logins"' in page
    assert "<code>gridworker</code>" in page and "Shanzhi-demo-2026" in page


def roster_codes(page):
    return {
        code
        for code in Region.objects.grids().values_list("code", flat=True)
        if f'<span class="d-block small text-muted roster-code">{code}</span>' in page
    }


def test_searching_a_residents_name_reveals_nothing(client, persona):
    resident = persona("resident")
    assert Membership.objects.active().filter(user=resident, role=Role.RESIDENT).exists()
    page = html(client.get(reverse("grid_roster"), {"q": resident.real_name}))
    assert roster_codes(page) == set()
    data = client.get(reverse("grids_geojson"), {"q": resident.real_name}).json()
    assert data["features"] == []


def test_searching_other_staff_names_reveals_nothing(client, persona):
    for username in ("community", "admin", "leader"):
        name = persona(username).real_name
        data = client.get(reverse("grids_geojson"), {"q": name}).json()
        assert data["features"] == [], username


def test_deactivated_grid_worker_is_not_published(client):
    from shanzhi.core.models import User

    worker = (
        Membership.objects.filter(role=Role.GRID_WORKER, region__code="990101002003003")
        .select_related("user", "region")
        .get()
    )
    User.objects.filter(pk=worker.user_id).update(is_active=False)
    page = html(client.get(reverse("grid_detail", args=[worker.region.code])))
    assert worker.user.real_name not in page and worker.duty_phone not in page
    search = html(client.get(reverse("grid_roster"), {"q": worker.user.real_name}))
    assert worker.region.code not in roster_codes(search)
    data = client.get(reverse("grids_geojson"), {"q": worker.user.real_name}).json()
    assert data["features"] == []
