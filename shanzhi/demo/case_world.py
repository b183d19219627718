"""The synthetic district's cases as a simulation: the shape of the data (paths through
each procedure with their weights, channels, urgencies, kinds, waits, texts) and the
world the cases happen in (grids, categories, bodies, the dispatch catalogue, the
calendar). ``shanzhi.demo.cases`` generates and writes the rows from it.

Everything here is synthetic: names, phone numbers (area code 000), addresses, texts.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import shapely
from django.db.models import Q

from shanzhi.cases.procedure import get as get_procedure
from shanzhi.demo.seed import DISTRICT_CODE
from shanzhi.duties import routing as catalogue
from shanzhi.duties.calendar import current_calendar
from shanzhi.duties.models import DispatchRule, MatterCategory, Redirect
from shanzhi.lib import geo, workdays
from shanzhi.org.models import Body, BodyKind, Level, Region

# --- The shape of the data ------------------------------------------------------------

# Paths through each procedure: (weight, actions). A finished case runs a whole path; an
# open case stops part-way, in the state it has reached.
PATHS = {
    "service_request": [
        (74, "dispatch accept start reply return_visit close"),
        (12, "answer"),
        (3, "redirect"),
        (3, "merge"),
        (3, "dispatch object uphold_objection accept start reply return_visit close"),
        (1, "dispatch object reject_objection start reply return_visit close"),
        (2, "dispatch accept start suspend resume reply return_visit close"),
        (2, "dispatch accept start reply return_visit reopen reply return_visit close"),
    ],
    "grid_event": [
        (66, "verify register dispatch handle check_pass close"),
        (18, "solve_on_spot"),
        (5, "void"),
        (2, "verify void"),
        (3, "merge"),
        (6, "verify register dispatch handle check_fail handle check_pass close"),
    ],
}
PATHS = {key: [(w, tuple(p.split())) for w, p in paths] for key, paths in PATHS.items()}
# Where open cases stand (weights per state).
OPEN_STATES = {
    "service_request": dict(
        received=5,
        dispatched=12,
        objected=2,
        accepted=14,
        in_progress=36,
        suspended=5,
        replied=16,
        evaluated=10,
    ),
    "grid_event": dict(
        reported=10, verified=6, registered=8, dispatched=40, handled=24, checked=12
    ),
}
PROCEDURE_SHARE = {"service_request": 0.72, "grid_event": 0.28}
CHANNELS = {  # DOMAIN §3.1: ~90 % of 12345 requests come in by phone
    "service_request": (("phone", 90), ("web", 4), ("mobile", 5), ("visit", 1)),
    "grid_event": (("patrol", 68), ("camera", 20), ("mobile", 12)),
}
URGENCIES = (("normal", 90), ("urgent", 8), ("critical", 2))
KINDS = (("help", 22), ("complaint", 42), ("report", 10), ("suggestion", 6), ("consultation", 20))
SATISFACTION = ((5, 55), (4, 25), (3, 10), (2, 6), (1, 4))
# Share of service requests about the city itself (noise, rubbish, parking …).
SR_EVENT_CATEGORY_SHARE = 0.3
# Relative frequency of hours of the day (local time) for new cases.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 10, 11, 13, 13, 12, 11, 9, 8, 6, 4, 3, 2)
ON_TIME = 0.93  # share of steps done within their limit
SWEEP_DELAY = timedelta(seconds=30)  # how soon the sweep marks a clock that ran out
OPEN_OVERDUE = 0.3  # share of open cases whose current clock has run out
# Plain waiting times between steps that no clock times (seconds: min, max).
WAITS = {
    "start": (600, 86400),
    "register": (600, 4 * 3600),
    "dispatch": (600, 4 * 3600),
    "uphold_objection": (1800, 86400),
    "reject_objection": (1800, 86400),
    "return_visit": (4 * 3600, 3 * 86400),
    "close": (600, 2 * 86400),
    "reopen": (3600, 3 * 86400),
    "resume": (3 * 86400, 40 * 86400),
}
DEFAULT_WAIT = (600, 86400)

PLACES = str.split(
    "{b}号楼 {b}号楼东侧 {b}号楼单元门口 小区南门 小区北门 沿街商铺门前 公交站旁 农贸市场附近 "
    "地下车库入口 幼儿园门口 街心公园 菜场后巷"
)
DETAILS = str.split(
    "已持续三天。 影响居民出行。 多次反映未解决。 夜间尤为严重。 涉及老人和儿童安全。 "
    "周边居民意见较大。 -"  # "-": none
)
OPENINGS = {
    "phone": "来电人反映：",
    "web": "网上诉求：",
    "mobile": "手机端上报：",
    "visit": "来访人反映：",
    "patrol": "网格员巡查发现：",
    "camera": "视频监控自动识别，疑似：",
}
SYNTHETIC = "（合成示例数据，非真实诉求）"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _weighted(pairs):
    pairs = list(pairs)
    values = [v for v, _w in pairs]
    cum = list(itertools.accumulate(w for _v, w in pairs))
    return values, cum


def _pick(rng: random.Random, table):
    values, cum = table
    return values[bisect.bisect_right(cum, rng.random() * cum[-1])]


# --- The simulation ---------------------------------------------------------------------


@dataclass
class _Clock:
    name: str
    started: datetime
    value: float
    unit: str
    basis: str
    due: datetime
    paused: datetime | None = None
    remaining: float | None = None
    paused_seconds: float = 0.0
    extensions: int = 0
    stopped: datetime | None = None
    on_time: bool | None = None
    overdue: datetime | None = None  # marked overdue by the sweep


@dataclass(frozen=True)
class _Cut:
    """An open case's place on a path: ``k`` actions done; the running clock that started
    last was started by action ``anchor`` (0: at creation; -1: none running)."""

    path: tuple[str, ...]
    k: int
    anchor: int
    anchor_clock: str


def _walk(procedure, path):
    """States after each action (index 0: the initial state) and the clock operations."""
    states, state = [procedure.initial], procedure.initial
    for action in path:
        transition = procedure.by_action[action]
        assert state in transition.sources, f"{procedure.key}: {action} from {state}"
        state = transition.target or state
        states.append(state)
    return states


def _running_at(procedure, path, k):
    """(clock name → index of the action that started it, paused?) after k actions."""
    clocks = {name: (0, False) for name in procedure.starts_on_create}
    for i, action in enumerate(path[:k], 1):
        t = procedure.by_action[action]
        for name in (*t.stops, *t.cancels):
            clocks.pop(name, None)
        for name in t.pauses:
            if name in clocks:
                clocks[name] = (clocks[name][0], True)
        for name in t.resumes:
            if name in clocks:
                clocks[name] = (i, False)
        for name in t.starts:
            clocks[name] = (i, False)
    return clocks


@dataclass
class _Plan:
    procedure: object
    final_paths: tuple
    open_states: tuple
    cuts: dict[str, tuple] = field(default_factory=dict)
    windows: frozenset = frozenset()

    @classmethod
    def build(cls, key: str) -> _Plan:
        procedure = get_procedure(key)
        finals, cuts = [], {}
        windows = frozenset(c.name for c in procedure.clocks if c.window)
        for weight, path in PATHS[key]:
            states = _walk(procedure, path)
            assert procedure.by_state[states[-1]].final, f"{key}: {path} does not finish"
            finals.append((path, weight))
            for k, state in enumerate(states[:-1]):
                # The clock whose limit the case is waiting on: the last started of
                # those running (a time window such as the objection period aside).
                running = {
                    name: i
                    for name, (i, paused) in _running_at(procedure, path, k).items()
                    if not paused and name not in windows
                }
                anchor, clock = max(((i, n) for n, i in running.items()), default=(-1, ""))
                cuts.setdefault(state, []).append((_Cut(path, k, anchor, clock), weight))
        for state in OPEN_STATES[key]:
            assert state in cuts, f"{key}: no path passes through {state}"
        return cls(
            procedure=procedure,
            final_paths=_weighted(finals),
            open_states=_weighted(OPEN_STATES[key].items()),
            cuts={state: _weighted(pairs) for state, pairs in cuts.items()},
            windows=windows,
        )


class _World:
    """What the generator reads once: grids with their streets and shapes, categories,
    bodies, time limits and dispatch proposals (the last two cached as they are met)."""

    def __init__(self, now: datetime, seed: int):
        district = Region.objects.get(code=DISTRICT_CODE)
        self.district = district
        self.now = now
        self.calendar = current_calendar()
        grids = list(
            Region.objects.active()
            .filter(level=Level.GRID, path__startswith=district.path)
            .order_by("code")
        )
        if not grids:
            raise RuntimeError("The demo district has no grids.")
        regions = Region.objects.in_bulk(
            {int(p) for g in grids for p in g.path.strip("/").split("/")}
        )
        self.grids = []
        for grid in grids:
            chain = [regions[int(p)] for p in grid.path.strip("/").split("/")]
            street = next(r for r in chain if r.level == Level.STREET)
            community = next(r for r in chain if r.level == Level.COMMUNITY)
            shape = geo.parse_polygon(grid.geometry)
            shapely.prepare(shape)
            self.grids.append((grid, street, community, shape))
        self.grid_table = _weighted(
            (i, (g.households or 300)) for i, (g, *_rest) in enumerate(self.grids)
        )
        self.street_office = {
            b.region_id: b.pk for b in Body.objects.active().filter(kind=BodyKind.STREET_OFFICE)
        }
        self.fallback_department = (
            Body.objects.active()
            .filter(kind=BodyKind.DEPARTMENT, name="区城市管理局")
            .values_list("pk", flat=True)
            .first()
        )
        minor = list(
            MatterCategory.objects.filter(is_active=True, parent__isnull=False)
            .select_related("parent")
            .order_by("code")
        )
        usable = [c for c in minor if c.redirect != Redirect.EMERGENCY]
        events = [c for c in usable if c.kind == "event" and not c.redirect]
        requests = [c for c in usable if c.kind == "request" and not c.redirect]
        if not events or not requests:
            raise RuntimeError("The matter catalogue has no categories (load_catalogue).")
        self.redirected = [c for c in usable if c.redirect] or requests
        # Some matters are much more common than others (a stable, seeded skew).
        skew = random.Random(seed ^ 0x5EED)
        self.event_table = _weighted((c, skew.choice((1, 2, 3, 5, 8))) for c in events)
        self.request_table = _weighted((c, skew.choice((1, 2, 3, 5, 8))) for c in requests)
        consult = [c for c in requests if c.code in ("2701", "2103")] or requests
        self.consultations = consult
        self.grid_level_routing = DispatchRule.objects.filter(
            Q(area__level__in=(Level.GRID, Level.MICRO_GRID)) | Q(lead_kind=BodyKind.GRID_COUNCIL)
        ).exists()
        self.proposals: dict[tuple[int, int], tuple[int | None, str, int | None]] = {}
        self.limits: dict[tuple, tuple[float, str, str]] = {}
        self.spans: dict[tuple[float, str], float] = {}

    def limit(self, procedure, name: str, category, urgency: str):
        key = (procedure.key, name, category.id, urgency)
        found = self.limits.get(key)
        if found is None:
            spec = procedure.by_clock[name]
            row = catalogue.time_limit(procedure.key, name, category, urgency)
            if row is not None:
                found = (float(row.value), row.unit, (row.legal_basis or spec.legal_basis)[:300])
            else:
                found = (float(spec.value), spec.unit, spec.legal_basis[:300])
            self.limits[key] = found
        return found

    def span(self, value: float, unit: str) -> float:
        """Roughly how long a limit lasts in seconds of clock time (measured from now)."""
        key = (value, unit)
        if key not in self.spans:
            due = workdays.add(self.now, value, unit, self.calendar)
            self.spans[key] = max(600.0, (due - self.now).total_seconds())
        return self.spans[key]

    def proposal(self, category, grid_index: int):
        """(proposed lead body, routing note, body a dispatcher sends it to)."""
        grid, street, community, _shape = self.grids[grid_index]
        # Without grid-level rules or leads, every grid of a community routes alike: one
        # resolution per community (a few hundred instead of thousands).
        place = grid.id if self.grid_level_routing else community.id
        key = (category.id, place)
        found = self.proposals.get(key)
        if found is None:
            dispatch = catalogue.resolve(category, grid)
            lead = dispatch.lead.pk if dispatch.lead else None
            if lead is None:
                # Manual dispatch: a department's matter to the department, else the
                # street office (never a department's matter to a street).
                owned = category.is_department_owned()
                target = self.fallback_department if owned else self.street_office.get(street.pk)
            else:
                target = lead
            found = (lead, dispatch.reason[:300], target)
            self.proposals[key] = found
        return found
