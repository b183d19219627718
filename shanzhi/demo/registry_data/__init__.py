"""Synthetic registry data: buildings, dwellings, households, people, care tags, tenancies,
organisations and city components for the grids of the demo district.

``load_registry_demo()`` gives every demo grid about 40 households (``seed_demo`` calls it
when it loads the district; it does nothing when the demo's registry data is there).
``generate_people(n, seed=)`` adds n more people (with their households, dwellings and
buildings) spread over the demo grids, for benchmarks: a million in minutes.

Clearly synthetic wherever it shows: every ID number is issued under division 990101 (no
province has code 99) with a valid check character and a sequence number from 500 up;
every phone number is in the unassigned area code 000 (000-7xxxxxxx for people, 000-5…
for organisations); organisation names end in （虚构）; notes and reasons say 示范数据（虚构）.
Names come from Faker's zh_CN lists.

Shape of the population: owner-occupied dwellings hold registered families (couples with
children, three generations, elderly couples, old people living alone, grandparents
bringing up grandchildren …) of whom about nine in ten live at their registered address
(人户一致); rented dwellings hold floating households (singles, couples, young families)
and a few foreign nationals, with tenancies; four in ten rented dwellings had an earlier
tenant who has since left (closed records, tenancy and household), so that counts for a
past day differ from today's. Care tags follow the households: most old people living
alone, grandchildren brought up by grandparents, a share of disabled and low-income people.

Speed: rows go in with one prepared ``INSERT`` per table (``core.bulkinsert``), one grid's
batch per transaction with one audit event for the batch, as the synthetic cases do
(``demo/cases.py``). ID numbers and phones are still encrypted and blind-indexed with the
registry's own helpers; the per-row checks of the actions are skipped because the rows
are valid by construction (``demo/tests/test_registry_data.py`` checks them).
"""

from __future__ import annotations

import time

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.core.bulkinsert import PreparedInsert
from shanzhi.demo.registry_data.generator import (
    DEMO_HOUSEHOLDS_PER_GRID,
    DIVISION,
    KEYED,
    NOTE,
    ROADS,
    TABLES,
    Batch,
    Counts,
    Generator,
    GridInfo,
)
from shanzhi.demo.seed import DISTRICT_CODE
from shanzhi.lib import geo
from shanzhi.org.models import Level, Region
from shanzhi.registry.models import Building

__all__ = [
    "DIVISION",
    "NOTE",
    "Counts",
    "command_hook",
    "generate_people",
    "is_loaded",
    "load_registry_demo",
]

DEMO_ACTION = "demo.synthetic_registry"
PEOPLE_ACTION = "demo.synthetic_people"


def _grids(district: Region) -> list[GridInfo]:
    grids = list(Region.objects.within(district).filter(level=Level.GRID).order_by("code"))
    communities = {
        r.pk: r.name for r in Region.objects.within(district).filter(level=Level.COMMUNITY)
    }
    numbers = dict(
        Building.objects.filter(grid__in=grids)
        .values("grid_id")
        .annotate(n=Count("pk"))
        .values_list("grid_id", "n")
    )
    out = []
    for grid in grids:
        shape = geo.parse_polygon(grid.geometry) if grid.geometry else None
        n = int(grid.code[-3:])
        road = ROADS[(n - 1) % len(ROADS)] + ("" if n <= len(ROADS) else f"{n}支路")
        community = communities.get(grid.parent_id, "")
        out.append(GridInfo(grid, community, road, shape, numbers.get(grid.pk, 0) + 1))
    return out


