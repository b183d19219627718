"""A hotline operator takes two calls in one session at the console: a consultation
answered on the spot, then a complaint from the same caller dispatched with Alt+D."""

import re

from playwright.sync_api import expect

DEMO_PASSWORD = "Shanzhi-demo-2026"
PHONE = "13700002222"


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def point_in_grid(page, code):
    data = page.request.get(f"/grids.geojson?code={code}").json()
    ring = data["features"][0]["geometry"]["coordinates"][0]
    xs, ys = [p[0] for p in ring[:-1]], [p[1] for p in ring[:-1]]
    return sum(xs) / len(xs), sum(ys) / len(ys)


def fill_call(page, *, search, title, description, lon, lat):
    expect(page.locator("#id_requester_phone")).to_be_focused()
    page.keyboard.type(PHONE)
    page.fill("#category-search", search)
    page.fill("#id_title", title)
    page.fill("#id_description", description)
    page.fill("#id_lon", f"{lon:.6f}")
    page.fill("#id_lat", f"{lat:.6f}")


def test_operator_takes_a_consultation_and_a_complaint(page):
    lon, lat = point_in_grid(page, "990101001001001")
    sign_in(page, "dispatcher")
    page.goto("/")
    with page.expect_navigation():
        page.locator("[data-testid=console-link]").click()
    expect(page.locator("[data-testid=shift-registered]")).to_have_text("0")

    fill_call(
        page,
        search="0604",
        title="咨询路面维修报修渠道",
        description="来电人询问小区门口路面破损应向哪里报修。",
        lon=lon,
        lat=lat,
    )
    expect(page.locator("#id_category")).not_to_have_value("")
    page.fill("#id_answer", "已告知：可拨打12345或在善治平台“我要反映”中上报。")
    with page.expect_navigation():
        page.locator("[data-testid=do-answer]").click()
    expect(page.locator(".alert-success")).to_contain_text(re.compile(r"SR\d+"))
    expect(page.locator("[data-testid=shift-registered]")).to_have_text("1")

    # The same caller rings again: the console shows the earlier case and the answer given.
    fill_call(
        page,
        search="0604",
        title="小区门口路面塌陷",
        description="柳岸社区南门路面塌陷，晚上看不清，容易摔倒。",
        lon=lon,
        lat=lat,
    )
    expect(page.locator("[data-testid=caller-cases] li")).to_have_count(1)
    page.select_option("#id_category", index=0)
    page.fill("#category-search", "")
    page.fill("#category-search", "0604")
    expect(page.locator("[data-testid=previous-answers]")).to_contain_text("拨打12345")
    page.locator("#id_description").focus()
    with page.expect_navigation():
        page.keyboard.press("Alt+d")
    expect(page.locator(".alert-success")).to_contain_text(re.compile(r"SR\d+"))
    expect(page.locator("[data-testid=shift-registered]")).to_have_text("2")
    expect(page.locator("[data-testid=shift-average]")).to_contain_text(re.compile(r"\d"))
    number = re.search(r"SR\d+", page.locator(".alert-success").inner_text()).group(0)
    page.goto(f"/cases/{number}/")
    expect(page.locator("[data-testid=case-state]")).to_have_attribute("data-state", "dispatched")


def test_the_telephone_system_pops_the_console_up_for_a_call(page):
    """The page opened for a call has the caller's number in it; with no call events from
    the telephone system, the call figures are unknown and the case is saved unlinked."""
    lon, lat = point_in_grid(page, "990101001001001")
    sign_in(page, "centre")
    page.goto("/console/?call=E2E-0001&caller=13700003333")
    expect(page.locator("#id_requester_phone")).to_have_value("13700003333")
    expect(page.locator("[data-testid=screen-pop]")).to_have_attribute("data-call", "E2E-0001")
    expect(page.locator("[data-testid=shift-answered]")).to_have_text("—")
    expect(page.locator("[data-testid=telephony-note]")).to_be_visible()
    page.fill("#category-search", "0604")
    page.fill("#id_title", "咨询路灯报修")
    page.fill("#id_description", "来电人询问路灯不亮向哪里报修。")
    page.fill("#id_lon", f"{lon:.6f}")
    page.fill("#id_lat", f"{lat:.6f}")
    page.fill("#id_answer", "已告知：可在善治平台“我要反映”中上报。")
    with page.expect_navigation():
        page.locator("[data-testid=do-answer]").click()
    expect(page.locator(".alert-success")).to_contain_text(re.compile(r"SR\d+"))
    expect(page.locator("main .alert-warning")).to_contain_text("E2E-0001")
    expect(page.locator("[data-testid=screen-pop]")).to_have_count(0)
    expect(page.locator("#id_requester_phone")).to_have_value("")


def test_the_address_is_completed_from_the_registry(page):
    sign_in(page, "dispatcher")
    page.goto("/console/")
    # A building of the demo registry, found by a few characters of its address.
    known = page.request.get("/registry/addresses/?q=号").json()["results"][0]
    address = page.locator("[data-testid=address]")
    address.press_sequentially(known["address"][:4], delay=30)
    expect(address).to_have_attribute("data-suggestions", re.compile("[1-9]"))
    options = page.locator(f"#{address.get_attribute('id')}-options option")
    assert known["address"][:4] in options.first.get_attribute("value")
    # Choosing an address (as from the list) fills the point with the building's.
    address.fill(known["address"])
    expect(address).to_have_attribute("data-chosen", known["address"])
    assert page.input_value("#id_lon") == f"{known['lon']:.6f}"
    assert page.input_value("#id_lat") == f"{known['lat']:.6f}"
