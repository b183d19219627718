"""The page where those who decide a case write the draft of its decision and ask for
its legal review: versions, the review status, access and bad input."""

from django.urls import reverse

from shanzhi.legal.actions import do_request_review
from shanzhi.legal.gate import current_draft
from shanzhi.legal.models import Draft

TEXT = (
    "经查，当事人在柳岸社区门口占道经营，"
    "依据《城市市容和环境卫生管理条例》第三十六条，拟罚款200元。"
)


def page(case):
    return reverse("legal:case_draft", args=[case.number])


def test_the_decider_saves_versions_and_is_offered_the_review(enforcement_case, client_as):
    client = client_as("dispatcher")
    first = client.get(page(enforcement_case))
    assert first.status_code == 200 and b'data-testid="ask-review"' not in first.content
    saved = client.post(page(enforcement_case), {"title": "行政处罚决定书", "text": TEXT})
    assert saved.status_code == 302
    draft = current_draft(case=enforcement_case)
    assert draft.version == 1 and draft.text == TEXT
    shown = client.get(page(enforcement_case)).content.decode()
    assert reverse("legal:request", args=[draft.pk]) in shown
    assert "has not been sent for legal review" in shown
    client.post(page(enforcement_case), {"title": "行政处罚决定书", "text": TEXT + "（改）"})
    assert current_draft(case=enforcement_case).version == 2


def test_asking_is_no_longer_offered_once_the_version_is_under_review(
    enforcement_case, client_as, persona
):
    client = client_as("dispatcher")
    client.post(page(enforcement_case), {"title": "行政处罚决定书", "text": TEXT})
    do_request_review(current_draft(case=enforcement_case), actor=persona("dispatcher"))
    shown = client.get(page(enforcement_case)).content.decode()
    assert 'data-testid="ask-review"' not in shown and "still under legal review" in shown


def test_bad_input_is_refused_and_nothing_stored(enforcement_case, client_as):
    response = client_as("dispatcher").post(page(enforcement_case), {"title": "决定", "text": ""})
    assert response.status_code == 400
    assert not Draft.objects.filter(case=enforcement_case).exists()


def test_someone_who_does_not_decide_the_case_cannot_reach_it(
    enforcement_case, client_as, outsider, client
):
    # A grid worker sees the street's cases but does not decide them; a legal adviser of
    # another street does not see this one.
    assert client_as("gridworker").get(page(enforcement_case)).status_code == 404
    assert (
        client_as("gridworker")
        .post(page(enforcement_case), {"title": "决定", "text": TEXT})
        .status_code
        == 404
    )
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.get(page(enforcement_case)).status_code == 404
    assert not Draft.objects.filter(case=enforcement_case).exists()
