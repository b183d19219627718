"""Rounds (走访): community staff plan a household visit for the grid worker; the worker
records it on a phone with a new phone number found on the visit; community staff
confirm the change; the person's card shows the new number and keeps the old one in its
history.

The household comes from the demo registry that ``make serve`` loads into every grid;
the plan, the visit and the change are made through the pages.
"""

from playwright.sync_api import expect

DEMO_PASSWORD = "Shanzhi-demo-2026"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
GRID = "990101001001001"  # the demo grid worker's grid, in the demo community's area
NEW_PHONE, NEW_MASK = "13912345678", "139****5678"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_household_visit_recorded_on_a_phone_and_confirmed(new_context):
    # The grid worker, on a phone where they stand in their grid.
    worker_context = new_context(**PHONE)
    worker = worker_context.new_page()
    sign_in(worker, "gridworker")
    worker_name = worker.get_by_test_id("signed-in-as").inner_text().strip()

    # Community staff plan a routine visit to the first household of the grid.
    staff = new_context().new_page()
    sign_in(staff, "community")
    staff.goto("/registry/rounds/plan/")
    grid = staff.locator("select[name=grid] option", has_text=GRID)
    staff.select_option("select[name=grid]", value=grid.get_attribute("value"))
    with staff.expect_navigation():
        staff.get_by_test_id("plan-grid").locator("button").click()
    form = staff.get_by_test_id("plan-form")
    households = staff.get_by_test_id("targets-households").locator("input[type=checkbox]")
    assert households.count() > 0, "the demo registry has no household in the worker's grid"
    first = households.first
    household = staff.locator(f"label[for='{first.get_attribute('id')}']").inner_text().strip()
    first.check()
    form.locator("select[name=purpose]").select_option("routine")
    form.locator("select[name=worker]").select_option(label=worker_name)
    with staff.expect_navigation():
        staff.get_by_test_id("plan-submit").click()
    expect(staff.locator(".alert-success")).to_contain_text(worker_name)
    expect(staff.get_by_test_id("area-visits")).to_contain_text(household.split(" · ")[0])

    # The worker finds it among their visits and records it.
    worker_context.grant_permissions(["geolocation"])
    worker_context.set_geolocation({"longitude": 118.78, "latitude": 32.05})
    worker.goto("/registry/rounds/")
    mine = worker.get_by_test_id("my-visits")
    expect(mine).to_contain_text(household.split(" · ")[0])
    with worker.expect_navigation():
        mine.locator("a").first.click()
    expect(worker.get_by_test_id("visit-form")).to_be_visible()
    expect(worker.get_by_test_id("visit-where")).to_have_attribute("data-located", "1")
    assert fits_the_screen(worker)
    worker.locator("label[for=id_outcome_0]").click()  # met the household
    worker.fill("textarea[name=notes]", "户主更换了手机号码")
    worker.set_input_files(
        "input[name=photo]", {"name": "visit.png", "mimeType": "image/png", "buffer": PNG}
    )
    head = worker.get_by_test_id("what-changed").locator("details").first
    old_mask = head.locator("summary .font-monospace").inner_text().strip()
    assert old_mask != NEW_MASK
    head.locator("summary").click()
    head.locator("input[name$='-phone-phone']").fill(NEW_PHONE)
    with worker.expect_navigation():
        worker.get_by_test_id("record-visit").click()
    expect(worker.locator(".alert-success")).to_be_visible()
    expect(worker.get_by_test_id("my-recent-visits")).to_contain_text(household.split(" · ")[0])

    # Community staff confirm the change.
    staff.goto("/registry/rounds/changes/")
    pending = staff.get_by_test_id("pending-changes")
    expect(pending).to_contain_text(NEW_MASK)
    with staff.expect_navigation():
        pending.locator("a").first.click()
    expect(staff.get_by_test_id("side-by-side")).to_contain_text(old_mask)
    expect(staff.get_by_test_id("proposed")).to_contain_text(NEW_MASK)
    card = staff.get_by_test_id("person-card-link").get_attribute("href")
    with staff.expect_navigation():
        staff.get_by_test_id("confirm-change").click()
    expect(staff.locator(".alert-success")).to_be_visible()
    expect(staff.get_by_test_id("pending-changes")).not_to_contain_text(NEW_MASK)

    # The card shows the new number; the history keeps the old one.
    staff.goto(card)
    expect(staff.get_by_test_id("phone")).to_have_text(NEW_MASK)
    history = staff.get_by_test_id("history")
    current = history.locator("tbody tr.table-primary")
    expect(current).to_contain_text(NEW_MASK)
    earlier = history.locator("tbody tr:not(.table-primary)")
    expect(earlier.filter(has_text=old_mask).first).to_be_visible()
