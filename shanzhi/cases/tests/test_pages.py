"""Case pages: queues, detail, actions, supervision, intake — access and bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Attachment, Case, Supervision
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def catalogue():
    load_catalogue()


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def point(code="990101001001001"):
    p = geo.parse_polygon(Region.objects.get(code=code).geometry).representative_point()
    return p.x, p.y


def a_case(persona, code="990101001001001"):
    lon, lat = point(code)
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="路灯不亮",
            description="小区路灯坏了",
            category=MatterCategory.objects.get(code="0604"),
            lon=lon,
            lat=lat,
            requester_name="张三",
            requester_phone="13800001111",
            confidential=True,
        ),
        actor=persona("dispatcher"),
    )


def test_queue_and_detail_for_the_dispatcher(client_as, persona):
    case = a_case(persona)
    client = client_as("dispatcher")
    page = client.get(reverse("case_queue") + "?queue=dispatch").content.decode()
    assert case.number in page
    detail = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert 'data-action="dispatch"' in detail and 'data-testid="timeline"' in detail
    assert "138****1111" in detail  # the dispatcher may see a confidential requester, masked


def test_htmx_queue_returns_only_the_rows(client_as, persona):
    a_case(persona)
    response = client_as("dispatcher").get(reverse("case_queue"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'data-testid="case-queue"' in page and "<html" not in page


def test_cases_outside_the_area_are_404(client_as, persona):
    case = a_case(persona, code="990101002001001")  # 西岭街道
    for username in ("community", "gridworker", "resident", "department"):
        client = client_as(username)
        assert client.get(reverse("case_detail", args=[case.number])).status_code == 404
        response = client.post(reverse("case_act", args=[case.number, "dispatch"]), {"note": "x"})
        assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == "received"


def test_confidential_requester_is_hidden_from_the_grid_worker(client_as, persona):
    case = a_case(persona)
    page = client_as("gridworker").get(reverse("case_detail", args=[case.number])).content.decode()
    assert "张三" not in page and "138" not in page


def test_action_without_the_role_is_refused(client_as, persona):
    case = a_case(persona)
    client = client_as("gridworker")
    body = Body.objects.get(name="区城市管理局")
    response = client.post(reverse("case_act", args=[case.number, "dispatch"]), {"body": body.pk})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "received"


def test_dispatch_through_the_page(client_as, persona, english):
    case = a_case(persona)
    client = client_as("dispatcher")
    body = Body.objects.get(name="区城市管理局")
    response = client.post(
        reverse("case_act", args=[case.number, "dispatch"]), {"body": body.pk}, follow=True
    )
    assert "Done" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "dispatched" and case.responsible_body == body


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("dispatch", {}, "Choose the body"),
        ("unknown-action", {}, "Unknown action"),
        ("answer", {"note": ""}, "reason"),
        ("merge", {"target": "SR000", "note": "x"}, "No case SR000"),
        ("dispatch", {"body": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_action_input_gives_a_message_and_changes_nothing(
    client_as, persona, english, action, data, message
):
    case = a_case(persona)
    response = client_as("dispatcher").post(
        reverse("case_act", args=[case.number, action]), data, follow=True
    )
    assert message in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "received"


def test_actions_need_post(client_as, persona):
    case = a_case(persona)
    assert (
        client_as("dispatcher").get(reverse("case_act", args=[case.number, "dispatch"])).status_code
        == 405
    )


def test_supervision_order(client_as, persona, english):
    case = a_case(persona)
    do_transition(
        case, "dispatch", actor=persona("dispatcher"), body=Body.objects.get(name="区城市管理局")
    )
    url = reverse("case_supervise", args=[case.number])
    assert (
        client_as("dispatcher").post(url, {"deadline": "2030-01-01T10:00", "note": "x"}).status_code
        == 302
    )
    assert not Supervision.objects.exists()
    client = client_as("leader")
    response = client.post(url, {"deadline": "2020-01-01T10:00", "note": "快办"}, follow=True)
    assert "future" in response.content.decode()
    client.post(url, {"deadline": "2030-01-01T10:00", "note": "请三日内办结"})
    order = Supervision.objects.get()
    assert order.body.name == "区城市管理局" and order.issued_by == persona("leader")


def test_staff_intake_with_a_photo(client_as, english):
    client = client_as("dispatcher")
    lon, lat = point()
    data = {
        "procedure": "service_request",
        "category": MatterCategory.objects.get(code="0604").pk,
        "urgency": "normal",
        "kind": "complaint",
        "channel": "phone",
        "title": "井盖缺失",
        "description": "路口井盖缺失",
        "address": "东湖街道柳岸社区",
        "lon": lon,
        "lat": lat,
        "requester_name": "李四",
        "requester_phone": "13800002222",
        "attachments": SimpleUploadedFile("p.png", PNG, content_type="image/png"),
    }
    response = client.post(reverse("case_new"), data)
    assert response.status_code == 302
    case = Case.objects.get(title="井盖缺失")
    assert case.grid.code == "990101001001001"
    assert Attachment.objects.get(case=case).size == len(PNG)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category": "999999"}, "Select a valid choice"),
        ({"lat": ""}, "both longitude and latitude"),
        ({"title": ""}, "This field is required"),
        (
            {"attachments": SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="image/png")},
            "not a photo",
        ),
        (
            {
                "attachments": SimpleUploadedFile(
                    "big.png", PNG + b"\x00" * (11 * 2**20), content_type="image/png"
                )
            },
            "larger than",
        ),
        ({"category": "EMERGENCY"}, "call 119"),
    ],
)
def test_staff_intake_bad_input_stores_nothing(client_as, english, change, message):
    client = client_as("dispatcher")
    lon, lat = point()
    data = {
        "procedure": "service_request",
        "category": MatterCategory.objects.get(code="0604").pk,
        "urgency": "normal",
        "channel": "phone",
        "title": "坏输入",
        "description": "d",
        "lon": lon,
        "lat": lat,
    }
    if change.get("category") == "EMERGENCY":
        change = {"category": MatterCategory.objects.get(code="9001").pk}
    data.update(change)
    before = Case.objects.count()
    response = client.post(reverse("case_new"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Case.objects.count() == before


def test_intake_is_refused_to_roles_that_do_not_register(client_as):
    for username in ("department", "auditor", "resident"):
        assert client_as(username).get(reverse("case_new")).status_code == 403


def test_resident_report_and_own_case(client_as, persona):
    client = client_as("resident")
    lon, lat = point()
    response = client.post(
        reverse("case_report"),
        {
            "category": MatterCategory.objects.get(code="0602").pk,
            "title": "垃圾没清",
            "description": "楼下垃圾三天没清",
            "address": "",
            "lon": lon,
            "lat": lat,
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(title="垃圾没清")
    assert case.requester == persona("resident") and case.channel == "web"
    assert client.get(reverse("case_detail", args=[case.number])).status_code == 200


def test_resident_cannot_see_other_peoples_cases(client_as, persona):
    case = a_case(persona)
    assert client_as("resident").get(reverse("case_detail", args=[case.number])).status_code == 404


def test_anonymous_is_sent_to_login(client):
    for name in ("case_queue", "case_new", "case_report"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response.url