def _write(generator: Generator, make, district: Region, action: str) -> Counts:
    """One transaction: allocate the keys, generate with ``make(batch)``, insert, audit."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Keys are allocated here, not by the sequences: hold off other writers until
            # the sequences are moved past them (SQLite's write lock does this by itself).
            with connection.cursor() as cursor:
                for model in KEYED:
                    cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")
        for model in KEYED:
            generator.next_id[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        batch = Batch()
        make(batch)
        for model, columns in TABLES:
            PreparedInsert(model, columns).write(batch.rows[model])
        if connection.vendor != "sqlite":  # SQLite's AUTOINCREMENT follows by itself
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), KEYED):
                    cursor.execute(sql)
        counts = batch.counts
        audit.record(
            None,
            action,
            district,
            after={k: v for k, v in counts.__dict__.items() if k != "seconds"},
            note=NOTE,
            scope_path=district.path,
        )
    return counts


def _district() -> Region:
    return Region.objects.get(code=DISTRICT_CODE)


def is_loaded() -> bool:
    from shanzhi.core.models import AuditEvent

    return AuditEvent.objects.filter(action=DEMO_ACTION).exists()


def load_registry_demo(
    *, households_per_grid: int = DEMO_HOUSEHOLDS_PER_GRID, seed: int = 2026
) -> Counts | None:
    """The demo district's registry: ``households_per_grid`` households in every grid, a
    few organisations and components. Does nothing (returns ``None``) when it is there.
    The demo resident (login "resident") is the head of the first household of their grid,
    with their account's phone number, so that their cases show on their card."""
    from shanzhi.core.models import User

    began = time.monotonic()
    if is_loaded():
        return None
    district = _district()
    generator = Generator(seed)
    grids = _grids(district)
    resident = User.objects.filter(username="resident").first()
    resident_grid = None
    if resident is not None:
        membership = resident.memberships.active().filter(region__isnull=False).first()
        resident_grid = membership.region_id if membership else None

    def make(batch):
        for index, info in enumerate(grids):
            head = None
            if resident is not None and info.region.pk == resident_grid:
                head = (resident.real_name or resident.username, resident.phone)
            generator.grid(batch, info, households=households_per_grid, head=head)
            generator.extras(batch, info, index)

    counts = _write(generator, make, district, DEMO_ACTION)
    counts.seconds = time.monotonic() - began
    return counts


def generate_people(n: int, *, seed: int = 0, batch_size: int = 20_000, progress=None) -> Counts:
    """Add ``n`` synthetic people (with households, dwellings, buildings, tenancies and
    care tags) spread evenly over the demo grids; each run adds more. ``progress(done,
    n)`` is called after each batch. Returns the counts and the seconds taken."""
    began = time.monotonic()
    total = Counts()
    if n <= 0:
        return total
    district = _district()
    generator = Generator(seed, high_rise=True)
    grids = _grids(district)
    share, extra = divmod(n, len(grids))
    plan = []
    for index, info in enumerate(grids):
        wanted = share + (index < extra)
        while wanted > 0:
            plan.append((info, min(wanted, batch_size)))
            wanted -= batch_size
    for info, wanted in plan:
        if total.people >= n:
            break
        want = min(wanted, n - total.people)
        counts = _write(
            generator,
            lambda batch, info=info, want=want: generator.grid(batch, info, people=want),
            district,
            PEOPLE_ACTION,
        )
        total.add(counts)
        if progress is not None:
            progress(total.people, n)
    total.seconds = time.monotonic() - began
    return total


def command_hook(command, *, people: int = 0, seed: int = 0) -> None:
    """What ``seed_demo`` does for the registry: load the demo registry (once), then add
    ``people`` synthetic people, printing the counts and the time taken."""
    counts = load_registry_demo()
    if counts is None:
        command.stdout.write(_("Demo registry already loaded."))
    else:
        command.stdout.write(_("Demo registry loaded: %(counts)s.") % {"counts": _counts(counts)})
    if people:
        step, shown = max(people // 10, 1), [0]

        def progress(done: int, total: int) -> None:
            if done - shown[0] >= step or done == total:
                shown[0] = done
                command.stderr.write(f"  {done:,} / {total:,}")

        counts = generate_people(people, seed=seed, progress=progress)
        command.stdout.write(
            _("Synthetic people added: %(counts)s, in %(seconds).1f s (%(rate)s people a second).")
            % {
                "counts": _counts(counts),
                "seconds": counts.seconds,
                "rate": f"{counts.people / max(counts.seconds, 1e-9):,.0f}",
            }
        )


def _counts(counts: Counts) -> str:
    return _(
        "%(people)s people in %(households)s households, %(buildings)s buildings with "
        "%(dwellings)s dwellings, %(care_tags)s care tags, %(tenancies)s tenancies"
    ) % {name: f"{getattr(counts, name):,}" for name in Counts.__dataclass_fields__}
