"""The pages: each renders for those in scope, answers 404 to those outside it, and
each mutating page refuses someone without the right (403/404) and bad input (400,
with the message on the field, nothing stored)."""

from datetime import date

import pytest
from django.urls import reverse

from shanzhi.legal.actions import (
    do_assign_review,
    do_give_opinion,
    do_request_review,
    do_save_draft,
)
from shanzhi.legal.gate import current_draft
from shanzhi.legal.instruments import do_create_instrument
from shanzhi.legal.models import Draft, Instrument, Opinion, ReviewRequest

pytestmark = pytest.mark.django_db
TEXT = "第一条 为规范共享单车停放，制定本办法。\n第二条 本办法适用于东湖街道。"


@pytest.fixture
def instrument(persona, street_office):
    return do_create_instrument(
        kind="normative_document",
        title="东湖街道共享单车停放管理办法",
        body=street_office,
        text=TEXT,
        actor=persona("streetstaff"),
    )


@pytest.fixture
def review(instrument, persona):
    return do_request_review(current_draft(instrument=instrument), actor=persona("streetstaff"))


@pytest.fixture
def assigned(review, adviser):
    return do_assign_review(review, reviewer=adviser, actor=adviser)


def url(name, *args):
    return reverse(f"legal:{name}", args=args)


# --- Reading ------------------------------------------------------------------------


def test_the_list_shows_the_reviewers_requests_with_the_clock_light(client_as, assigned):
    page = client_as("legal").get(url("list") + "?tab=mine")
    assert page.status_code == 200
    assert f'data-request="{assigned.case.number}"' in page.content.decode()
    assert 'data-light="green"' in page.content.decode()


def test_the_requesting_body_sees_its_request_and_an_outsider_does_not(
    client, client_as, review, outsider
):
    assert client_as("streetstaff").get(url("detail", review.case.number)).status_code == 200
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.get(url("detail", review.case.number)).status_code == 404
    listing = client.get(url("list") + "?tab=all").content.decode()
    assert review.case.number not in listing


def test_the_detail_shows_version_digest_and_the_diff_from_the_previous_version(
    client_as, persona, instrument, adviser
):
    do_save_draft(
        kind="normative_document",
        title=instrument.title,
        text=TEXT + "\n第三条 违规停放的，由街道劝导。",
        actor=persona("streetstaff"),
        instrument=instrument,
    )
    draft = current_draft(instrument=instrument)
    review = do_request_review(draft, actor=persona("streetstaff"))
    page = client_as("legal").get(url("detail", review.case.number)).content.decode()
    assert draft.digest in page
    assert "+第三条 违规停放的，由街道劝导。" in page


def test_the_opinion_document_prints_the_outcome_and_bases(client_as, assigned, adviser):
    do_give_opinion(assigned, actor=adviser, outcome="fail", reasons="超越权限", bases="《立法法》")
    page = client_as("streetstaff").get(url("document", assigned.case.number))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Legal review opinion (法制审核意见书)" in body and "超越权限" in body
    assert adviser.legal_reviewer.certificate_number in body  # the reviewer's certificate


def test_there_is_no_opinion_document_before_the_opinion(client_as, assigned):
    assert client_as("legal").get(url("document", assigned.case.number)).status_code == 404


# --- Giving the request to a reviewer -----------------------------------------------


