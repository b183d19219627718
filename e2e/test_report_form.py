"""On a phone, a resident reports a matter with the report form's aids: the category found
by typing, the emergency warning before submit, the point set by tapping the map; the
receipt shows the case number."""

import re

from playwright.sync_api import expect

DEMO_PASSWORD = "Shanzhi-demo-2026"


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


# Draws a noisy 3000 × 2000 PNG and chooses it in the file input, as a person would.
PICK_LARGE_PHOTO = """input => new Promise(resolve => {
  const canvas = document.createElement("canvas");
  canvas.width = 3000; canvas.height = 2000;
  const context = canvas.getContext("2d");
  const pixels = context.createImageData(3000, 2000);
  for (let i = 0; i < pixels.data.length; i += 4) {
    const v = (i / 4) % 3000 / 12 + Math.random() * 40;
    pixels.data[i] = v; pixels.data[i + 1] = 120; pixels.data[i + 2] = 255 - v;
    pixels.data[i + 3] = 255;
  }
  context.putImageData(pixels, 0, 0);
  canvas.toBlob(blob => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], "photo.png", { type: "image/png" }));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    resolve();
  }, "image/png");
})"""
PHOTO_SIZE = """input => createImageBitmap(input.files[0])
  .then(b => [b.width, b.height, input.files[0].name])"""


def chosen_label(page) -> str:
    return page.locator("select[name=category]").evaluate("s => s.selectedOptions[0].text")


def test_report_with_search_map_and_receipt(phone_page):
    page = phone_page
    sign_in(page, "resident")
    page.goto("/cases/report/")

    search = page.get_by_test_id("category-search")
    search.fill("火灾")
    assert "火灾" in chosen_label(page)
    warning = page.get_by_test_id("category-emergency")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("119")

    search.fill("道路破损")
    assert chosen_label(page) == "0604 道路破损"
    expect(warning).to_be_hidden()
    expect(page.locator("#category-hint")).to_contain_text("塌陷")

    page.fill("input[name=title]", "单元门口路面塌陷")
    page.fill("textarea[name=description]", "3号楼单元门口路面塌陷，老人容易绊倒。")

    the_map = page.get_by_test_id("report-map")
    expect(the_map).to_have_attribute("data-ready", "1")
    assert page.input_value("input[name=lon]") == ""
    the_map.tap()
    lon, lat = page.input_value("input[name=lon]"), page.input_value("input[name=lat]")
    assert re.fullmatch(r"1\d\d\.\d{6}", lon) and re.fullmatch(r"\d\d\.\d{6}", lat)
    assert not page.locator("input[name=gcj02]").is_checked()

    # A 3000 × 2000 photo is redrawn as a JPEG of at most 1600 px before upload.
    page.locator("input[name=attachments]").evaluate(PICK_LARGE_PHOTO)
    page.wait_for_function(
        "() => document.querySelector('input[name=attachments]').files[0]?.type === 'image/jpeg'"
    )
    width, height, name = page.locator("input[name=attachments]").evaluate(PHOTO_SIZE)
    assert (width, height) == (1600, 1067) and name == "photo.jpg"

    with page.expect_navigation():
        page.locator("form[data-testid=intake-form] button[type=submit]").click()
    number = re.match(r"(SR\d+)", page.locator("[data-testid=case-title]").inner_text()).group(1)
    expect(page.locator(".alert-success")).to_contain_text(number)  # the receipt
    assert f"/cases/{number}/" in page.url
    expect(page.locator("main a", has_text="photo.jpg")).to_be_visible()  # the smaller photo
