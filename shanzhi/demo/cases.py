"""Synthetic cases at scale: ``generate_cases(n)`` adds n made-up service requests and grid
events to the demo district, for load tests and for a demo that looks lived in.

Every case follows a path of real transitions of its procedure, and its clocks are run
as the engine runs them (``cases/clocks.py``): the procedure's table says which clocks
each step starts, stops, pauses, resumes or cancels, a stopped clock carries the verdict
its stop time earns, a running clock belongs to an open state, final cases have none,
and clocks that ran out are marked as the sweep marks them. Creation times spread over
the last year (more by day than by night); the older a case, the likelier it is finished
(~60 % overall). An open case's current clock started a while ago; about a third of
those have run out, so the overdue and near-due queues are populated.

Speed: rows go in with one prepared ``INSERT`` per table and batch (``executemany``), in
batches of ``batch_size`` cases, each batch one transaction with one audit event
("demo.synthetic_cases") for the whole batch. ``bulk_create`` would spend most of the
time compiling SQL (SQLite takes 999 parameters per statement: 33 cases); this way a
million cases with their ~2.7 million clocks take about five minutes on two cores
(docs/performance.md), in memory bounded by one batch and SQLite's page cache. Fields
the generator does not know get their model default. Primary keys are allocated inside
each batch's transaction, so the case numbers (prefix + date + zero-padded key) are
final when the rows are written.

Everything here is synthetic: names, phone numbers (area code 000), addresses, texts.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import shapely
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from shanzhi.cases.models import Case, Clock
from shanzhi.core import audit
from shanzhi.core.bulkinsert import PreparedInsert
from shanzhi.demo.case_world import (  # the simulation the rows come from
    CHANNELS,
    DEFAULT_WAIT,
    DETAILS,
    GIVEN,
    HOUR_WEIGHTS,
    KINDS,
    ON_TIME,
    OPEN_OVERDUE,
    OPENINGS,
    PATHS,
    PLACES,
    PROCEDURE_SHARE,
    SATISFACTION,
    SHANGHAI,
    SR_EVENT_CATEGORY_SHARE,
    SURNAMES,
    SWEEP_DELAY,
    SYNTHETIC,
    URGENCIES,
    WAITS,
    _Clock,
    _Cut,
    _pick,
    _Plan,
    _weighted,
    _World,
)
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import workdays
from shanzhi.org.models import Region

BATCH_SIZE = 10_000
SPAN = timedelta(days=365)
NOTE = "示范数据（虚构）: synthetic cases generated for load tests"

# --- Generating -------------------------------------------------------------------------

# Column order of the rows the generator makes. A case row starts with its primary key,
# number and merge target, which the writer fills in once the keys are allocated.
CASE_COLUMNS = [
    "id",
    "number",
    "merged_into_id",
    "procedure",
    "state",
    "version",
    "category_id",
    "urgency",
    "kind",
    "channel",
    "title",
    "description",
    "lon",
    "lat",
    "address",
    "grid_id",
    "street_id",
    "scope_path",
    "requester_id",
    "requester_name",
    "requester_phone",
    "anonymous",
    "confidential",
    "responsible_body_id",
    "routed_body_id",
    "routing_note",
    "satisfaction",
    "reopened",
    "created",
    "updated",
    "closed_at",
]
CLOCK_COLUMNS = [
    "case_id",
    "name",
    "started_at",
    "duration",
    "unit",
    "legal_basis",
    "due_at",
    "paused_at",
    "remaining_at_pause",
    "paused_seconds",
    "extensions",
    "stopped_at",
    "on_time",
    "overdue_at",
    "claimed_by",
    "escalated_to_id",
]


@dataclass
class _Batch:
    """Generated rows waiting for their keys: case rows without (id, number, merge
    target); ``stems`` the numbers' prefix + date; ``merges`` the batch index of each
    case's merge target; clock rows start with the batch index of their case."""

    cases: list[tuple]
    stems: list[str]
    merges: list[int | None]
    clocks: list[tuple]


