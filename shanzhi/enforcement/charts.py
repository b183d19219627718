"""The figures of the supervision page and their charts (``static/enforcement/
supervision.js``): per matter and per team the open cases, those near or past the 90
days (《行政处罚法》第六十条) and the anomalies by kind; and, month by month over the
last 12 months, the cases filed, decided, and decided after the 90 days. The labels
are translated here, so the script holds no text; every chart's figures are also in a
table beside it."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.enforcement import procedures as p
from shanzhi.enforcement import supervision

KIND_LABELS = {
    "near_limit": gettext_lazy("Near the 90 days (Art. 60)"),
    "past_limit": gettext_lazy("Past the 90 days (Art. 60)"),
    "missing_record": gettext_lazy("Full-process record incomplete (Art. 47)"),
    "no_review": gettext_lazy("No legal review (Art. 58)"),
    "single_officer": gettext_lazy("Fewer than two officers (Art. 42)"),
    "hearing_not_offered": gettext_lazy("Hearing not offered (Art. 63)"),
    "publication_late": gettext_lazy("Publication late (Art. 48)"),
}


@dataclass
class Row:
    name: str
    open: int = 0
    near: int = 0
    past: int = 0
    by_kind: dict = field(default_factory=lambda: dict.fromkeys(supervision.KINDS, 0))

    @property
    def kinds(self) -> list[int]:
        """The anomaly counts in the order of ``supervision.KINDS``."""
        return [self.by_kind[k] for k in supervision.KINDS]

    @property
    def anomalies(self) -> int:
        return sum(self.by_kind.values())


@dataclass
class Month:
    month: date  # its first day
    filed: int = 0
    decided: int = 0
    late: int = 0

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


@dataclass
class Figures:
    by_matter: list[Row]
    by_team: list[Row]
    trend: list[Month]
    anomalies: list  # the supervision.Anomaly items, for the list on the page

    @property
    def kind_labels(self) -> list[str]:
        return [str(KIND_LABELS[k]) for k in supervision.KINDS]


def last_months(today: date, n: int = 12) -> list[date]:
    """The first days of the ``n`` months up to and including ``today``'s, oldest first."""
    year, month = today.year, today.month
    out = []
    for _i in range(n):
        out.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def _month_of(moment) -> date | None:
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return date(local.year, local.month, 1)


def figures(cases, now=None, months: int = 12) -> Figures:
    now = now or timezone.now()
    cases = list(cases)
    matters: dict[str, Row] = {}
    teams: dict[str, Row] = {}
    trend = {m: Month(m) for m in last_months(timezone.localdate(now), months)}
    found_all = []
    for ecase in cases:
        found = supervision.anomalies([ecase], now=now)
        found_all += found
        kinds = {a.kind for a in found}
        is_open = not p.PROCEDURE.by_state[ecase.case.state].final
        for rows, name in ((matters, ecase.matter.name), (teams, ecase.team.name)):
            row = rows.setdefault(name, Row(name))
            row.open += is_open
            row.near += "near_limit" in kinds
            row.past += "past_limit" in kinds
            for anomaly in found:
                row.by_kind[anomaly.kind] += 1
        filed = trend.get(_month_of(ecase.filed_at))
        if filed is not None:
            filed.filed += 1
        decided = trend.get(_month_of(ecase.decided_at))
        if decided is not None:
            decided.decided += 1
            decided.late += bool(ecase.decided_late)
    return Figures(
        by_matter=sorted(matters.values(), key=lambda r: r.name),
        by_team=sorted(teams.values(), key=lambda r: r.name),
        trend=list(trend.values()),
        anomalies=found_all,
    )


def _status(rows: list[Row]) -> dict:
    return {
        "kind": "bar",
        "categories": [r.name for r in rows],
        "series": [
            {"name": _("Open"), "data": [r.open for r in rows]},
            {"name": _("Near the 90 days"), "data": [r.near for r in rows]},
            {"name": _("Past the 90 days"), "data": [r.past for r in rows]},
        ],
    }


def _kinds(rows: list[Row]) -> dict:
    return {
        "kind": "stacked",
        "categories": [r.name for r in rows],
        "series": [
            {"name": str(KIND_LABELS[k]), "data": [r.by_kind[k] for r in rows]}
            for k in supervision.KINDS
        ],
    }


def chart_data(fig: Figures) -> dict:
    return {
        "matter_status": _status(fig.by_matter),
        "team_status": _status(fig.by_team),
        "matter_anomalies": _kinds(fig.by_matter),
        "team_anomalies": _kinds(fig.by_team),
        "trend": {
            "kind": "line",
            "categories": [m.label for m in fig.trend],
            "series": [
                {"name": _("Filed"), "data": [m.filed for m in fig.trend]},
                {"name": _("Decided"), "data": [m.decided for m in fig.trend]},
                {"name": _("Decided after the 90 days"), "data": [m.late for m in fig.trend]},
            ],
        },
    }
