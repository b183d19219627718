"""The page where the team writes the draft decision of an enforcement case and asks
for its legal review (``legal:case_draft``): versions, the review status, and who may
reach it — the team, not those who only read the case; and the generic case page keeps
to the enforcement app's readers."""

from django.urls import reverse

from shanzhi.enforcement.tests.conftest import at
from shanzhi.legal.actions import do_request_review
from shanzhi.legal.gate import current_draft
from shanzhi.legal.models import Draft

TEXT = "经查，当事人在柳岸社区门口占道经营，依据《城市道路管理条例》第四十二条，决定罚款200元。"


def page(ecase):
    return reverse("legal:case_draft", args=[ecase.case.number])


def login(client, user):
    client.force_login(user, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    return client


def test_the_team_saves_versions_and_is_offered_the_review(new_case, matter, officer_user, client):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    client = login(client, officer_user)
    first = client.get(page(ecase))
    assert first.status_code == 200 and b'data-testid="ask-review"' not in first.content
    assert client.post(page(ecase), {"title": "行政处罚决定书", "text": TEXT}).status_code == 302
    draft = current_draft(case=ecase.case)
    assert draft.version == 1 and draft.text == TEXT
    shown = client.get(page(ecase)).content.decode()
    assert reverse("legal:request", args=[draft.pk]) in shown
    assert "has not been sent for legal review" in shown
    client.post(page(ecase), {"title": "行政处罚决定书", "text": TEXT + "（改）"})
    assert current_draft(case=ecase.case).version == 2
    do_request_review(current_draft(case=ecase.case), actor=officer_user)
    shown = client.get(page(ecase)).content.decode()
    assert 'data-testid="ask-review"' not in shown and "still under legal review" in shown


def test_bad_input_is_refused_and_nothing_stored(new_case, matter, officer_user, client):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    response = login(client, officer_user).post(page(ecase), {"title": "决定", "text": ""})
    assert response.status_code == 400
    assert not Draft.objects.filter(case=ecase.case).exists()


def test_those_who_only_read_the_case_cannot_write_its_decision(new_case, matter, persona, client):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    # The dispatch centre and the district leader read the case, but the decision is
    # the team's; a grid worker does not even read it.
    for username in ("dispatcher", "leader", "gridworker"):
        client = login(client, persona(username))
        assert client.get(page(ecase)).status_code == 404
        assert client.post(page(ecase), {"title": "决定", "text": TEXT}).status_code == 404
    assert not Draft.objects.filter(case=ecase.case).exists()


def test_a_case_without_a_legal_review_step_has_no_draft_page(client, persona):
    from shanzhi.cases.engine import Intake, do_create_case

    case = do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="占道经营",
            description="柳岸社区门口占道经营",
            address="东湖街道柳岸社区",
        ),
        actor=persona("dispatcher"),
    )
    response = login(client, persona("dispatcher")).get(
        reverse("legal:case_draft", args=[case.number])
    )
    assert response.status_code == 404


def test_the_generic_case_page_keeps_to_the_enforcement_readers(
    new_case, matter, officer_user, persona, client
):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    url = reverse("case_detail", args=[ecase.case.number])
    assert login(client, officer_user).get(url).status_code == 200
    assert login(client, persona("leader")).get(url).status_code == 200
    # A legal adviser and an auditor of the area see the street's 12345 cases, but not
    # its enforcement cases: the enforcement app does not let them read those.
    for username in ("legal", "auditor"):
        assert login(client, persona(username)).get(url).status_code == 404
