"""A grid worker on a phone reports from patrol: a photo and the place where they stand,
and a report made with no network that is sent once the network returns."""

import re

from playwright.sync_api import expect

DEMO_PASSWORD = "Shanzhi-demo-2026"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# A PNG header is all the server checks of the photo's bytes.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def my_grid_centre(page):
    data = page.request.get("/grids.geojson?mine=1").json()
    ring = data["features"][0]["geometry"]["coordinates"][0]
    xs, ys = [p[0] for p in ring[:-1]], [p[1] for p in ring[:-1]]
    return sum(xs) / len(xs), sum(ys) / len(ys)  # the centre of a near-rectangle


def patrol_page(new_context):
    context = new_context(**PHONE)
    page = context.new_page()
    sign_in(page, "gridworker")
    lon, lat = my_grid_centre(page)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"longitude": lon, "latitude": lat})
    page.goto("/")
    page.get_by_test_id("patrol-link").click()
    expect(page).to_have_url(re.compile(r"/patrol/$"))
    expect(page.get_by_test_id("patrol-where")).to_have_attribute("data-located", "1")
    assert abs(float(page.locator("input[name=lon]").input_value()) - lon) < 1e-5
    assert abs(float(page.locator("input[name=lat]").input_value()) - lat) < 1e-5
    return context, page


def test_report_with_a_photo_where_i_stand(new_context):
    _context, page = patrol_page(new_context)
    page.set_input_files(
        "input[name=photo]", {"name": "event.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.fill("input[name=note]", "垃圾桶满溢")
    with page.expect_navigation():
        page.get_by_test_id("patrol-report").click()
    success = page.locator(".alert-success").filter(has_text=re.compile(r"GE\d+"))
    expect(success).to_be_visible()
    number = re.search(r"GE\d+", success.inner_text()).group(0)
    expect(page.get_by_test_id("patrol-cases")).to_contain_text(number)
    assert page.locator("#patrol-map").get_attribute("data-points") != "0"


def test_a_report_made_offline_is_sent_when_the_network_returns(new_context):
    context, page = patrol_page(new_context)
    page.set_input_files(
        "input[name=photo]", {"name": "offline.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.fill("input[name=note]", "离线上报")
    context.set_offline(True)
    page.get_by_test_id("patrol-report").click()
    queue = page.get_by_test_id("patrol-queue")
    expect(queue).to_be_visible()
    expect(queue).to_have_attribute("data-queued", "1")
    context.set_offline(False)
    result = page.get_by_test_id("patrol-result")
    expect(result).to_have_attribute("data-number", re.compile(r"^GE\d+$"))
    number = result.get_attribute("data-number")
    page.reload()
    expect(page.get_by_test_id("patrol-cases")).to_contain_text(number)
    expect(page.get_by_test_id("patrol-cases").get_by_text(number)).to_have_count(1)


def test_a_queued_report_the_server_refuses_stays_until_discarded(new_context, browser_problems):
    browser_problems.expect_status(400, "POST", "/patrol/")
    context, page = patrol_page(new_context)
    page.set_input_files(
        "input[name=photo]", {"name": "far.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.fill("input[name=note]", "网格外的点")
    # A point far outside the district (as a wrong fix of the phone's location gives).
    page.evaluate("() => { document.querySelector('input[name=lon]').value = '100.000000'; }")
    context.set_offline(True)
    page.get_by_test_id("patrol-report").click()
    expect(page.get_by_test_id("patrol-queue")).to_have_attribute("data-queued", "1")
    context.set_offline(False)
    refused = page.get_by_test_id("patrol-refused")
    expect(refused).to_have_attribute("data-count", "1")
    expect(refused).to_contain_text("网格外的点")
    # Still kept after the page is opened again; discarded only by the worker.
    page.reload()
    expect(refused).to_have_attribute("data-count", "1")
    refused.get_by_role("button").click()
    expect(refused).to_have_attribute("data-count", "0")
    expect(refused).to_be_hidden()


def test_a_queued_report_is_kept_while_signed_out_and_sent_after_signing_in(
    new_context, browser_problems
):
    # Signed out, the server refuses the post (no CSRF cookie) without reading it.
    browser_problems.expect_status(403, "POST", "/patrol/")
    context, page = patrol_page(new_context)
    page.set_input_files(
        "input[name=photo]", {"name": "later.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.fill("input[name=note]", "离线后会话过期")
    context.set_offline(True)
    page.get_by_test_id("patrol-report").click()
    expect(page.get_by_test_id("patrol-queue")).to_have_attribute("data-queued", "1")
    # The session ends while the phone is offline; the network returns.
    context.clear_cookies()
    context.set_offline(False)
    queue = page.get_by_test_id("patrol-queue")
    expect(queue).to_have_class(re.compile("alert-danger"))
    expect(queue).to_have_attribute("data-queued", "1")  # kept, not dropped
    # Signed in again, the patrol page sends it.
    sign_in(page, "gridworker")
    page.goto("/patrol/")
    result = page.get_by_test_id("patrol-result")
    expect(result).to_have_attribute("data-number", re.compile(r"^GE\d+$"))
    expect(page.get_by_test_id("patrol-refused")).to_have_attribute("data-count", "0")


def test_solved_on_the_spot_is_recorded_closed(new_context):
    _context, page = patrol_page(new_context)
    # After the photo: choose the category, write what was done, tap "solved".
    page.set_input_files(
        "input[name=photo]", {"name": "fixed.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.select_option("select[name=category]", index=1)
    page.fill("textarea[name=note], input[name=note]", "已当场劝离占道摊贩")
    with page.expect_navigation():
        page.get_by_test_id("patrol-solve").tap()
    success = page.locator(".alert-success").filter(has_text=re.compile(r"GE\d+"))
    expect(success).to_be_visible()
    number = re.search(r"GE\d+", success.inner_text()).group(0)
    # Closed: not among the open cases of the grid; its page says how it was solved.
    expect(page.get_by_test_id("patrol-cases")).not_to_contain_text(number)
    page.goto(f"/cases/{number}/")
    expect(page.locator("[data-testid=case-state]")).to_have_attribute("data-state", "closed")
    expect(page.locator("main")).to_contain_text("已当场劝离占道摊贩")
    expect(page.locator("main a", has_text="fixed.png")).to_be_visible()
