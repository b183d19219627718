"""A petition by telephone, from registration to review (信访工作条例 2022): the street's
petition office registers it for a petitioner who has an account and transfers it; the
district's city-management bureau accepts it with a written notice, asks for an
extension, which the district leader approves, and answers with a handling opinion; the
petitioner, signed in, sees every step and every document online (Art. 21) and asks for
a review (复查, Art. 35), which the office then sees as a linked case."""

import re

from playwright.sync_api import expect

DEMO_PASSWORD = "Shanzhi-demo-2026"


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def step(page, action, **fields):
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_phone_petition_from_registration_to_review(page):
    # The street's petition office takes the call and registers it.
    sign_in(page, "dispatcher")
    page.goto("/petitions/new/")
    form = page.locator("form[data-testid=register-form]")
    form.locator("select[name=channel]").select_option("phone")
    form.locator("select[name=petition_class]").select_option("claim")
    form.locator("input[name=name]").fill("陈测试")
    form.locator("input[name=phone]").fill("13900009999")
    form.locator("input[name=address]").fill("柳岸社区5号楼")
    form.locator("input[name=account]").fill("resident")
    form.locator("input[name=subject]").fill("楼下餐馆油烟直排")
    form.locator("textarea[name=request]").fill("请求责令餐馆安装油烟净化设施")
    form.locator("textarea[name=facts]").fill("每天中午和晚上油烟直接排入居民楼")
    form.locator("select[name=place]").select_option(label="— 柳岸社区")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    title = page.locator("[data-testid=petition-title]").inner_text()
    number = re.match(r"(XF\d+)", title).group(1)
    expect(page.locator("[data-testid=petition-state]")).to_have_attribute(
        "data-state", "registered"
    )
    expect(page.locator("[data-clock=transfer]")).to_contain_text("15")

    # Transferred to the competent body within the 15 days (Art. 22).
    body = page.locator(
        "form[data-action=dispatch] select[name=body] option", has_text="区城市管理局"
    )
    step(page, "dispatch", body=body.get_attribute("value"), note="请依法办理")
    expect(page.locator("[data-testid=petition-state]")).to_have_attribute(
        "data-state", "dispatched"
    )
    expect(page.locator("[data-testid=responsible-body]")).to_contain_text("区城市管理局")

    # The body accepts it: the acceptance notice is issued (Art. 23).
    sign_in(page, "department")
    page.goto(f"/petitions/{number}/")
    step(page, "accept", delivery="in_writing")
    expect(page.locator("[data-testid=petition-state]")).to_have_attribute(
        "data-state", "in_progress"
    )
    expect(page.locator("[data-document=acceptance]")).to_be_visible()
    # It asks for more time, with the reason (Art. 34) …
    step(page, "request_extension", extension="20", note="需委托检测油烟排放浓度")

    # … which the district's leader approves.
    sign_in(page, "leader")
    page.goto(f"/petitions/{number}/")
    step(page, "extend", extension="20", note="同意延期")
    expect(page.locator("[data-clock=handle]")).to_contain_text("60 + 20")
    expect(page.locator("[data-document=extension]")).to_be_visible()

    # The body answers with a handling opinion (Art. 32).
    sign_in(page, "department")
    page.goto(f"/petitions/{number}/")
    step(
        page,
        "reply",
        outcome="supported",
        opinion="已责令该餐馆限期安装油烟净化设施",
        basis="《中华人民共和国大气污染防治法》第八十一条",
    )
    expect(page.locator("[data-testid=petition-state]")).to_have_attribute("data-state", "replied")

    # The petitioner, signed in, sees every step and every document online (Art. 21).
    sign_in(page, "resident")
    page.goto("/petitions/mine/")
    with page.expect_navigation():
        page.locator(f"[data-petition={number}] a").click()
    expect(page.locator("[data-testid=mine-state]")).to_have_attribute("data-state", "replied")
    steps = page.locator("[data-testid=mine-timeline] li")
    assert [steps.nth(i).get_attribute("data-event") for i in range(steps.count())] == [
        "case.create",
        "petition.register",
        "case.dispatch",
        "case.accept",
        "case.extend",
        "case.reply",
    ]
    documents = page.locator("[data-testid=mine-documents] li")
    assert [documents.nth(i).get_attribute("data-document") for i in range(3)] == [
        "acceptance",
        "extension",
        "opinion",
    ]
    with page.expect_navigation():
        page.locator("[data-document=opinion] a").click()
    expect(page.locator("[data-testid=document]")).to_contain_text("已责令该餐馆")
    expect(page.locator("[data-testid=document]")).to_contain_text("30")
    page.go_back()

    # The petitioner asks for a review (复查) within the 30 days (Art. 35).
    review = page.locator("form[data-testid=ask-review-form]")
    review.locator("textarea[name=reasons]").fill("整改后油烟仍然很大")
    with page.expect_navigation():
        review.locator("button[type=submit]").click()
    review_number = re.search(r"(FC\d+)", page.locator("main").inner_text()).group(1)
    expect(
        page.locator(f"[data-testid=mine-timeline] li[data-case={review_number}]").first
    ).to_be_visible()
    expect(page.locator("[data-testid=mine-state]")).to_have_attribute("data-state", "received")

    # The office sees the review as a case linked to the petition.
    sign_in(page, "dispatcher")
    page.goto(f"/petitions/{review_number}/")
    expect(page.locator("[data-testid=chain]")).to_contain_text(number)
    expect(page.locator("form[data-action=dispatch]")).to_be_visible()
