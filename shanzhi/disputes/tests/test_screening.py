"""Screening campaigns (矛盾纠纷排查): a checklist per grid given to its workers with a due
date; filled on a phone; findings turned into disputes or engine cases; access by area
and bad input throughout."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shanzhi.cases.models import Case
from shanzhi.core.models import Notification
from shanzhi.disputes.actions.mediation import PartyInput
from shanzhi.disputes.actions.screening import (
    do_close_campaign,
    do_convert_finding,
    do_start_campaign,
    do_submit_checklist,
)
from shanzhi.disputes.models import Campaign, ChecklistItem, Dispute, GridChecklist
from shanzhi.duties.models import CategoryKind, MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.org.models import Region

pytestmark = pytest.mark.django_db
ITEMS = ["邻里、家庭矛盾", "拖欠工资", "物业与业主纠纷"]


@pytest.fixture
def campaign(persona, community):
    return do_start_campaign(
        actor=persona("community"),
        area=community,
        title="春节前矛盾纠纷排查",
        due=timezone.localdate() + timedelta(days=7),
        items=ITEMS,
    )


@pytest.fixture
def sheet(campaign, grid):
    return GridChecklist.objects.get(campaign=campaign, grid=grid)


def fill(sheet, persona, actor="gridworker", found=(), **extra):
    results = {}
    for item in sheet.items.filter(extra=False):
        results[item.pk] = (
            ("found", "隔壁两户因漏水争吵") if item.text in found else ("nothing", "")
        )
    return do_submit_checklist(sheet, actor=persona(actor), results=results, **extra)


def test_a_campaign_gives_every_grid_its_checklist_and_tells_the_workers(
    campaign, community, persona
):
    grids = Region.objects.active().grids().filter(path__startswith=community.path)
    assert campaign.checklists.count() == grids.count()
    sheet = campaign.checklists.get(grid__in=grids.filter(memberships__user=persona("gridworker")))
    assert list(sheet.items.values_list("text", flat=True)) == ITEMS
    assert persona("gridworker") in sheet.workers.all()
    assert Notification.objects.filter(
        recipient=persona("gridworker"), url=f"/disputes/checklists/{sheet.pk}/"
    ).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"items": ["  ", ""]}, "items"),
        ({"items": ["x" * 201]}, "items"),
        ({"title": ""}, "title"),
        ({"due": timezone.localdate() - timedelta(days=1)}, "due"),
    ],
)
def test_bad_campaigns_are_refused(persona, community, change, field):
    facts = {"area": community, "title": "排查", "due": timezone.localdate(), "items": ITEMS}
    facts.update(change)
    with pytest.raises(ValidationError) as refused:
        do_start_campaign(actor=persona("community"), **facts)
    assert field in refused.value.message_dict
    assert not Campaign.objects.exists()


def test_a_grid_is_not_an_area_for_a_campaign(persona, grid):
    with pytest.raises(ValidationError):
        do_start_campaign(
            actor=persona("community"), area=grid, title="x", due=timezone.localdate(), items=ITEMS
        )


def test_only_community_and_street_staff_start_campaigns_in_their_area(
    persona, other_grid, community
):
    for actor in ("gridworker", "department", "resident"):
        with pytest.raises(PermissionDenied):
            do_start_campaign(
                actor=persona(actor),
                area=community,
                title="x",
                due=timezone.localdate(),
                items=ITEMS,
            )
    other_street = other_grid.parent.parent
    with pytest.raises(PermissionDenied):
        do_start_campaign(
            actor=persona("dispatcher"),
            area=other_street,
            title="x",
            due=timezone.localdate(),
            items=ITEMS,
        )


def test_the_worker_fills_the_checklist(sheet, persona):
    fill(sheet, persona, found=["邻里、家庭矛盾"], extra=["小区停车位争抢"])
    sheet.refresh_from_db()
    assert sheet.status == "submitted" and sheet.submitted_by == persona("gridworker")
    found = sheet.items.filter(result="found")
    assert found.count() == 2 and found.filter(extra=True).count() == 1
    told = Notification.objects.filter(
        recipient=persona("community"), url=f"/disputes/checklists/{sheet.pk}/"
    )
    assert told.count() == 1 and " 2 " in f" {told.get().subject} "  # the findings counted


def test_every_item_is_answered_and_a_finding_described(sheet, persona):
    items = list(sheet.items.all())
    with pytest.raises(ValidationError):
        do_submit_checklist(
            sheet, actor=persona("gridworker"), results={items[0].pk: ("nothing", "")}
        )
    results = {item.pk: ("nothing", "") for item in items}
    results[items[1].pk] = ("found", "  ")
    with pytest.raises(ValidationError) as refused:
        do_submit_checklist(sheet, actor=persona("gridworker"), results=results)
    assert ITEMS[1] in " ".join(refused.value.messages)
    sheet.refresh_from_db()
    assert sheet.status == "pending"


def test_only_the_grids_workers_fill_it(sheet, persona, outsider):
    for actor in (persona("community"), persona("department"), outsider):
        with pytest.raises(PermissionDenied):
            do_submit_checklist(sheet, actor=actor, results={})


def test_a_closed_campaign_takes_no_more_answers(campaign, sheet, persona):
    with pytest.raises(PermissionDenied):
        do_close_campaign(campaign, actor=persona("gridworker"))
    do_close_campaign(campaign, actor=persona("community"))
    with pytest.raises(ValidationError):
        fill(sheet, persona)
    with pytest.raises(ValidationError):
        do_close_campaign(campaign, actor=persona("community"))


def test_overdue_is_defined_once(campaign, sheet):
    later = timezone.localdate() + timedelta(days=8)
    assert GridChecklist.objects.overdue(later).filter(pk=sheet.pk).exists()
    assert not GridChecklist.objects.overdue().filter(pk=sheet.pk).exists()


def test_a_finding_becomes_a_dispute(sheet, persona, grid):
    fill(sheet, persona, found=["邻里、家庭矛盾"])
    item = sheet.items.get(result="found")
    case = do_convert_finding(
        item,
        actor=persona("gridworker"),
        kind="dispute",
        title="两户漏水纠纷",
        description="隔壁两户因漏水争吵",
        dispute={
            "category": "neighbours",
            "scale": "ordinary",
            "people_involved": 2,
            "parties": [PartyInput(name="周甲"), PartyInput(name="吴乙")],
        },
    )
    assert case.procedure == "mediation" and case.grid == grid
    assert Dispute.objects.get(case=case).parties.count() == 2
    item.refresh_from_db()
    assert item.case == case
    with pytest.raises(ValidationError):  # once only
        do_convert_finding(
            item, actor=persona("gridworker"), kind="grid_event", title="x", description="y"
        )


def test_a_finding_becomes_a_grid_event_in_the_grid(sheet, persona, grid):
    load_catalogue()
    fill(sheet, persona, found=["物业与业主纠纷"])
    item = sheet.items.get(result="found")
    with pytest.raises(ValidationError) as refused:
        do_convert_finding(
            item, actor=persona("gridworker"), kind="grid_event", title="x", description="y"
        )
    assert "category" in refused.value.message_dict
    category = MatterCategory.objects.filter(kind=CategoryKind.EVENT, parent__isnull=False).first()
    case = do_convert_finding(
        item,
        actor=persona("community"),
        kind="grid_event",
        title="小区垃圾堆放",
        description="物业长期不清运",
        category=category,
    )
    assert case.procedure == "grid_event" and case.grid == grid and case.channel == "patrol"


def test_nothing_found_becomes_nothing(sheet, persona):
    fill(sheet, persona)
    item = sheet.items.first()
    with pytest.raises(ValidationError):
        do_convert_finding(
            item, actor=persona("gridworker"), kind="service_request", title="x", description="y"
        )
    assert not Case.objects.filter(procedure="service_request", title="x").exists()


def test_a_bad_dispute_from_a_finding_leaves_no_case(sheet, persona):
    fill(sheet, persona, found=["拖欠工资"])
    item = sheet.items.get(result="found")
    before = Case.objects.count()
    with pytest.raises(ValidationError):
        do_convert_finding(
            item,
            actor=persona("gridworker"),
            kind="dispute",
            title="欠薪",
            description="工地欠薪",
            dispute={"category": "labour", "scale": "larger", "people_involved": 5, "parties": []},
        )
    assert Case.objects.count() == before
    item.refresh_from_db()
    assert item.case is None


def test_strangers_cannot_turn_findings_into_cases(sheet, persona, outsider):
    fill(sheet, persona, found=["拖欠工资"])
    item = sheet.items.get(result="found")
    for actor in (outsider, persona("department")):
        with pytest.raises(PermissionDenied):
            do_convert_finding(
                item, actor=actor, kind="service_request", title="x", description="y"
            )


def test_a_converted_item_stays_as_it_is(sheet, persona):
    fill(sheet, persona, found=["拖欠工资"])
    item = sheet.items.get(result="found")
    do_convert_finding(
        item,
        actor=persona("gridworker"),
        kind="service_request",
        title="欠薪",
        description="工地欠薪",
    )
    results = {i.pk: ("nothing", "") for i in sheet.items.filter(extra=False)}
    with pytest.raises(ValidationError):
        do_submit_checklist(sheet, actor=persona("gridworker"), results=results)


# --- Pages ----------------------------------------------------------------------------


def test_the_checklist_page_on_a_phone(client_as, sheet, english):
    page = client_as("gridworker").get(f"/disputes/checklists/{sheet.pk}/")
    assert page.status_code == 200 and 'data-testid="checklist-form"' in page.content.decode()
    items = list(sheet.items.all())
    data = {f"result-{i.pk}": "nothing" for i in items}
    data[f"result-{items[0].pk}"] = "found"
    bad = client_as("gridworker").post(f"/disputes/checklists/{sheet.pk}/", data)
    assert bad.status_code == 400 and "Say what was found" in bad.content.decode()
    data[f"note-{items[0].pk}"] = "两户争吵"
    good = client_as("gridworker").post(f"/disputes/checklists/{sheet.pk}/", data)
    assert good.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "submitted"


def test_the_checklist_page_refuses_others(client_as, sheet, outsider, client):
    url = f"/disputes/checklists/{sheet.pk}/"
    assert client_as("community").get(url).status_code == 200  # reads it
    assert client_as("community").post(url, {}).status_code == 403
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_the_convert_page(client_as, sheet, persona, outsider, client):
    fill(sheet, persona, found=["拖欠工资"])
    item = sheet.items.get(result="found")
    url = f"/disputes/checklists/{sheet.pk}/items/{item.pk}/case/"
    assert client_as("gridworker").get(url).status_code == 200
    bad = client_as("gridworker").post(
        url, {"kind": "dispute", "title": "欠薪", "description": "x"}
    )
    assert bad.status_code == 400
    assert 'data-testid="error-dispute_category"' in bad.content.decode()
    done = client_as("gridworker").post(
        url,
        {"kind": "service_request", "title": "欠薪", "description": "工地欠薪三个月"},
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.case is not None
    assert client_as("department").get(url).status_code in (403, 404)
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.post(url, {"kind": "service_request"}).status_code == 404


def test_the_campaign_pages(client_as, campaign, english):
    assert client_as("dispatcher").get("/disputes/screening/").status_code == 200
    page = client_as("community").get(f"/disputes/screening/{campaign.pk}/")
    assert page.status_code == 200 and "春节前矛盾纠纷排查" in page.content.decode()
    mine = client_as("gridworker").get("/disputes/screening/")
    assert 'data-testid="my-checklists"' in mine.content.decode()
    assert (
        client_as("gridworker").post(f"/disputes/screening/{campaign.pk}/close/").status_code == 403
    )
    assert (
        client_as("community").post(f"/disputes/screening/{campaign.pk}/close/").status_code == 302
    )
    campaign.refresh_from_db()
    assert campaign.status == "closed"


def test_the_new_campaign_form(client_as, community, english):
    data = {"area": community.pk, "title": "排查", "due": "2000-01-01", "items": "邻里纠纷\n欠薪"}
    bad = client_as("community").post("/disputes/screening/new/", data)
    assert bad.status_code == 400 and not Campaign.objects.exists()
    data["due"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert client_as("community").post("/disputes/screening/new/", data).status_code == 302
    assert Campaign.objects.get().items == ["邻里纠纷", "欠薪"]
    assert client_as("gridworker").post("/disputes/screening/new/", data).status_code == 403
    assert ChecklistItem.objects.filter(checklist__campaign__title="排查").count() > 0
