"""A delegated-enforcement case from a grid worker's patrol report to the public page
(行政处罚法 2021): the street's staff register the report as a clue of a matter delegated
to the street; the dispatch centre sends it to the street's enforcement team; two
certified officers file it (立案), gather evidence with a photo and notify the intended
fine (事先告知, Art. 44), marking it for legal review (Art. 58); the officer drafts the
decision and sends it for review; the street's legal adviser takes the review and passes
it; the officer decides (within the 90 days, Art. 60), serves the decision (Art. 61) and
publishes it, and the public page shows it with the party's name masked (Art. 48)."""

import re

from playwright.sync_api import expect

DEMO_PASSWORD = "Shanzhi-demo-2026"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256
PARTY = "王某某"


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def submit(form):
    with form.page.expect_navigation():
        form.locator("button[type=submit], button:not([type])").last.click()


def choose(form, name, text):
    """Select the option of ``name`` whose label contains ``text``."""
    option = form.locator(f"select[name={name}] option", has_text=text).first
    form.locator(f"select[name={name}]").select_option(option.get_attribute("value"))


def state(page, value):
    expect(page.get_by_test_id("state")).to_have_text(re.compile(value))


def patrol_report(new_context) -> str:
    """The grid worker reports the stall from patrol, on a phone, where they stand."""
    context = new_context(**PHONE)
    page = context.new_page()
    sign_in(page, "gridworker")
    ring = page.request.get("/grids.geojson?mine=1").json()["features"][0]["geometry"]
    points = ring["coordinates"][0][:-1]
    lon = sum(p[0] for p in points) / len(points)
    lat = sum(p[1] for p in points) / len(points)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"longitude": lon, "latitude": lat})
    page.goto("/patrol/")
    expect(page.get_by_test_id("patrol-where")).to_have_attribute("data-located", "1")
    page.set_input_files(
        "input[name=photo]", {"name": "stall.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.fill("input[name=note]", "柳岸路人行道上有人摆摊经营，占用盲道")
    with page.expect_navigation():
        page.get_by_test_id("patrol-report").click()
    success = page.locator(".alert-success").filter(has_text=re.compile(r"GE\d+"))
    expect(success).to_be_visible()
    number = re.search(r"GE\d+", success.inner_text()).group(0)
    context.close()
    return number


def test_a_patrol_report_becomes_a_published_penalty_decision(page, new_context, browser_problems):
    source = patrol_report(new_context)

    # The street's staff register the report as a clue of a delegated matter.
    sign_in(page, "streetstaff")
    page.goto("/enforcement/cases/new/")
    form = page.locator("main form[method=post]")
    choose(form, "street", "东湖街道")
    choose(form, "matter", "DEMO-ZF-0001")
    form.locator("select[name=source]").select_option("patrol")
    form.locator("input[name=source_case]").fill(source)
    form.locator("select[name=party_kind]").select_option("individual")
    form.locator("input[name=party_name]").fill(PARTY)
    form.locator("[name=title]").fill("人行道占道经营")
    form.locator("[name=description]").fill("网格员巡查发现：柳岸路人行道摆摊经营，占用盲道。")
    form.locator("[name=address]").fill("柳岸路人行道")
    submit(form)
    title = page.locator("h1").inner_text()
    number = re.match(r"(ZF\d+)", title).group(1)
    expect(page.locator("main")).to_contain_text(source)

    # The dispatch centre sends it to the street's enforcement team.
    sign_in(page, "dispatcher")
    page.goto(f"/enforcement/case/{number}/")
    submit(page.locator("form[action$='/do/assign/']"))

    # Two certified officers file it, with the standard met (Art. 54).
    sign_in(page, "zf-officer1")
    page.goto(f"/enforcement/case/{number}/")
    form = page.locator("form[data-action=file]")
    form.locator("textarea[name=filing_standard]").fill(
        "有违法事实，属本街道赋权事项，在追责时效内"
    )
    submit(form)
    state(page, "立案|filed|Filed")
    expect(page.locator("[data-clock=decide]")).to_be_visible()  # 90 days (Art. 60)

    # Evidence by two officers holding valid certificates (Art. 42), with a photo.
    form = page.locator("form[action$='/do/evidence/']")
    form.get_by_label(re.compile("DEMO-001")).check()
    form.get_by_label(re.compile("DEMO-002")).check()
    form.locator("input[name=file_photo]").set_input_files(
        {"name": "evidence.png", "mimeType": "image/png", "buffer": PNG}
    )
    form.locator("textarea[name=note]").fill(
        "现场检查笔录：当事人在人行道摆设摊位，占地约3平方米。"
    )
    submit(form)
    expect(page.locator("[data-testid=records] [data-step=evidence]")).to_be_visible()
    submit(page.locator("form[data-action=conclude_investigation]"))

    # The intended fine is told with the right to state and defend (Art. 44); the case
    # is marked for legal review (Art. 58).
    form = page.locator("form[data-action=notify]")
    form.locator("input[name=penalty_kinds][value=fine]").check()
    form.locator("input[name=fine]").fill("500")
    form.locator("select[name=review_reason]").select_option("complex")
    form.locator("textarea[name=note]").fill("拟处罚款500元，告知陈述申辩权利")
    submit(form)
    expect(page.get_by_test_id("review")).to_contain_text("第五十八条")

    # Deciding before the review is refused, citing Art. 58.
    browser_problems.expect_status(400, "POST", f"/enforcement/case/{number}/do/decide/")
    submit(page.locator("form[data-action=decide]"))
    expect(page.locator("main")).to_contain_text("第五十八条")

    # The officer drafts the decision and sends it for review.
    page.get_by_test_id("decision-draft").click()
    form = page.get_by_test_id("case-draft-form")
    form.locator("textarea[name=text]").fill(
        "当事人王某某在柳岸路人行道摆摊经营，违反《城市道路管理条例》第二十七条，"
        "依据第四十二条，决定罚款500元。"
    )
    submit(form)
    page.get_by_test_id("ask-review").click()
    submit(page.get_by_test_id("request-form"))
    review_number = re.match(r"(FS\d+)", page.get_by_test_id("legal-title").inner_text()).group(1)

    # The street's legal adviser takes the review and passes it.
    sign_in(page, "legal")
    page.goto(f"/legal/{review_number}/")
    form = page.get_by_test_id("assign-form")
    adviser = form.locator("select[name=reviewer] option:not([value=''])").first
    form.locator("select[name=reviewer]").select_option(adviser.get_attribute("value"))
    submit(form)
    form = page.get_by_test_id("opinion-form")
    form.locator("select[name=outcome]").select_option("pass")
    form.locator("textarea[name=reasons]").fill("事实清楚，证据确凿，程序合法，处罚适当")
    form.locator("textarea[name=bases]").fill("《行政处罚法》第五十八条")
    submit(form)
    expect(page.get_by_test_id("opinion")).to_have_attribute("data-outcome", "pass")

    # The officer decides, from the text the reviewer passed, and serves it.
    sign_in(page, "zf-officer1")
    page.goto(f"/enforcement/case/{number}/")
    form = page.locator("form[data-action=decide]")
    form.locator("input[name=decision_number]").fill("东执罚决字〔2026〕第001号")
    submit(form)
    state(page, "决定|decided|Decided")
    form = page.locator("form[data-action=serve]")
    form.locator("textarea[name=note]").fill("当场交付当事人王某某签收")
    submit(form)
    state(page, "送达|served|Served")
    expect(page.locator("[data-clock=payment]")).to_be_visible()  # 15 days (Art. 67)

    # Published within the 7 working days, without the party's full name.
    publication = page.get_by_test_id("publication")
    text = publication.locator("textarea[name=text]").input_value()
    assert PARTY not in text
    submit(publication.locator("form[action$='/do/publish/']"))
    expect(page.get_by_test_id("publication")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))

    page.context.clear_cookies()
    page.goto("/enforcement/published/")
    item = page.locator("[data-publication='东执罚决字〔2026〕第001号']")
    expect(item).to_be_visible()
    expect(item).not_to_contain_text(PARTY)
    expect(item).to_contain_text("500")

    # The district leader supervises: the case is counted in the charts, drawn without
    # breaking the page's content security policy.
    sign_in(page, "leader")
    page.goto("/enforcement/cases/supervision/")
    for chart in ("trend", "matter_status", "team_status"):
        expect(page.locator(f"[data-chart={chart}][data-rendered=true] svg")).to_be_visible()
