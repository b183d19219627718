"""Smoke tests in a real browser: the public pages, signing in as every demo login, the
phone-size journey of a grid worker, and the pages that must work without JavaScript.

Assertions use the stable hooks (data-testid, data-role, data-map, the html lang
attribute), never translated text.
"""

import re

import pytest
from playwright.sync_api import expect

DEMO_PASSWORD = "Shanzhi-demo-2026"
DEMO_GRIDS = 60  # 3 streets x 4 communities x 5 grids
ROSTER_PAGE_SIZE = 50

ROLE_OF_LOGIN = {
    "resident": "resident",
    "gridworker": "grid_worker",
    "gridleader": "grid_leader",
    "community": "community_staff",
    "dispatcher": "street_dispatcher",
    "centre": "street_dispatcher",
    "streetstaff": "street_staff",
    "department": "department_handler",
    "leader": "leader",
    "legal": "legal_adviser",
    "socialorg": "social_org",
    "admin": "admin",
    "auditor": "auditor",
}

ROSTER_ROWS = "table[data-testid=roster] tbody tr"
LOGOUT_BUTTON = 'form[action$="/accounts/logout/"] button'
LOGIN_LINK = 'nav a[href$="/accounts/login/"]'


def open_nav(page) -> None:
    """Show the navbar links: on a small screen they hide behind the toggler."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and not page.locator("#nav.show").count():
        toggler.click()
        # Bootstrap swaps "collapse" for "collapsing" while it animates.
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bcollapse\b.*\bshow\b"))


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def switch_language(page, code: str) -> None:
    open_nav(page)
    page.select_option("select#language", code)
    with page.expect_navigation():
        page.click("button[data-testid=switch-language]")
    expect(page.locator("html")).to_have_attribute("lang", code)


def features_drawn(page, selector: str = "[data-map]") -> int:
    """Wait until the map has drawn its GeoJSON; return the number of features."""
    map_el = page.locator(selector).first
    expect(map_el).to_have_attribute("data-features", re.compile(r"^\d+$"))
    return int(map_el.get_attribute("data-features"))


def test_anonymous_home_and_grid_roster(page):
    response = page.goto("/")
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("[data-testid=my-work]")).to_have_count(0)
    expect(page.locator("[data-testid=demo-banner]")).to_be_visible()

    response = page.goto("/grids/")
    assert response.status == 200
    expect(page.locator("table[data-testid=roster]")).to_be_visible()
    expect(page.locator(ROSTER_ROWS)).to_have_count(ROSTER_PAGE_SIZE)
    assert features_drawn(page) >= DEMO_GRIDS
    expect(page.locator(".leaflet-overlay-pane svg path").first).to_be_attached()

    rows, number = ROSTER_PAGE_SIZE, 1
    while (link := page.locator(f'.pagination a.page-link[href$="page={number + 1}"]')).count():
        number += 1
        with page.expect_navigation():
            link.click()
        assert page.url.endswith(f"page={number}")
        expect(page.locator("table[data-testid=roster]")).to_be_visible()
        rows += page.locator(ROSTER_ROWS).count()
    assert number >= 2
    assert rows >= DEMO_GRIDS


def test_grid_worker_on_a_phone(phone_page):
    page = phone_page
    sign_in(page, "gridworker")
    expect(page.locator("h1[data-testid=my-work]")).to_be_visible()
    section = page.locator('section[data-role="grid_worker"]')
    expect(section).to_be_visible()
    assert features_drawn(page, 'section[data-role="grid_worker"] [data-map]') == 1
    expect(section.locator(".leaflet-overlay-pane svg path")).to_have_count(1)
    expect(section.locator(ROSTER_ROWS)).to_have_count(1)

    switch_language(page, "en")
    expect(page.locator('section[data-role="grid_worker"]')).to_be_visible()
    switch_language(page, "zh-hans")

    open_nav(page)
    expect(page.locator("[data-testid=signed-in-as]")).to_be_visible()
    with page.expect_navigation():
        page.click(LOGOUT_BUTTON)
    expect(page.locator("[data-testid=signed-in-as]")).to_have_count(0)
    expect(page.locator("[data-testid=my-work]")).to_have_count(0)
    open_nav(page)
    expect(page.locator(LOGIN_LINK)).to_be_visible()


@pytest.mark.parametrize(("username", "role"), ROLE_OF_LOGIN.items())
def test_every_demo_login_sees_its_work(page, username, role):
    sign_in(page, username)
    expect(page.locator("h1[data-testid=my-work]")).to_be_visible()
    expect(page.locator(f'section[data-role="{role}"]')).to_be_visible()
    expect(page.locator("[data-testid=signed-in-as]")).not_to_be_empty()
    if page.locator("[data-map]").count():
        assert features_drawn(page) >= 1


def test_public_pages_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    response = page.goto("/grids/")
    assert response.status == 200
    expect(page.locator(ROSTER_ROWS)).to_have_count(ROSTER_PAGE_SIZE)
    expect(page.locator(ROSTER_ROWS).first.locator("td a").first).to_be_visible()
    expect(page.locator("[data-map] noscript")).to_have_count(1)

    response = page.goto("/directory/")
    assert response.status == 200
    rows = page.locator("main table tbody tr")
    assert rows.count() > 10
    expect(rows.first.locator("td a").first).to_be_visible()


def test_wrong_password_does_not_sign_in(page):
    sign_in(page, "resident", "not-the-password")
    assert page.url.endswith("/accounts/login/")
    expect(page.locator("main .alert-danger")).to_be_visible()
    expect(page.locator("[data-testid=signed-in-as]")).to_have_count(0)
    expect(page.locator("input[name=username]")).to_have_value("resident")
    page.goto("/")
    expect(page.locator("[data-testid=my-work]")).to_have_count(0)


def test_background_worker_verifies_the_audit_chain(page):
    """The task worker started by `make run` picks up the auditor's check and answers."""
    sign_in(page, "auditor")
    with page.expect_navigation():
        page.click("button[data-testid=audit-check]")
    result = page.locator("[data-testid=audit-check-result]")
    for _ in range(30):
        if result.get_attribute("data-status") == "SUCCESSFUL":
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(result).to_have_attribute("data-status", "SUCCESSFUL")
    expect(result).to_have_class(re.compile(r"\balert-success\b"))
