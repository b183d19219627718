"""On a phone, a resident starts to report a matter that is already being handled: the
form shows the open case nearby that looks like it, and the resident follows that case
("me too") instead of reporting it again. The case is then among their cases."""

import re

from playwright.sync_api import expect

DEMO_PASSWORD = "Shanzhi-demo-2026"
GRID = "990101001001001"


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


def test_resident_follows_a_suggested_case_instead_of_reporting_it(phone_page, new_context):
    # A hotline operator has registered the matter a caller reported.
    staff = new_context().new_page()
    lon, lat = point_in_grid(staff, GRID)
    sign_in(staff, "dispatcher")
    staff.goto("/cases/new/")
    staff.fill("input[name=title]", "广场蓝色音箱夜间噪声扰民")
    staff.fill("textarea[name=description]", "每晚九点后广场舞音响声音很大，电话13987654321反映。")
    staff.fill("input[name=requester_phone]", "13987654321")
    # The point as one pasted pair (a half-typed point is an error on the staff form).
    staff.evaluate(
        "([x, y]) => { document.querySelector('input[name=lon]').value = x;"
        " document.querySelector('input[name=lat]').value = y; }",
        [f"{lon:.6f}", f"{lat:.6f}"],
    )
    staff.select_option("select[name=category]", label="0606 噪声扰民")
    with staff.expect_navigation():
        staff.locator("form[data-testid=intake-form] button[type=submit]").click()
    title = staff.locator("[data-testid=case-title]").inner_text()
    number = re.match(r"(SR\d+)", title).group(1)

    # A resident nearby starts to report the same matter on the phone.
    page = phone_page
    sign_in(page, "resident")
    page.goto("/cases/report/")
    page.select_option("select[name=category]", label="0606 噪声扰民")
    page.fill("input[name=lon]", f"{lon + 0.0003:.6f}")
    page.fill("input[name=lat]", f"{lat:.6f}")
    page.locator("input[name=lat]").dispatch_event("change")
    page.fill("input[name=title]", "广场蓝色音箱晚上噪声扰民")
    page.locator("input[name=title]").press("End")  # a keyup, as when typing
    suggestion = page.locator("[data-nearby-case]", has_text="蓝色音箱")
    expect(suggestion).to_be_visible()
    expect(suggestion).to_contain_text("m")  # its distance
    assert number not in page.content() and "13987654321" not in page.content()

    with page.expect_navigation():
        suggestion.get_by_test_id("follow-instead").tap()
    expect(page.locator("[data-testid=i-follow]")).to_be_visible()
    expect(page.locator("[data-testid=case-title]")).to_contain_text(number)
    assert "13987654321" not in page.content()  # the requester's number is not shown

    page.goto("/my-cases/")
    expect(page.get_by_test_id("followed-cases")).to_contain_text(number)

    # The operator's case page counts the follower.
    staff.reload()
    expect(staff.get_by_test_id("followers")).to_contain_text("1")
