"""Early warnings from real cases on fixed dates: a grid × category spike warns the
street with its evidence, the weekly rhythm does not, several requesters with the same
matter do; the daily run is done once whichever host runs it; acknowledging; the page."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.core.models import AuditEvent, Notification
from shanzhi.disputes.actions.warnings import (
    check_street,
    do_acknowledge_warning,
    grid_category_series,
    run_daily,
    spike_rule,
)
from shanzhi.disputes.models import EarlyWarning, WarningKind, WarningRun
from shanzhi.disputes.places import grid_point
from shanzhi.disputes.tests.conftest import at
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib.spikes import SpikeRule

pytestmark = pytest.mark.django_db
FIRST_MONDAY = date(2025, 3, 3)
DAY = date(2025, 5, 4)  # a Sunday: the week assessed is 28 April – 4 May
TEXTS = ["路灯不亮", "井盖松动", "树枝挡路", "垃圾满溢", "路面塌陷", "护栏损坏", "标线模糊"]


@pytest.fixture(autouse=True)
def catalogue():
    load_catalogue()


def category(code="0604"):
    return MatterCategory.objects.get(code=code)


def case_on(day, grid, cat, n=0, phone="", title=None, hour=10):
    lon, lat = grid_point(grid)
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title=title or TEXTS[n % len(TEXTS)],
            description=title or f"第{n}件：{TEXTS[n % len(TEXTS)]}",
            category=cat,
            lon=lon,
            lat=lat,
            requester_name="来电人",
            requester_phone=phone,
        ),
        actor=None,
        now=at(f"{day.isoformat()} {hour:02d}:00"),
    )


def weeks(grid, cat, per_week, weekday=0, count=8):
    for w in range(count):
        for n in range(per_week):
            case_on(FIRST_MONDAY + timedelta(days=7 * w + weekday), grid, cat, n)


def test_a_spike_in_a_grid_warns_the_street_with_its_evidence(grid, street, persona):
    cat = category()
    weeks(grid, cat, per_week=1)
    for n in range(6):
        case_on(DAY - timedelta(days=n), grid, cat, n)
    series = grid_category_series(street, DAY, spike_rule())
    assert sum(series[(grid.pk, cat.pk)][-7:]) == 6
    raised = check_street(street, DAY, SpikeRule())
    spike = next(w for w in raised if w.kind == WarningKind.SPIKE)
    assert (spike.count, spike.baseline, spike.threshold) == (6, 1.0, 2.0)
    assert spike.weekly == [1] * 8 and spike.grid == grid and spike.category == cat
    assert Notification.objects.filter(
        recipient=persona("dispatcher"), url__startswith="/disputes/warnings/"
    ).exists()
    assert not Notification.objects.filter(
        recipient=persona("gridworker"), url__startswith="/disputes/warnings/"
    ).exists()


def test_the_weekly_rhythm_does_not_warn(grid, street):
    """Every Monday brings three cases and the other days none: Monday is busy, but each
    week is like the others, so nothing warns — whatever a daily average would say."""
    cat = category()
    weeks(grid, cat, per_week=3, count=9)  # the ninth Monday, 28 April, lies in the week assessed
    assert not [w for w in check_street(street, DAY, SpikeRule()) if w.kind == WarningKind.SPIKE]


def test_a_small_rise_does_not_warn(grid, street):
    cat = category()
    weeks(grid, cat, per_week=1)
    for n in range(4):  # 4 against 1: a rise, but below the minimum count of 5
        case_on(DAY - timedelta(days=n), grid, cat, n)
    assert not [w for w in check_street(street, DAY, SpikeRule()) if w.kind == WarningKind.SPIKE]


def test_a_place_with_no_history_says_nothing_yet(grid, street):
    cat = category()
    for n in range(9):
        case_on(DAY - timedelta(days=n % 7), grid, cat, n)
    assert not check_street(street, DAY, SpikeRule())


def test_a_warning_is_not_raised_again_the_next_days(grid, street):
    cat = category()
    weeks(grid, cat, per_week=1)
    for n in range(6):
        case_on(DAY - timedelta(days=n + 1), grid, cat, n)
    assert len(check_street(street, DAY, SpikeRule())) == 1
    assert not check_street(street, DAY + timedelta(days=1), SpikeRule())


def test_three_people_with_the_same_matter_warn(grid, street):
    cat = category()
    for n, phone in enumerate(["13900000011", "13900000012", "13900000013"]):
        case_on(DAY - timedelta(days=n), grid, cat, phone=phone, title="小区东门路灯不亮")
    raised = check_street(street, DAY, SpikeRule())
    same = [w for w in raised if w.kind == WarningKind.SAME_MATTER]
    assert len(same) == 1
    assert same[0].requesters == 3 and len(same[0].case_numbers) == 3
    # Raised once for that group, not every day while it lasts.
    assert not [
        w
        for w in check_street(street, DAY + timedelta(days=1), SpikeRule())
        if w.kind == WarningKind.SAME_MATTER
    ]


def test_one_caller_three_times_is_not_several_people(grid, street):
    cat = category()
    for n in range(3):
        case_on(DAY - timedelta(days=n), grid, cat, phone="13900000011", title="小区东门路灯不亮")
    assert not check_street(street, DAY, SpikeRule())


def test_a_confidential_case_is_never_listed_as_evidence(grid, street):
    cat = category()
    lon, lat = grid_point(grid)
    for n, phone in enumerate(["13900000021", "13900000022"]):
        case_on(DAY - timedelta(days=n), grid, cat, phone=phone, title="小区东门路灯不亮")
    do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="小区东门路灯不亮",
            description="小区东门路灯不亮",
            category=cat,
            lon=lon,
            lat=lat,
            requester_phone="13900000023",
            confidential=True,
        ),
        actor=None,
        now=at("2025-05-03 10:00"),
    )
    assert not [
        w for w in check_street(street, DAY, SpikeRule()) if w.kind == WarningKind.SAME_MATTER
    ]


def test_the_daily_run_is_done_once(grid, street):
    cat = category()
    weeks(grid, cat, per_week=1)
    for n in range(6):
        case_on(DAY - timedelta(days=n), grid, cat, n)
    now = at("2025-05-05 06:00")
    first = run_daily(now=now)
    assert first["day"] == DAY and first["warnings"] == 1
    assert run_daily(now=now + timedelta(minutes=5)) is None  # another host: nothing to do
    run = WarningRun.objects.get(day=DAY)
    assert run.finished_at is not None and run.warnings == 1
    assert EarlyWarning.objects.filter(day=DAY).count() == 1


def test_a_run_left_unfinished_is_taken_over(grid, street):
    WarningRun.objects.create(day=DAY, claimed_by="dead-host", claimed_at=at("2025-05-05 06:00"))
    assert run_daily(now=at("2025-05-05 06:30")) is None  # still being done, perhaps
    assert run_daily(now=at("2025-05-05 08:00"))["day"] == DAY


def test_the_command_runs_once(grid, street):
    call_command("dispute_warnings", "--day", "2025-05-04")
    call_command("dispute_warnings", "--day", "2025-05-04")
    assert WarningRun.objects.filter(day=DAY, finished_at__isnull=False).count() == 1


def spike(grid, street):
    cat = category()
    weeks(grid, cat, per_week=1)
    for n in range(6):
        case_on(DAY - timedelta(days=n), grid, cat, n)
    return next(w for w in check_street(street, DAY, SpikeRule()) if w.kind == WarningKind.SPIKE)


def test_acknowledging(grid, street, persona):
    warning = spike(grid, street)
    with pytest.raises(PermissionDenied):
        do_acknowledge_warning(warning, actor=persona("community"), note="已安排")
    with pytest.raises(ValidationError):
        do_acknowledge_warning(warning, actor=persona("dispatcher"), note=" ")
    do_acknowledge_warning(warning, actor=persona("dispatcher"), note="已派城管排查")
    warning.refresh_from_db()
    assert warning.acknowledged_by == persona("dispatcher")
    assert AuditEvent.objects.for_object(warning).filter(action="warning.acknowledge").exists()
    with pytest.raises(ValidationError):
        do_acknowledge_warning(warning, actor=persona("leader"), note="再次")


def test_the_warning_page_shows_the_evidence_to_the_street(
    client_as, grid, street, outsider, client, english
):
    warning = spike(grid, street)
    page = client_as("dispatcher").get("/disputes/warnings/")
    text = page.content.decode()
    assert page.status_code == 200 and f'data-warning="{warning.pk}"' in text
    assert "1 · 1 · 1 · 1 · 1 · 1 · 1 · 1" in text and "6 cases" in text
    assert client_as("gridworker").get("/disputes/warnings/").status_code == 403
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.get("/disputes/warnings/").status_code == 403


def test_acknowledging_through_the_page(client_as, grid, street):
    warning = spike(grid, street)
    url = f"/disputes/warnings/{warning.pk}/acknowledge/"
    assert client_as("community").post(url, {"note": "x"}).status_code == 403
    assert client_as("gridworker").post(url, {"note": "x"}).status_code == 404
    client_as("dispatcher").post(url, {"note": ""})
    warning.refresh_from_db()
    assert warning.acknowledged_at is None
    assert client_as("dispatcher").post(url, {"note": "已派员核查"}).status_code == 302
    warning.refresh_from_db()
    assert warning.acknowledgement == "已派员核查"
