"""A petition's steps are taken on its own pages only (``Procedure.owner``): the generic
case page, the generic step endpoint, the bulk actions and the JSON API can neither
create a petition nor move one without its records, documents and checks."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shanzhi.api.actions import do_create_integration
from shanzhi.api.models import Integration
from shanzhi.api.tests.conftest import ALL_SCOPES, case_payload
from shanzhi.cases.engine import allowed_transitions, do_transition
from shanzhi.cases.models import Case
from shanzhi.org.models import Region
from shanzhi.petitions.procedures import OWNER
from shanzhi.petitions.steps import do_take_step


@pytest.fixture
def petition(register, persona):
    return register(account=persona("resident"))


def _state(petition):
    return Case.objects.get(pk=petition.case.pk).state


def test_the_engine_refuses_a_petition_step_from_anyone_but_its_app(
    petition, persona, department_body
):
    dispatcher = persona("dispatcher")
    assert allowed_transitions(dispatcher, petition.case) == []
    assert "dispatch" in {
        t.action for t in allowed_transitions(dispatcher, petition.case, owner=OWNER)
    }
    with pytest.raises(ValidationError, match="handled on their own pages"):
        do_transition(petition.case, "dispatch", actor=dispatcher, body=department_body)
    assert _state(petition) == "registered"
    do_take_step(petition.case, "dispatch", actor=dispatcher, body=department_body)
    assert _state(petition) == "dispatched"


def test_the_generic_case_page_links_to_the_petition_page_and_offers_no_step(petition, client_as):
    page = client_as("dispatcher").get(reverse("case_detail", args=[petition.case.number]))
    html = page.content.decode()
    assert 'data-testid="own-page"' in html
    assert reverse("petitions:detail", args=[petition.case.number]) in html
    assert "data-action=" not in html


def test_the_generic_step_endpoint_refuses_and_keeps_the_petition(
    petition, client_as, department_body
):
    client = client_as("dispatcher")
    response = client.post(
        reverse("case_act", args=[petition.case.number, "dispatch"]),
        {"body": department_body.pk},
        follow=True,
    )
    assert "handled on their own pages" in response.content.decode()
    assert _state(petition) == "registered"


def test_a_bulk_action_skips_a_petition_with_the_reason(
    petition, persona, client_as, department_body
):
    do_take_step(petition.case, "dispatch", actor=persona("dispatcher"), body=department_body)
    # The petition's "accept" issues the acceptance notice (Art. 23): a bulk "accept"
    # of the generic procedures must not take it bare.
    response = client_as("department").post(
        reverse("case_bulk"), {"action": "accept", "case": [petition.case.number]}, follow=True
    )
    assert "handled on their own pages" in response.content.decode()
    assert _state(petition) == "dispatched"


@pytest.fixture
def api(client):
    _integration, token = do_create_integration(
        Integration(
            name="信访信息系统",
            role="street_dispatcher",
            region=Region.objects.get(code="990101001"),
            scopes=list(ALL_SCOPES),
            rate_limit=1000,
        ),
        actor=None,
        note="测试",
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}

    def call(method, path, payload=None):
        if method == "get":
            return client.get(f"/api/v1{path}", **headers)
        return client.post(
            f"/api/v1{path}", json.dumps(payload or {}), content_type="application/json", **headers
        )

    return call


def test_the_api_neither_lists_nor_takes_a_petition_step(petition, api, department_body):
    number = petition.case.number
    listed = api("get", f"/cases/{number}/transitions")
    assert listed.status_code == 200 and listed.json() == []
    taken = api("post", f"/cases/{number}/transitions/dispatch", {"body": department_body.pk})
    assert taken.status_code == 422
    assert "handled on their own pages" in taken.content.decode()
    assert _state(petition) == "registered"


def test_the_api_registers_no_petition_case(api):
    before = Case.objects.count()
    response = api("post", "/cases", case_payload(procedure="petition"))
    assert response.status_code == 422
    assert "procedure" in response.content.decode()
    assert Case.objects.count() == before


def test_a_phone_petitioner_rates_the_answer_through_the_text_message_link(
    register, persona, client, department_body
):
    """The rating (Art. 21) is the one step the generic paths may take: a petitioner
    without an account rates through the link sent to their phone."""
    from shanzhi.cases.phone_link import token_for

    petition = register()  # by telephone, no account
    case = petition.case
    do_take_step(case, "dispatch", actor=persona("dispatcher"), body=department_body)
    do_take_step(case, "accept", actor=persona("department"))
    do_take_step(
        case,
        "reply",
        actor=persona("department"),
        outcome="explained",
        opinion="已说明供热标准",
        basis="《城镇供热条例》",
    )
    client.get(reverse("track_link", args=[token_for(case)]))
    response = client.post(
        reverse("track_rate", args=[case.number]), {"satisfaction": 4}, follow=True
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == "evaluated" and case.satisfaction == 4
    # Any other step stays with the petition's own pages.
    assert allowed_transitions(persona("department"), case) == []
