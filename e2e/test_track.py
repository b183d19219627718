"""On a phone: a resident reports a matter, the body replies, and the resident — signed
out, on the tracking page — finds the case by its number and the last four digits of the
phone, reads the reply and rates it. The public list then shows the case without anyone's
personal data."""

import re

from playwright.sync_api import expect

DEMO_PASSWORD = "Shanzhi-demo-2026"


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


def act(page, action, **fields):
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if name == "body":
            field.select_option(label=value)
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_reported_then_tracked_by_number_and_phone_suffix_and_rated(phone_page, new_context):
    page = phone_page
    lon, lat = point_in_grid(page, "990101001001001")
    sign_in(page, "resident")
    page.goto("/cases/report/")
    page.select_option("select[name=category]", label="0604 道路破损")
    page.fill("input[name=title]", "单元门口地砖松动，电话13812345678")
    page.fill("textarea[name=description]", "柳岸社区3号楼单元门口地砖松动，老人容易绊倒。")
    page.fill("input[name=lon]", f"{lon:.6f}")
    page.fill("input[name=lat]", f"{lat:.6f}")
    with page.expect_navigation():
        page.locator("form[data-testid=intake-form] button[type=submit]").click()
    number = re.match(r"(SR\d+)", page.locator("[data-testid=case-title]").inner_text()).group(1)
    # The resident's own case page shows the phone they gave, masked to its last four digits.
    suffix = re.search(r"\*{4}(\d{4})", page.locator("main").inner_text()).group(1)

    staff = new_context().new_page()
    sign_in(staff, "dispatcher")
    staff.goto(f"/cases/{number}/")
    act(staff, "dispatch", body="区城市管理局")
    staff.context.clear_cookies()
    sign_in(staff, "department")
    staff.goto(f"/cases/{number}/")
    act(staff, "accept")
    act(staff, "start")
    act(staff, "reply", note="已更换松动地砖，感谢反映。")
    expect(staff.locator("[data-testid=case-state]")).to_have_attribute("data-state", "replied")

    # Signed out, on the phone: from the home page to the tracking page.
    page.context.clear_cookies()
    page.goto("/")
    with page.expect_navigation():
        page.locator("[data-testid=track-link]").click()
    page.fill("input[name=number]", number.lower())
    page.fill("input[name=suffix]", suffix)
    with page.expect_navigation():
        page.locator("form[data-testid=track-form] button[type=submit]").click()
    expect(page.locator("[data-testid=track-state]")).to_have_attribute("data-state", "replied")
    expect(page.locator("[data-testid=track-reply]")).to_contain_text("已更换松动地砖")
    expect(page.locator("[data-testid=track-title]")).to_contain_text("138********")
    steps = page.locator("[data-testid=track-timeline] li")
    assert [steps.nth(i).get_attribute("data-event") for i in range(steps.count())] == [
        "case.create",
        "case.dispatch",
        "case.accept",
        "case.reply",
    ]

    rating = page.locator("form[data-testid=rating-form]")
    rating.locator("label[for=rating-5]").tap()
    with page.expect_navigation():
        rating.locator("button[type=submit]").tap()
    expect(page.locator("[data-testid=track-state]")).to_have_attribute("data-state", "evaluated")
    expect(page.locator("[data-testid=track-rating]")).to_be_visible()
    expect(page.locator("form[data-testid=rating-form]")).to_have_count(0)

    # The public list shows the case, its phone number masked, and counts it on the map.
    page.goto("/public/cases/")
    entry = page.locator("[data-public-case]", has_text="单元门口地砖松动")
    expect(entry).to_contain_text("138********")
    assert "13812345678" not in page.content() and number not in page.content()
    expect(page.locator("[data-testid=public-map]")).to_have_attribute(
        "data-cells", re.compile("[1-9]")
    )
