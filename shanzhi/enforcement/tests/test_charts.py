"""The figures of the supervision page (``charts.figures``): counts per matter and per
team and the monthly trend on seeded cases, the chart data that mirrors them, and the
page with its tables, JSON block and script (no inline script)."""

from django.urls import reverse

from shanzhi.enforcement import supervision
from shanzhi.enforcement.actions import do_record_evidence, do_take_step
from shanzhi.enforcement.charts import chart_data, figures, last_months
from shanzhi.enforcement.models import EnforcementCase
from shanzhi.enforcement.tests.conftest import at, valid_officers
from shanzhi.enforcement.tests.helpers import decided

NOW = at(2025, 9, 20, 9)


def _decide(ecase, user, officers, day, fine="5000"):
    """Evidence (no photo), notice and decision on consecutive days from ``day``."""
    do_record_evidence(
        ecase, actor=user, now=at(2025, *day, 9), officers=valid_officers(officers), note="笔录"
    )
    do_take_step(ecase, "conclude_investigation", actor=user, now=at(2025, *day, 10))
    do_take_step(
        ecase,
        "notify",
        actor=user,
        now=at(2025, *day, 11),
        penalty_kinds=["fine"],
        fine=fine,
        note="拟罚款",
    )
    do_take_step(
        ecase,
        "decide",
        actor=user,
        now=at(2025, day[0], day[1] + 1, 9),
        decision_text="罚款",
        decision_number="东湖罚〔2025〕9号",
    )
    return ecase


def _seed(new_case, matter, big_matter, officers, user):
    past = new_case(matter, now=at(2025, 6, 1, 9))  # open, past the 90 days
    near = new_case(matter, now=at(2025, 7, 10, 9))  # open, near
    on_time = decided(new_case, matter, officers, user)  # filed 9-01, decided 9-05
    late = _decide(new_case(big_matter, now=at(2025, 4, 1, 9)), user, officers, (9, 10))
    return past, near, on_time, late


def test_figures_count_the_seeded_cases(new_case, matter, big_matter, officers, officer_user):
    past, near, on_time, late = _seed(new_case, matter, big_matter, officers, officer_user)
    assert late.__class__.objects.get(pk=late.pk).decided_late
    demo_cases = EnforcementCase.objects.exclude(pk__in=[past.pk, near.pk, on_time.pk, late.pk])
    fig = figures([past, near, on_time, late], now=NOW)
    rows = {r.name: r for r in fig.by_matter}
    small, big = rows[matter.name], rows[big_matter.name]
    # Decided and not yet served is still open.
    assert (small.open, small.near, small.past) == (3, 1, 1)
    assert (big.open, big.near, big.past) == (1, 0, 1)  # decided after the 90 days
    assert big.by_kind["past_limit"] == 1 and big.by_kind["missing_record"] == 1
    assert small.by_kind["near_limit"] == 1 and small.by_kind["past_limit"] == 1
    assert small.by_kind["missing_record"] == 1  # the on-time case's evidence has no photo
    assert small.by_kind["publication_late"] == 1  # decided 09-05, not published by 09-20
    [team] = fig.by_team
    assert (team.open, team.near, team.past) == (4, 1, 2)
    assert team.anomalies == small.anomalies + big.anomalies
    assert team.anomalies == len(supervision.anomalies([past, near, on_time, late], now=NOW))
    months = {m.label: m for m in fig.trend}
    assert list(months) == [f"{y}-{m:02d}" for y, m in [(2024, 10), (2024, 11), (2024, 12)]] + [
        f"2025-{m:02d}" for m in range(1, 10)
    ]
    assert (months["2025-04"].filed, months["2025-06"].filed, months["2025-07"].filed) == (1, 1, 1)
    assert months["2025-09"].filed == 1
    assert (months["2025-09"].decided, months["2025-09"].late) == (2, 1)
    assert sum(m.decided for m in fig.trend) == 2
    assert demo_cases.exists()  # the demo's own case is not among those counted


def test_cases_outside_the_twelve_months_are_not_in_the_trend(new_case, matter):
    old = new_case(matter, now=at(2024, 9, 30, 9))
    fig = figures([old], now=NOW)
    assert sum(m.filed for m in fig.trend) == 0
    assert fig.by_matter[0].past == 1  # still open past its 90 days


def test_last_months_cross_the_year():
    from datetime import date

    months = last_months(date(2025, 2, 14), 3)
    assert months == [date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]


def test_chart_data_mirrors_the_figures(new_case, matter, big_matter, officers, officer_user):
    cases = _seed(new_case, matter, big_matter, officers, officer_user)
    fig = figures(cases, now=NOW)
    data = chart_data(fig)
    assert set(data) == {
        "matter_status",
        "team_status",
        "matter_anomalies",
        "team_anomalies",
        "trend",
    }
    status = data["matter_status"]
    assert status["categories"] == [r.name for r in fig.by_matter]
    assert [s["name"] for s in status["series"]] == ["Open", "Near the 90 days", "Past the 90 days"]
    assert status["series"][0]["data"] == [r.open for r in fig.by_matter]
    kinds = data["team_anomalies"]
    assert len(kinds["series"]) == len(supervision.KINDS)
    assert kinds["series"][0]["name"] == "Near the 90 days (Art. 60)"
    trend = data["trend"]
    assert trend["kind"] == "line" and len(trend["categories"]) == 12
    assert trend["series"][2]["data"][-1] == 1  # decided late in 2025-09


def test_supervision_page_has_charts_and_tables(client_as, new_case, matter):
    ecase = new_case(matter, now=at(2025, 5, 1, 9))
    page = client_as("leader").get(reverse("enforcement:supervision"))
    assert page.status_code == 200
    body = page.content.decode()
    for key in ("matter-status", "team-status", "matter-anomalies", "team-anomalies", "trend"):
        assert f'data-testid="table-{key}"' in body
    assert 'id="supervision-charts" type="application/json"' in body
    assert "vendor/echarts/echarts.min.js" in body and "enforcement/supervision.js" in body
    assert "<script>" not in body  # CSP: no inline script
    assert f'data-row="{matter.name}"' in body
    assert ecase.case.number in body
    assert client_as("resident").get(reverse("enforcement:supervision")).status_code == 404
