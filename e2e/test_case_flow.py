"""A resident's request through the whole 12345 loop, each step by the person whose job
it is: the resident reports, the street dispatcher dispatches, the department handler
accepts and replies, the dispatcher records the return visit and closes. The timeline
shows every step."""

import re

from playwright.sync_api import expect

DEMO_PASSWORD = "Shanzhi-demo-2026"


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def sign_out(page):
    page.context.clear_cookies()


def point_in_grid(page, code):
    data = page.request.get(f"/grids.geojson?code={code}").json()
    ring = data["features"][0]["geometry"]["coordinates"][0]
    xs, ys = [p[0] for p in ring[:-1]], [p[1] for p in ring[:-1]]
    return sum(xs) / len(xs), sum(ys) / len(ys)  # the centre of a near-rectangle


def act(page, action, **fields):
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if name == "body":
            field.select_option(label=value)
        elif name == "satisfaction":
            form.locator(f"input[name=satisfaction][value='{value}']").check()
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_resident_request_dispatched_handled_visited_closed(page):
    lon, lat = point_in_grid(page, "990101001001001")
    sign_in(page, "resident")
    page.goto("/cases/report/")
    page.select_option("select[name=category]", label="0604 道路破损")
    page.fill("input[name=title]", "小区门口路面塌陷")
    page.fill("textarea[name=description]", "柳岸社区南门路面塌陷，晚上看不清，容易摔倒。")
    page.fill("input[name=lon]", f"{lon:.6f}")
    page.fill("input[name=lat]", f"{lat:.6f}")
    with page.expect_navigation():
        page.locator("form[data-testid=intake-form] button[type=submit]").click()
    title = page.locator("[data-testid=case-title]").inner_text()
    number = re.match(r"(SR\d+)", title).group(1)
    expect(page.locator("[data-testid=case-state]")).to_have_attribute("data-state", "received")

    sign_out(page)
    sign_in(page, "dispatcher")
    page.goto("/cases/?queue=dispatch")
    expect(page.locator(f"tr[data-case={number}]")).to_be_visible()
    page.goto(f"/cases/{number}/")
    act(page, "dispatch", body="区城市管理局")
    expect(page.locator("[data-testid=case-state]")).to_have_attribute("data-state", "dispatched")

    sign_out(page)
    sign_in(page, "department")
    page.goto("/cases/?queue=accept")
    expect(page.locator(f"tr[data-case={number}]")).to_be_visible()
    page.goto(f"/cases/{number}/")
    act(page, "accept")
    act(page, "start")
    act(page, "reply", note="已组织维修，路面已修复。")
    expect(page.locator("[data-testid=case-state]")).to_have_attribute("data-state", "replied")

    sign_out(page)
    sign_in(page, "dispatcher")
    page.goto(f"/cases/{number}/")
    act(page, "return_visit", satisfaction="5", note="回访：居民表示满意")
    act(page, "close")
    expect(page.locator("[data-testid=case-state]")).to_have_attribute("data-state", "closed")

    timeline = page.locator("[data-testid=timeline] li")
    expect(timeline).to_have_count(7)
    steps = [timeline.nth(i).get_attribute("data-event") for i in range(7)]
    assert steps == [
        "case.create",
        "case.dispatch",
        "case.accept",
        "case.start",
        "case.reply",
        "case.return_visit",
        "case.close",
    ]
    clocks = page.locator("[data-testid=clocks] tr[data-clock]")
    expect(clocks).to_have_count(3)  # dispatch, objection period, handling — all stopped
    for i in range(3):
        assert clocks.nth(i).get_attribute("data-light") in ("done", "late")
