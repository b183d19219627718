"""Risk reports (信访信息预报): who reports and sees them (by area), bad input, the
street's list with its filters, closing one, the street told of a serious one."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.core.models import AuditEvent, Notification
from shanzhi.disputes.actions.risks import do_close_risk_report, do_report_risk
from shanzhi.disputes.models import RiskReport, RiskStatus
from shanzhi.disputes.tests.conftest import at
from shanzhi.registry.actions.people import do_register_person

pytestmark = pytest.mark.django_db


def report(persona, grid, actor="gridworker", **extra):
    facts = {
        "grid": grid,
        "level": "medium",
        "category": "requisition",
        "title": "拆迁补偿不满",
        "description": "十余户居民对补偿标准不满，酝酿到区里上访。",
        "people_count": 12,
        "group_petition": False,
    }
    facts.update(extra)
    return do_report_risk(actor=persona(actor), **facts)


def test_a_grid_worker_reports_a_risk_in_their_grid(persona, grid):
    risk = report(persona, grid)
    assert risk.path == grid.path and risk.street == grid.parent.parent
    assert risk.status == RiskStatus.OPEN
    assert AuditEvent.objects.for_object(risk).filter(action="risk.report").exists()


def test_a_possible_group_petition_tells_the_street(persona, grid):
    before = Notification.objects.count()
    risk = report(persona, grid, group_petition=True, expected_on=date(2099, 1, 5), level="high")
    told = Notification.objects.order_by("pk")[before:]
    recipients = {n.recipient.username for n in told}
    assert "dispatcher" in recipients
    assert "gridworker" not in recipients
    assert risk.expected_on == date(2099, 1, 5)


def test_an_ordinary_risk_tells_nobody(persona, grid):
    before = Notification.objects.count()
    report(persona, grid, level="low")
    assert Notification.objects.count() == before


def test_nobody_reports_outside_their_area(persona, grid, other_grid, outsider):
    with pytest.raises(PermissionDenied):
        report(persona, other_grid)  # the gridworker in another street's grid
    with pytest.raises(PermissionDenied):
        do_report_risk(
            actor=outsider,
            grid=grid,
            level="low",
            category="other",
            title="x",
            description="y",
            people_count=1,
        )
    for role in ("department", "resident", "auditor"):
        with pytest.raises(PermissionDenied):
            report(persona, grid, actor=role)
    assert not RiskReport.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"people_count": 0}, "people_count"),
        ({"level": "extreme"}, "level"),
        ({"category": "nonsense"}, "category"),
        ({"group_petition": True, "expected_on": date(2000, 1, 1)}, "expected_on"),
    ],
)
def test_bad_reports_are_refused_with_the_field(persona, grid, change, field):
    with pytest.raises(ValidationError) as refused:
        report(persona, grid, **change)
    assert field in refused.value.message_dict
    assert not RiskReport.objects.exists()


def test_a_community_is_not_a_grid(persona, community):
    with pytest.raises(ValidationError) as refused:
        report(persona, community, actor="community")
    assert "grid" in refused.value.message_dict


def test_linking_registry_people_of_another_area_is_refused(persona, grid, other_grid):
    stranger = do_register_person(actor=None, name="外街居民", grid=other_grid)
    with pytest.raises(ValidationError) as refused:
        report(persona, grid, people=[stranger])
    assert "people" in refused.value.message_dict
    neighbour = do_register_person(actor=None, name="本格居民", grid=grid)
    risk = report(persona, grid, people=[neighbour], people_count=1)
    assert list(risk.people.all()) == [neighbour]
    second = do_register_person(actor=None, name="本格居民二", grid=grid)
    with pytest.raises(ValidationError):
        report(persona, grid, people=[neighbour, second], people_count=1)


def test_closing_needs_staff_and_a_reason(persona, grid):
    risk = report(persona, grid)
    with pytest.raises(PermissionDenied):
        do_close_risk_report(risk, actor=persona("gridworker"), note="已化解")
    with pytest.raises(ValidationError):
        do_close_risk_report(risk, actor=persona("community"), note=" ")
    do_close_risk_report(risk, actor=persona("community"), note="补偿方案已调整，群众接受")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CLOSED and risk.closed_by == persona("community")
    with pytest.raises(ValidationError):
        do_close_risk_report(risk, actor=persona("community"), note="再次")


def test_the_list_shows_the_area_only_and_filters(client_as, persona, grid, other_grid, outsider):
    mine = report(persona, grid, title="本网格风险", group_petition=True, level="high")
    report(persona, grid, title="一般风险", level="low")
    theirs = do_report_risk(
        actor=outsider,
        grid=other_grid,
        level="high",
        category="labour",
        title="别处的风险",
        description="欠薪",
        people_count=30,
        group_petition=True,
    )
    page = client_as("dispatcher").get("/disputes/risks/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "本网格风险" in text and "别处的风险" not in text
    filtered = client_as("dispatcher").get("/disputes/risks/?group_petition=on&level=high")
    text = filtered.content.decode()
    assert "本网格风险" in text and "一般风险" not in text
    assert client_as("leader").get("/disputes/risks/").content.decode().count("data-risk=") == 3
    assert client_as("dispatcher").get(f"/disputes/risks/{theirs.pk}/").status_code == 404
    assert client_as("gridworker").get(f"/disputes/risks/{mine.pk}/").status_code == 200
    assert client_as("department").get("/disputes/risks/").status_code == 403


def test_a_bad_filter_is_a_clear_error(client_as, english):
    page = client_as("dispatcher").get("/disputes/risks/?since=2025-05-01&until=2025-04-01")
    assert page.status_code == 400
    assert "before its start" in page.content.decode()


def test_the_report_form(client_as, grid, english):
    data = {
        "grid": grid.pk,
        "level": "high",
        "category": "labour",
        "title": "欠薪风险",
        "description": "工地欠薪，工人聚集",
        "people_count": "25",
        "group_petition": "on",
        "expected_on": "2099-03-01",
        "people": "",
    }
    assert client_as("gridworker").post("/disputes/risks/new/", data).status_code == 302
    assert RiskReport.objects.get().group_petition is True
    bad = client_as("gridworker").post("/disputes/risks/new/", {**data, "people_count": "0"})
    assert bad.status_code == 400
    people = client_as("gridworker").post("/disputes/risks/new/", {**data, "people": "abc"})
    assert people.status_code == 400 and "registry numbers" in people.content.decode()
    assert client_as("department").get("/disputes/risks/new/").status_code == 403
    assert client_as("department").post("/disputes/risks/new/", data).status_code == 403
    assert RiskReport.objects.count() == 1


def test_closing_through_the_page(client_as, persona, grid, outsider, client):
    risk = report(persona, grid)
    url = f"/disputes/risks/{risk.pk}/close/"
    assert client_as("gridworker").post(url, {"note": "x"}).status_code == 403
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.post(url, {"note": "x"}).status_code == 404
    assert client_as("community").post(url, {"note": ""}).status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    client_as("community").post(url, {"note": "已化解"})
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CLOSED


def test_reported_at_is_kept_as_given(persona, grid):
    risk = report(persona, grid, now=at("2025-09-01 10:00"))
    assert risk.reported_at == at("2025-09-01 10:00")