class _Generator:
    def __init__(self, world: _World, seed: int, swept=True, finished=None, overdue=OPEN_OVERDUE):
        self.world = world
        self.swept, self.finished, self.overdue = swept, finished, overdue
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        self.plans = {key: _Plan.build(key) for key in PATHS}
        self.procedures = _weighted(PROCEDURE_SHARE.items())
        self.channels = {key: _weighted(pairs) for key, pairs in CHANNELS.items()}
        self.urgencies = _weighted(URGENCIES)
        self.kinds = _weighted(KINDS)
        self.satisfaction = _weighted(SATISFACTION)
        names = random.Random(seed ^ 0x4E41)
        self.names = [
            names.choice(SURNAMES) + "".join(names.choices(GIVEN, k=names.choice((1, 2))))
            for _ in range(600)
        ]
        sqlite = connection.vendor == "sqlite"
        self.adapt = _sqlite_datetime if sqlite else connection.ops.adapt_datetimefield_value

    def batch(self, n: int, start: float, end: float) -> _Batch:
        rng, world = self.rng, self.world
        times = self.created_times(n, start, end)
        grid_indexes = [_pick(rng, world.grid_table) for _ in times]
        points = self.points(grid_indexes)
        batch = _Batch([], [], [], [])
        last: dict[str, int] = {}  # latest case of each procedure that can take a merge
        for index, (created, g, point) in enumerate(zip(times, grid_indexes, points, strict=True)):
            self.case(batch, index, created, g, point, last)
        return batch

    def created_times(self, n: int, start: float, end: float) -> list[datetime]:
        """n instants in [start, end) (UNIX seconds), more by day than by night, sorted."""
        rng, top = self.rng, max(HOUR_WEIGHTS)
        out = []
        while len(out) < n:
            t = start + rng.random() * (end - start)
            hour = int(((t + 8 * 3600) % 86400) // 3600)
            if rng.random() * top < HOUR_WEIGHTS[hour]:
                out.append(t)
        out.sort()
        return [datetime.fromtimestamp(t, UTC) for t in out]

    def points(self, grid_indexes: list[int]) -> list[tuple[float, float]]:
        """A point strictly inside each case's grid."""
        result: list[tuple[float, float]] = [(0.0, 0.0)] * len(grid_indexes)
        by_grid: dict[int, list[int]] = {}
        for row, g in enumerate(grid_indexes):
            by_grid.setdefault(g, []).append(row)
        for g, rows in by_grid.items():
            shape = self.world.grids[g][3]
            minx, miny, maxx, maxy = shape.bounds
            found: list[tuple[float, float]] = []
            while len(found) < len(rows):
                k = int((len(rows) - len(found)) * 1.5) + 8
                # Rounded first, as stored: a point rounded after the test could cross
                # the boundary into the neighbouring grid.
                xs = self.np_rng.uniform(minx, maxx, k).round(7)
                ys = self.np_rng.uniform(miny, maxy, k).round(7)
                inside = shapely.contains_xy(shape, xs, ys)
                found.extend(zip(xs[inside].tolist(), ys[inside].tolist(), strict=True))
            for row, point in zip(rows, found, strict=False):
                result[row] = point
        return result

    def case(
        self,
        batch: _Batch,
        index: int,
        created: datetime,
        grid_index: int,
        point,
        last: dict[str, int],
    ) -> None:
        world, rng, now = self.world, self.rng, self.world.now
        key = _pick(rng, self.procedures)
        plan = self.plans[key]
        procedure = plan.procedure
        age_days = (now - created).total_seconds() / 86400
        finished = self.finished
        if finished is None:
            finished = 0.15 + 0.6 * min(1.0, age_days / 180)
        if rng.random() < finished:
            path = _pick(rng, plan.final_paths)
            if path == ("merge",) and key not in last:
                path = PATHS[key][0][1]  # nothing to merge into yet
            cut = _Cut(path, len(path), -1, "")
        else:
            cut = _pick(rng, plan.cuts[_pick(rng, plan.open_states)])
        path = cut.path

        # What the case is about.
        if key == "service_request":
            if path[0] == "redirect":
                category = rng.choice(world.redirected)
            elif path[0] == "answer":
                category = rng.choice(world.consultations)
            elif rng.random() < SR_EVENT_CATEGORY_SHARE:
                category = _pick(rng, world.event_table)
            else:
                category = _pick(rng, world.request_table)
            kind = "consultation" if path[0] == "answer" else _pick(rng, self.kinds)
        else:
            category = _pick(rng, world.event_table)
            kind = ""
        urgency = _pick(rng, self.urgencies)
        channel = _pick(rng, self.channels[key])
        lead, note, target = world.proposal(category, grid_index)

        # Walk the path in time, running the clocks as the engine does (cases/clocks.py).
        clocks: list[_Clock] = []
        running: dict[str, _Clock] = {}
        calendar = world.calendar
        windows = plan.windows

        def start(name, at):
            value, unit, basis = world.limit(procedure, name, category, urgency)
            clock = _Clock(name, at, value, unit, basis, workdays.add(at, value, unit, calendar))
            clocks.append(clock)
            running[name] = clock

        def mark(clock, until):
            """What the sweep does to a clock running past its due instant (a window
            such as the objection period closes instead)."""
            unmarked = clock.overdue is None and clock.paused is None
            if unmarked and clock.name not in windows and until > clock.due:
                clock.overdue = min(until, clock.due + SWEEP_DELAY)

        def stop(name, at, verdict=True):
            clock = running.pop(name, None)
            if clock is not None:
                mark(clock, at)
                clock.stopped = at
                late = clock.overdue is not None or (clock.paused is None and at > clock.due)
                clock.on_time = (not late) if verdict else None

        for name in procedure.starts_on_create:
            start(name, created)
        state, at, done = procedure.initial, created, 0
        body = satisfaction = merged_into = None
        reopened = 0
        for i, action in enumerate(path[: cut.k], 1):
            transition = procedure.by_action[action]
            at_next = self._when(transition, at, running)
            if i == cut.anchor and cut.anchor_clock:
                # The step that started the clock now running: put it so that the clock
                # has run for a part of its limit, or past it.
                value, unit, _basis = world.limit(procedure, cut.anchor_clock, category, urgency)
                span = world.span(value, unit)
                late = rng.random() < self.overdue
                back = span * (rng.uniform(1.1, 5.0) if late else rng.uniform(0.03, 0.95))
                at_next = max(at_next, now - timedelta(seconds=back))
            elif i > cut.anchor > 0 and at_next > now:
                at_next = at + (now - at) * rng.uniform(0.1, 0.6)
            if at_next > now:
                break  # the rest has not happened yet: the case is open in this state
            at = at_next
            for name in transition.stops:
                stop(name, at)
            for name in transition.cancels:
                stop(name, at, verdict=False)
            for name in transition.pauses:
                clock = running.get(name)
                if clock is not None and clock.paused is None:
                    mark(clock, at)
                    clock.remaining = workdays.remaining(at, clock.due, clock.unit, calendar)
                    clock.paused = at
            for name in transition.resumes:
                clock = running.get(name)
                if clock is not None and clock.paused is not None:
                    clock.due = workdays.add(at, clock.remaining or 0, clock.unit, calendar)
                    clock.paused_seconds += (at - clock.paused).total_seconds()
                    clock.paused = clock.remaining = None
            for name in transition.starts:
                stop(name, at)  # a restarted clock starts afresh, as in the engine
                start(name, at)
            if "body" in transition.needs:
                body = target
            if "satisfaction" in transition.needs:
                # A requester whose case is then sent back for rework was dissatisfied.
                unhappy = i < len(path) and procedure.by_action[path[i]].rework
                satisfaction = rng.choice((1, 2)) if unhappy else _pick(rng, self.satisfaction)
            reopened += transition.rework
            if "case" in transition.needs:
                merged_into = last[key]
            state = transition.target or state
            done = i
        # An extension (延期) approved in time on some handling clocks still running.
        extended = running.get(procedure.extended_clock)
        if extended is not None and extended.paused is None and rng.random() < 0.04:
            extended.due = workdays.add(extended.due, extended.value, extended.unit, calendar)
            extended.extensions = 1
            done += 1
        if self.swept:
            for clock in running.values():
                mark(clock, now)
        if state != "merged":
            last[key] = index

        final = procedure.by_state[state].final
        grid, street, community, _shape = world.grids[grid_index]
        place = rng.choice(PLACES).format(b=rng.randint(1, 36))
        anonymous = key == "service_request" and rng.random() < 0.04
        if key == "service_request" or channel == "mobile":
            requester = "" if anonymous else rng.choice(self.names)
            phone = f"000-6{rng.randrange(10**7):07d}"
        else:
            requester = phone = ""
        hint = category.hint.split("（")[0].split("；")[0]
        adapt = self.adapt
        batch.stems.append(f"{procedure.number_prefix}{created.astimezone(SHANGHAI):%Y%m%d}")
        batch.merges.append(merged_into)
        batch.cases.append(
            (
                key,
                state,
                1 + done,
                category.id,
                urgency,
                kind,
                channel,
                f"{community.name}{place}{category.name}（示例）"[:120],
                f"{OPENINGS[channel]}{street.name}{community.name}{place}附近，{hint}。"
                f"{rng.choice(DETAILS).strip('-')}{SYNTHETIC}",
                point[0],
                point[1],
                f"{street.name}{community.name}{place}"[:200],
                grid.id,
                street.id,
                grid.path,
                None,
                requester,
                phone,
                anonymous,
                rng.random() < 0.08,
                body,
                lead,
                note,
                satisfaction,
                reopened,
                adapt(created),
                adapt(at),
                adapt(at) if final else None,
            )
        )
        for c in clocks:
            batch.clocks.append(
                (
                    index,
                    c.name,
                    adapt(c.started),
                    c.value,
                    c.unit,
                    c.basis,
                    adapt(c.due),
                    adapt(c.paused) if c.paused else None,
                    c.remaining,
                    c.paused_seconds,
                    c.extensions,
                    adapt(c.stopped) if c.stopped else None,
                    c.on_time,
                    adapt(c.overdue) if c.overdue else None,
                    "",
                    None,
                )
            )

    def _when(self, transition, at, running) -> datetime:
        """When the next step happens: a step that stops a clock is timed against that
        clock's limit (mostly in time; always inside a window it needs); other steps
        follow after a plain wait."""
        rng = self.rng
        clock = next(
            (running[n] for n in transition.stops if n in running and running[n].paused is None),
            None,
        )
        if clock is not None:
            in_time = transition.within or rng.random() < ON_TIME
            f = rng.uniform(0.05, 0.95) if in_time else rng.uniform(1.05, 3.0)
            return max(at + timedelta(seconds=60), clock.started + (clock.due - clock.started) * f)
        if transition.pauses:
            clock = running.get(transition.pauses[0])
            if clock is not None and clock.due > at:
                return at + (clock.due - at) * rng.uniform(0.1, 0.7)
        lo, hi = WAITS.get(transition.action, DEFAULT_WAIT)
        return at + timedelta(seconds=rng.uniform(lo, hi))


_EPOCH, _NAIVE_EPOCH = datetime(1970, 1, 1, tzinfo=UTC), datetime(1970, 1, 1)


def _sqlite_datetime(value: datetime) -> str:
    """What Django stores in SQLite: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]" (the
    quickest way there from any zone)."""
    return (_NAIVE_EPOCH + (value - _EPOCH)).isoformat(" ")


# --- Writing ----------------------------------------------------------------------------


def _write(batch: _Batch, district: Region, writers: tuple[PreparedInsert, PreparedInsert]):
    """One transaction: allocate the keys, insert the cases and clocks, audit the batch."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Keys are allocated here, not by the sequence: hold off other writers until
            # the sequence is moved past them (SQLite's write lock does this by itself).
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Case._meta.db_table} IN EXCLUSIVE MODE")
        base = (Case.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        writers[0].write(
            (base + i, f"{stem}{base + i:08d}", None if m is None else base + m, *row)
            for i, (stem, m, row) in enumerate(
                zip(batch.stems, batch.merges, batch.cases, strict=True)
            )
        )
        writers[1].write((base + row[0], *row[1:]) for row in batch.clocks)
        if connection.vendor != "sqlite":  # SQLite's AUTOINCREMENT follows by itself
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
                    cursor.execute(sql)
        last = base + len(batch.cases) - 1
        audit.record(
            None,
            "demo.synthetic_cases",
            district,
            after={
                "cases": len(batch.cases),
                "clocks": len(batch.clocks),
                "first": f"{batch.stems[0]}{base:08d}",
                "last": f"{batch.stems[-1]}{last:08d}",
            },
            note=NOTE,
            scope_path=district.path,
        )


def generate_cases(
    n: int,
    *,
    seed: int = 0,
    now=None,
    batch_size: int = BATCH_SIZE,
    swept: bool = True,
    finished: float | None = None,
    overdue: float = OPEN_OVERDUE,
    progress=None,
) -> dict:
    """Add ``n`` synthetic cases (and their clocks) to the demo district; returns the
    counts and the seconds taken. Needs the demo district (``seed.load_demo``) and loads
    the demo catalogue if it is missing. Running it again adds ``n`` more.

    ``swept``: clocks that ran out are marked overdue, as the sweep would have done
    (without its escalation notices); ``False`` leaves that to the next sweep.
    ``finished``: the share of finished cases (default: more the older they are, ~60 %
    in all); ``overdue``: the share of open cases whose current limit has run out.
    ``progress(done, n)`` is called after each batch.
    """
    began = time.monotonic()
    if n <= 0:
        return {"cases": 0, "clocks": 0, "seconds": 0.0}
    now = now or timezone.now()
    load_catalogue()
    world = _World(now, seed)
    generator = _Generator(world, seed, swept, finished, overdue)
    writers = (PreparedInsert(Case, CASE_COLUMNS), PreparedInsert(Clock, CLOCK_COLUMNS))
    batches = math.ceil(n / batch_size)
    end = (now - timedelta(minutes=1)).timestamp()
    start = end - SPAN.total_seconds()
    step = (end - start) / batches

    def make(b: int) -> _Batch:
        count = min(batch_size, n - b * batch_size)
        return generator.batch(count, start + b * step, start + (b + 1) * step)

    done = clocks = 0
    with _bigger_sqlite_cache():
        for b in range(batches):
            batch = make(b)
            _write(batch, world.district, writers)
            done += len(batch.cases)
            clocks += len(batch.clocks)
            if progress is not None:
                progress(done, n)
    return {"cases": done, "clocks": clocks, "seconds": time.monotonic() - began}


class _bigger_sqlite_cache:
    """A larger page cache while the batches go in (the case table has a dozen indexes);
    put back afterwards."""

    def __enter__(self):
        self.old = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.old = cursor.fetchone()[0]
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self.old)}")
        return False
