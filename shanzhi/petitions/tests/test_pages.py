"""The petition pages: each mutating page refuses someone outside its scope and answers
bad input with the reason; the petitioner follows every step online (Art. 21)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shanzhi.core.models import AuditEvent
from shanzhi.org.models import Region
from shanzhi.petitions.models import Petition, Review
from shanzhi.petitions.steps import do_take_step
from shanzhi.petitions.tests.conftest import COMMUNITY

pytestmark = pytest.mark.django_db


EN = {"HTTP_ACCEPT_LANGUAGE": "en"}  # messages read in English


def url(name, *args):
    return reverse(f"petitions:{name}", args=args)


@pytest.fixture
def petition(register, persona):
    return register(account=persona("resident"))


@pytest.fixture
def answered(petition, persona, department_body):
    do_take_step(petition.case, "dispatch", actor=persona("dispatcher"), body=department_body)
    do_take_step(petition.case, "accept", actor=persona("department"))
    do_take_step(
        petition.case,
        "request_extension",
        actor=persona("department"),
        extension=15,
        note="需要检测室温",
    )
    do_take_step(petition.case, "extend", actor=persona("leader"), note="同意")
    do_take_step(
        petition.case,
        "reply",
        actor=persona("department"),
        outcome="supported",
        opinion="责成供热公司整改",
        basis="《城镇供热条例》",
    )
    return petition


FORM = {
    "channel": "phone",
    "petition_class": "claim",
    "petitioner_kind": "person",
    "name": "赵测试",
    "phone": "13900003333",
    "subject": "噪声扰民",
    "request": "请求制止夜间施工噪声",
    "facts": "工地每晚施工到凌晨",
}


def test_registering_is_for_the_petition_office(client_as):
    assert client_as("department").get(url("register")).status_code == 403
    assert client_as("department").post(url("register"), FORM).status_code == 403
    assert not Petition.objects.exists()


def test_registering_with_bad_input_says_why(client_as):
    client = client_as("dispatcher")
    place = Region.objects.get(code=COMMUNITY).pk
    response = client.post(url("register"), {**FORM, "name": "", "place": place})
    assert response.status_code == 400 and not Petition.objects.exists()
    assert "Art. 19" in " ".join(response.context["form"].errors["name"])
    response = client.post(url("register"), {**FORM, "account": "nobody-such", "place": place})
    assert response.status_code == 400 and "account" in response.context["form"].errors
    response = client.post(url("register"), {**FORM, "account": "resident", "place": place})
    petition = Petition.objects.get()
    assert response.status_code == 302 and response.url == url("detail", petition.case.number)
    assert petition.case.requester.username == "resident"


def test_a_step_is_refused_to_whoever_may_not_take_it(petition, client_as, department_body):
    number = petition.case.number
    act = url("act", number, "dispatch")
    assert client_as("resident").post(act, {"body": department_body.pk}).status_code == 302
    petition.case.refresh_from_db()
    assert petition.case.state == "registered"  # the petitioner may not transfer it
    outsider = client_as("gridleader")  # a grid leader of another unit: no such petition
    assert outsider.post(act, {"body": department_body.pk}).status_code == 404
    client = client_as("community")  # sees the community's petitions, takes no step
    response = client.post(act, {"body": department_body.pk}, follow=True, **EN)
    assert "may not take this action" in response.content.decode()
    petition.case.refresh_from_db()
    assert petition.case.state == "registered"


def test_a_step_with_bad_input_says_why(petition, client_as, department_body):
    client = client_as("dispatcher")
    number = petition.case.number
    response = client.post(url("act", number, "dispatch"), {}, follow=True, **EN)
    assert "Choose the body to dispatch to" in response.content.decode()
    response = client.post(
        url("act", number, "not_accept"), {"note": "非本机关"}, follow=True, **EN
    )
    assert "competent organ" in response.content.decode()
    petition.case.refresh_from_db()
    assert petition.case.state == "registered"
    response = client.post(url("act", number, "dispatch"), {"body": department_body.pk})
    assert response.status_code == 302
    petition.case.refresh_from_db()
    assert petition.case.state == "dispatched"


def test_reading_a_petitioner_in_full_is_logged_and_refused_to_others(petition, client_as):
    number = petition.case.number
    assert (
        client_as("gridleader").post(url("reveal", number), {"purpose": "handle"}).status_code
        == 404
    )
    client = client_as("dispatcher")
    assert client.post(url("reveal", number), {"purpose": "nonsense"}).status_code == 400
    page = client.post(url("reveal", number), {"purpose": "contact"})
    assert page.status_code == 200 and "13900001111" in page.content.decode()
    event = AuditEvent.objects.for_object(petition.case).get(action="petition.reveal")
    assert event.after == {"purpose": "contact", "what": "identity"}
    # Masked otherwise.
    page = client.get(url("detail", number)).content.decode()
    assert "13900001111" not in page and "139****1111" in page


def test_the_leader_in_charge_is_set_by_a_leader_only(petition, client_as, persona):
    number = petition.case.number
    leader = persona("leader")
    assert (
        client_as("dispatcher").post(url("leader", number), {"leader": leader.pk}).status_code
        == 403
    )
    response = client_as("leader").post(url("leader", number), {}, follow=True, **EN)
    assert "Choose a leader" in response.content.decode()
    client_as("leader").post(url("leader", number), {"leader": leader.pk})
    assert Petition.objects.get(pk=petition.pk).leader == leader


def test_the_class_is_changed_by_those_who_handle_it(petition, client_as):
    number = petition.case.number
    assert (
        client_as("community")
        .post(url("reclassify", number), {"petition_class": "suggestion", "note": "x"})
        .status_code
        == 403
    )
    response = client_as("dispatcher").post(
        url("reclassify", number), {"petition_class": "suggestion", "note": ""}, follow=True, **EN
    )
    assert "give a reason" in response.content.decode()
    assert Petition.objects.get(pk=petition.pk).petition_class == "claim"


def test_the_office_registers_a_review_request(answered, client_as):
    number = answered.case.number
    assert client_as("department").get(url("review_request", number)).status_code == 403
    client = client_as("dispatcher")
    response = client.post(url("review_request", number), {"reasons": ""})
    assert response.status_code == 400 and not Review.objects.exists()
    response = client.post(
        url("review_request", number), {"reasons": "不服", "requested_at": "2099-01-01T09:00"}
    )
    assert response.status_code == 400 and "future" in response.content.decode()
    response = client.post(url("review_request", number), {"reasons": "不服处理意见"})
    review = Review.objects.get()
    assert response.status_code == 302 and response.url == url("detail", review.case.number)


def test_the_petitioner_sees_every_step_and_every_document_online(answered, client_as):
    number = answered.case.number
    client = client_as("resident")
    assert client.get(url("detail", number)).url == url("mine_detail", number)
    listing = client.get(url("mine")).content.decode()
    assert number in listing
    page = client.get(url("mine_detail", number))
    text = page.content.decode()
    steps = [e.action for e in page.context["events"]]
    assert steps == [
        "case.create",
        "petition.register",
        "case.dispatch",
        "case.accept",
        "case.extend",
        "case.reply",
    ]
    assert "需要检测室温" not in text  # internal, told in the extension notice instead
    kinds = [d.kind for d in page.context["documents"]]
    assert kinds == ["acceptance", "extension", "opinion"]
    for document in page.context["documents"]:
        shown = client.get(url("document", number, document.pk))
        assert shown.status_code == 200 and document.number in shown.content.decode()
    assert 'data-testid="rating-form"' in text and 'data-testid="ask-review-form"' in text
    # The petitioner's own readings are not someone else's access: nothing logged.
    assert not AuditEvent.objects.filter(action="petition.read_document").exists()


def test_the_petitioner_rates_and_asks_for_a_review(answered, client_as):
    number = answered.case.number
    assert (
        client_as("community").post(url("evaluate", number), {"satisfaction": 4}).status_code == 404
    )
    client = client_as("resident")
    response = client.post(url("evaluate", number), {}, follow=True, **EN)
    assert "Choose a rating" in response.content.decode()
    client.post(url("evaluate", number), {"satisfaction": 2})
    answered.case.refresh_from_db()
    assert answered.case.state == "evaluated" and answered.case.satisfaction == 2
    response = client.post(url("ask_review", number), {"reasons": ""}, follow=True, **EN)
    assert not Review.objects.exists()
    assert (
        client_as("department").post(url("ask_review", number), {"reasons": "x"}).status_code == 404
    )
    client = client_as("resident")
    client.post(url("ask_review", number), {"reasons": "整改不到位", "level": "1"})
    review = Review.objects.get()
    assert review.case.requester.username == "resident"
    page = client.get(url("mine_detail", number))
    assert review.case.number in page.content.decode()


def test_a_resident_petitions_online(client_as, client):
    response = client.get(url("submit"))
    assert response.status_code == 302 and "login" in response.url
    resident = client_as("resident")
    bad = resident.post(url("submit"), {"petition_class": "claim", "subject": "x", "request": ""})
    assert bad.status_code == 400 and not Petition.objects.exists()
    ok = resident.post(
        url("submit"),
        {
            "petition_class": "suggestion",
            "subject": "建议",
            "request": "建议增设路灯",
            "name": "居民",
        },
    )
    petition = Petition.objects.get()
    assert ok.status_code == 302 and petition.channel == "online"


def test_statistics_and_backlog_pages(answered, client_as):
    assert client_as("resident").get(url("statistics")).status_code == 403
    assert client_as("resident").get(url("statistics_xlsx")).status_code == 403
    page = client_as("leader").get(url("statistics"))
    assert page.status_code == 200 and page.context["report"].total == 1
    download = client_as("leader").get(url("statistics_xlsx") + "?year=2026")
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.values)
    assert any(row and row[0] == "Petitions received" for row in rows)
    assert "王测试" not in str(rows)
    assert client_as("leader").get(url("backlog")).status_code == 200


def test_documents_and_files_of_a_petition_are_out_of_reach_of_others(answered, client_as):
    document = answered.case.petition_documents.first()
    number = answered.case.number
    assert client_as("gridleader").get(url("document", number, document.pk)).status_code == 404
    assert client_as("gridleader").get(url("file", number, 1)).status_code == 404
    assert client_as("dispatcher").get(url("file", number, 999999)).status_code == 404


def test_petitions_wait_in_the_engine_s_work_queues(petition, client_as, persona, department_body):
    number = petition.case.number
    client = client_as("dispatcher")
    queue = client.get(reverse("case_queue") + "?queue=dispatch")
    assert number in queue.content.decode()
    assert client.get(reverse("case_detail", args=[number])).status_code == 200
    do_take_step(petition.case, "dispatch", actor=persona("dispatcher"), body=department_body)
    accept = client_as("department").get(reverse("case_queue") + "?queue=accept")
    assert number in accept.content.decode()