def test_assigning_refuses_someone_outside_and_someone_only_reading(
    client, client_as, review, adviser, outsider
):
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert (
        client.post(url("assign", review.case.number), {"reviewer": adviser.pk}).status_code == 404
    )
    response = client_as("streetstaff").post(
        url("assign", review.case.number), {"reviewer": adviser.pk}
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.reviewer is None


def test_assigning_a_reviewer_not_of_the_area_is_bad_input(client_as, review, outsider):
    response = client_as("legal").post(url("assign", review.case.number), {"reviewer": outsider.pk})
    assert response.status_code == 400
    assert 'data-error="reviewer"' in response.content.decode()
    review.refresh_from_db()
    assert review.reviewer is None


def test_a_legal_adviser_takes_the_request(client_as, review, adviser):
    response = client_as("legal").post(url("assign", review.case.number), {"reviewer": adviser.pk})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reviewer == adviser


# --- The opinion --------------------------------------------------------------------


def test_only_the_reviewer_gives_the_opinion(client_as, assigned):
    data = {"outcome": "pass", "reasons": "合法", "bases": "第五十八条"}
    assert client_as("leader").post(url("opinion", assigned.case.number), data).status_code == 403
    assert (
        client_as("dispatcher").post(url("opinion", assigned.case.number), data).status_code == 404
    )
    assert not Opinion.objects.filter(request=assigned).exists()


def test_an_opinion_without_reasons_or_bases_is_bad_input(client_as, assigned):
    response = client_as("legal").post(
        url("opinion", assigned.case.number), {"outcome": "pass", "reasons": "", "bases": " "}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-error="reasons"' in page and 'data-error="bases"' in page
    assert not Opinion.objects.filter(request=assigned).exists()


def test_the_reviewer_gives_an_opinion_and_the_instrument_is_reviewed(
    client_as, assigned, instrument
):
    response = client_as("legal").post(
        url("opinion", assigned.case.number),
        {"outcome": "pass", "reasons": "内容合法", "bases": "国办发〔2018〕115号"},
    )
    assert response.status_code == 302
    instrument.refresh_from_db()
    assert instrument.state == "reviewed"


# --- Confirming required changes ----------------------------------------------------


@pytest.fixture
def confirmation(assigned, adviser, persona, instrument):
    do_give_opinion(
        assigned,
        actor=adviser,
        outcome="pass_with_changes",
        reasons="第二条适用范围过宽",
        bases="国办发〔2018〕115号",
        changes="删去第二条中的“及周边”",
    )
    do_save_draft(
        kind="normative_document",
        title=instrument.title,
        text=TEXT + "（已修改）",
        actor=persona("streetstaff"),
        instrument=instrument,
    )
    return do_request_review(current_draft(instrument=instrument), actor=persona("streetstaff"))


def test_the_confirm_path_is_offered_and_passes_the_changed_version(client_as, confirmation):
    page = client_as("legal").get(url("detail", confirmation.case.number)).content.decode()
    assert 'data-testid="confirm"' in page and "删去第二条中的“及周边”" in page
    response = client_as("legal").post(url("confirm", confirmation.case.number))
    assert response.status_code == 302
    assert Opinion.objects.get(request=confirmation).outcome == "pass"


def test_confirming_is_refused_to_others(client, client_as, confirmation, outsider):
    assert (
        client_as("streetstaff").post(url("confirm", confirmation.case.number)).status_code == 403
    )
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.post(url("confirm", confirmation.case.number)).status_code == 404
    assert not Opinion.objects.filter(request=confirmation).exists()


def test_confirming_a_request_that_confirms_nothing_is_refused_with_a_message(client_as, review):
    response = client_as("legal").post(url("confirm", review.case.number), follow=True)
    assert "does not confirm required changes" in response.content.decode()
    assert not Opinion.objects.filter(request=review).exists()


# --- Asking for review --------------------------------------------------------------


def test_asking_for_review_is_refused_outside_the_drafting_body(client_as, instrument):
    draft = current_draft(instrument=instrument)
    for username in ("legal", "dispatcher", "department"):
        assert (
            client_as(username).post(url("request", draft.pk), {"reason": "x"}).status_code == 404
        )
    assert not ReviewRequest.objects.filter(draft=draft).exists()


def test_asking_twice_is_bad_input(client_as, review):
    response = client_as("streetstaff").post(url("request", review.draft.pk), {"reason": "again"})
    assert response.status_code == 400
    assert "already under legal review" in response.content.decode()
    assert ReviewRequest.objects.filter(draft=review.draft).count() == 1


def test_the_body_asks_for_review(client_as, instrument):
    draft = current_draft(instrument=instrument)
    response = client_as("streetstaff").post(url("request", draft.pk), {"reason": "请审核"})
    assert response.status_code == 302
    assert ReviewRequest.objects.get(draft=draft).reason == "请审核"


# --- Instruments --------------------------------------------------------------------


def test_drafting_a_new_instrument(client_as, street_office):
    data = {
        "kind": "major_decision",
        "body": street_office.pk,
        "title": "东湖街道停车资源共享方案",
        "text": "一、目标",
    }
    response = client_as("streetstaff").post(url("instrument_new"), data)
    assert response.status_code == 302
    instrument = Instrument.objects.get(title="东湖街道停车资源共享方案")
    assert current_draft(instrument=instrument).version == 1


def test_a_new_instrument_is_refused_to_those_who_draft_for_no_body(client_as):
    response = client_as("legal").post(url("instrument_new"), {"title": "x"})
    assert response.status_code == 403


def test_a_new_instrument_for_another_body_or_without_text_is_bad_input(client_as, persona):
    from shanzhi.org.models import Body

    other = Body.objects.get(name="区城市管理局")
    before = Instrument.objects.count()
    response = client_as("streetstaff").post(
        url("instrument_new"),
        {"kind": "contract", "body": other.pk, "title": "t", "text": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-error="body"' in page and 'data-error="text"' in page
    assert Instrument.objects.count() == before


def test_instrument_pages_answer_404_out_of_scope_and_403_to_readers(
    client, client_as, instrument, outsider
):
    posts = (
        ("instrument_draft", {"title": "t", "text": "changed"}),
        ("instrument_consultation", {"starts_on": "2025-08-01", "ends_on": "2025-09-30"}),
        ("instrument_issue", {}),
    )
    # The test client is one browser: sign in as one user after the other.
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.get(url("instrument", instrument.pk)).status_code == 404
    for name, data in posts:
        assert client.post(url(name, instrument.pk), data).status_code == 404
    reader = client_as("legal")  # reads the street's instruments, drafts none
    assert reader.get(url("instrument", instrument.pk)).status_code == 200
    for name, data in posts:
        assert reader.post(url(name, instrument.pk), data).status_code == 403
    instrument.refresh_from_db()
    assert instrument.state == "draft" and instrument.consultation_starts is None
    assert current_draft(instrument=instrument).version == 1


def test_a_draft_change_makes_a_version_and_an_empty_text_is_bad_input(client_as, instrument):
    staff = client_as("streetstaff")
    response = staff.post(url("instrument_draft", instrument.pk), {"title": "t", "text": " "})
    assert response.status_code == 400 and 'data-error="text"' in response.content.decode()
    assert Draft.objects.filter(instrument=instrument).count() == 1
    response = staff.post(url("instrument_draft", instrument.pk), {"title": "t", "text": "新文本"})
    assert response.status_code == 302
    assert current_draft(instrument=instrument).version == 2


def test_a_short_consultation_of_a_major_decision_is_bad_input(client_as, persona, street_office):
    decision = do_create_instrument(
        kind="major_decision",
        title="方案",
        body=street_office,
        text="一",
        actor=persona("streetstaff"),
    )
    response = client_as("streetstaff").post(
        url("instrument_consultation", decision.pk),
        {"starts_on": "2025-08-01", "ends_on": "2025-08-10"},
    )
    assert response.status_code == 400
    assert 'data-error="ends_on"' in response.content.decode()
    decision.refresh_from_db()
    assert decision.consultation_starts is None
    response = client_as("streetstaff").post(
        url("instrument_consultation", decision.pk), {"starts_on": "2025-08-01", "ends_on": "x"}
    )
    assert response.status_code == 400


def test_issuing_without_review_is_refused_with_the_rule_and_allowed_after(
    client_as, instrument, review, adviser
):
    response = client_as("streetstaff").post(url("instrument_issue", instrument.pk))
    assert response.status_code == 400
    assert "115号" in response.content.decode()
    do_assign_review(review, reviewer=adviser, actor=adviser)
    do_give_opinion(review, actor=adviser, outcome="pass", reasons="合法", bases="115号")
    response = client_as("streetstaff").post(url("instrument_issue", instrument.pk))
    assert response.status_code == 302
    instrument.refresh_from_db()
    assert instrument.state == "issued" and instrument.issued_at.date() <= date.today()


def test_an_overdue_request_is_listed_as_overdue_with_a_red_light(
    client_as, persona, street_office
):
    from shanzhi.legal.tests.conftest import at

    old = do_create_instrument(
        kind="contract",
        title="环卫作业外包合同",
        body=street_office,
        text="甲方：东湖街道办事处",
        actor=persona("streetstaff"),
        now=at(2025, 9, 26, 10),
    )
    review = do_request_review(
        current_draft(instrument=old), actor=persona("streetstaff"), now=at(2025, 9, 26, 10)
    )
    page = client_as("streetstaff").get(url("list") + "?tab=overdue").content.decode()
    assert f'data-request="{review.case.number}" data-light="red"' in page
    waiting = client_as("streetstaff").get(url("list") + "?tab=waiting").content.decode()
    assert review.case.number in waiting
