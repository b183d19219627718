"""Patrol page: access, bad input, replays with the same token, solved on the spot."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from shanzhi.cases.models import Attachment, Case, Channel
from shanzhi.core.models import AuditEvent
from shanzhi.core.roles import Role
from shanzhi.duties.models import CategoryKind, MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Membership, Region
from shanzhi.patrol.models import PatrolSubmission

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


def my_grid(persona) -> Region:
    return Membership.objects.active().get(user=persona("gridworker"), role=Role.GRID_WORKER).region


def inside(grid):
    p = geo.parse_polygon(grid.geometry).representative_point()
    return p.x, p.y


def event_category():
    return MatterCategory.objects.filter(
        kind=CategoryKind.EVENT, is_active=True, parent__isnull=False
    ).first()


def form(grid, **extra):
    lon, lat = inside(grid)
    data = {
        "token": str(uuid.uuid4()),
        "lon": lon,
        "lat": lat,
        "category": event_category().pk,
        "note": "",
        "action": "report",
        "photo": SimpleUploadedFile("p.png", PNG, content_type="image/png"),
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_the_page_shows_the_form_and_my_open_cases(client_as, persona):
    page = client_as("gridworker").get(reverse("patrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert 'data-testid="patrol-cases"' in html
    lon, lat = inside(my_grid(persona))
    assert page.context["form"].fields["lon"].initial == pytest.approx(lon)
    assert page.context["form"].fields["lat"].initial == pytest.approx(lat)


@pytest.mark.parametrize("username", ["resident", "department"])
def test_residents_and_department_handlers_are_refused(client_as, persona, username):
    client = client_as(username)
    assert client.get(reverse("patrol")).status_code == 403
    before = Case.objects.count()
    assert client.post(reverse("patrol"), form(my_grid(persona))).status_code == 403
    assert Case.objects.count() == before


def test_anonymous_is_sent_to_the_login(client):
    assert client.get(reverse("patrol")).status_code == 302


def test_report_creates_a_patrol_grid_event_with_its_photo(client_as, persona):
    grid = my_grid(persona)
    answer = client_as("gridworker").post(reverse("patrol"), form(grid, note="垃圾满溢"))
    assert answer.status_code == 302
    case = Case.objects.latest("pk")
    assert case.procedure == "grid_event" and case.state == "reported"
    assert case.channel == Channel.PATROL and case.grid_id == grid.pk
    assert case.description == "垃圾满溢"
    assert Attachment.objects.filter(case=case).count() == 1
    assert PatrolSubmission.objects.get(case=case).user == persona("gridworker")


def test_a_replay_with_the_same_token_makes_one_case(client_as, persona):
    client = client_as("gridworker")
    grid = my_grid(persona)
    token = str(uuid.uuid4())
    before = Case.objects.count()
    first = client.post(reverse("patrol"), form(grid, token=token), HTTP_ACCEPT="application/json")
    again = client.post(reverse("patrol"), form(grid, token=token), HTTP_ACCEPT="application/json")
    assert first.status_code == again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == before + 1


def test_solved_on_the_spot_closes_the_case_with_both_audit_events(client_as, persona):
    client = client_as("gridworker")
    answer = client.post(reverse("patrol"), form(my_grid(persona), action="solve", note="当场清理"))
    assert answer.status_code == 302
    case = Case.objects.latest("pk")
    assert case.state == "closed"
    actions = list(
        AuditEvent.objects.for_object(case).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["case.create", "case.solve_on_spot"]


def test_solving_needs_a_note_and_stores_nothing_without_one(client_as, persona, english):
    before = Case.objects.count()
    answer = client_as("gridworker").post(
        reverse("patrol"), form(my_grid(persona), action="solve", note="")
    )
    assert answer.status_code == 200
    assert "Say how it was solved on the spot." in answer.content.decode()
    assert Case.objects.count() == before


def test_a_point_outside_my_grids_is_refused(client_as, persona, english):
    mine = my_grid(persona)
    other = Region.objects.active().grids().exclude(pk=mine.pk).first()
    lon, lat = inside(other)
    before = Case.objects.count()
    answer = client_as("gridworker").post(reverse("patrol"), form(mine, lon=lon, lat=lat))
    assert answer.status_code == 200
    assert "This place lies outside your grids." in answer.content.decode()
    assert Case.objects.count() == before
    assert not PatrolSubmission.objects.exists()


def test_a_missing_photo_is_refused(client_as, persona, english):
    before = Case.objects.count()
    answer = client_as("gridworker").post(
        reverse("patrol"), form(my_grid(persona), photo=None), HTTP_ACCEPT="application/json"
    )
    assert answer.status_code == 400
    assert "Take a photo of the event." in answer.json()["errors"]
    assert Case.objects.count() == before


def test_an_oversize_or_false_photo_is_refused(client_as, persona, english, settings):
    settings.CASE_MAX_ATTACHMENT_BYTES = 32
    client = client_as("gridworker")
    before = Case.objects.count()
    big = client.post(reverse("patrol"), form(my_grid(persona)))
    assert "The photo is larger than 0 MB." in big.content.decode()
    settings.CASE_MAX_ATTACHMENT_BYTES = 2**20
    fake = SimpleUploadedFile("p.png", b"not an image", content_type="image/png")
    wrong = client.post(reverse("patrol"), form(my_grid(persona), photo=fake))
    assert "The file is not a photo (JPEG, PNG or WebP)." in wrong.content.decode()
    assert Case.objects.count() == before


def test_a_bad_token_is_refused(client_as, persona):
    before = Case.objects.count()
    answer = client_as("gridworker").post(reverse("patrol"), form(my_grid(persona), token="x"))
    assert answer.status_code == 200
    assert answer.context["form"].errors["token"]
    assert Case.objects.count() == before


def test_my_open_cases_are_listed_with_their_light(client_as, persona):
    client = client_as("gridworker")
    client.post(reverse("patrol"), form(my_grid(persona)))
    case = Case.objects.latest("pk")
    page = client.get(reverse("patrol"))
    rows = {c.number: light for c, _clock, light in page.context["rows"]}
    assert rows[case.number] in {"red", "yellow", "green"}  # the verification clock runs
    assert any(p["number"] == case.number for p in page.context["points"])


def test_community_staff_report_but_may_not_solve_on_the_spot(client_as, persona, english):
    client = client_as("community")
    grid = my_grid(persona)
    assert client.post(reverse("patrol"), form(grid)).status_code == 302
    before = Case.objects.count()
    answer = client.post(reverse("patrol"), form(grid, action="solve", note="当场清理"))
    assert "Only the grid&#x27;s worker or leader" in answer.content.decode()
    assert Case.objects.count() == before


def test_the_most_reported_category_comes_first(client_as, persona):
    from shanzhi.patrol.forms import event_categories

    before = event_categories()
    favourite = before[-1]
    client = client_as("gridworker")
    lead = Case.objects.filter(category=before[0]).count()
    for _n in range(lead - Case.objects.filter(category=favourite).count() + 1):
        client.post(reverse("patrol"), form(my_grid(persona), category=favourite.pk))
    after = event_categories()
    assert after[0] == favourite
    assert sorted(c.pk for c in after) == sorted(c.pk for c in before)
