"""Spreadsheet import of people: check and write a large synthetic sheet, beside two
baselines measured in the same run.

    .venv/bin/python bench/import.py [--rows 100000] [--batch 2000]
        [--database-url postgres://…/empty_db] [--keep]

Builds a fresh database (SQLite in a throw-away var dir, or the empty PostgreSQL database
given) with the demo district, writes a people sheet of ``--rows`` synthetic people (ID
numbers of the unassigned division 990101, valid check characters; households of four;
text in a shared table, as Excel and WPS save it)
spread over the grids of the demo's first street, then times as the street staff:

- baseline "read": openpyxl reading the sheet's cells (read-only mode), nothing else;
- "check": the import's check of every row (parsing, GB 11643, grids and area,
  duplicates in the file and in the registry through the blind index, household rules);
- "write": the import's write (encryption, blind indexes, masks, people, records,
  households, members, one audit event per batch), batch by batch;
- baseline "bare insert": the same number of people and records inserted with one
  prepared INSERT per table and batch, without any check, encryption or audit.

For each: rows, seconds, rows/s and the peak resident memory of the step (the process's
high-water mark reset before it, from /proc; ``ru_maxrss`` where that is not possible).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_reset() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Step:
    def __init__(self, name: str, rows: int):
        self.name, self.rows = name, rows

    def __enter__(self):
        self.reset = peak_reset()
        self.began = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.began
        self.peak = peak_mb()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000, help="rows per write transaction")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database")
    parser.add_argument("--keep", action="store_true", help="keep the var dir afterwards")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="shanzhi-bench-import-"))
    os.environ["SHANZHI_VAR_DIR"] = str(var_dir)
    os.environ.pop("SHANZHI_SQLITE_PATH", None)
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    try:
        return run(args, var_dir)
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


def run(args, var_dir: Path) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection, transaction
    from openpyxl import load_workbook

    from shanzhi.core.bulkinsert import PreparedInsert
    from shanzhi.core.models import User
    from shanzhi.demo.seed import load_demo
    from shanzhi.org.models import Region
    from shanzhi.registry.io import runner
    from shanzhi.registry.io.actions import do_choose_import_mode, do_start_import
    from shanzhi.registry.io.models import ImportJob
    from shanzhi.registry.io.samples import synthetic_row, write_people_sheet
    from shanzhi.registry.models import Person, PersonRecord

    settings.REGISTRY_IMPORT_BATCH = args.batch
    settings.REGISTRY_IMPORT_MAX_ROWS = max(args.rows, 200_000)
    settings.REGISTRY_IMPORT_MAX_BYTES = 200 * 2**20
    began = time.monotonic()
    print(f"Fresh database on {connection.vendor} in {var_dir}", flush=True)
    call_command("migrate", verbosity=0)
    load_demo()
    actor = User.objects.get(username="streetstaff")
    grids = list(
        Region.objects.filter(level="grid", code__startswith="990101001")
        .order_by("code")
        .values_list("code", flat=True)
    )
    sheet = var_dir / "people.xlsx"
    with Step("generate", args.rows) as generate:
        write_people_sheet(
            sheet,
            (
                synthetic_row(n, grids[(n // 4) % len(grids)], household_size=4)
                for n in range(args.rows)
            ),
            like_excel=True,
        )
    size_mb = sheet.stat().st_size / 2**20
    print(f"  sheet of {args.rows:,} rows, {size_mb:.1f} MB ({generate.seconds:.0f} s)", flush=True)

    steps = []
    with Step("baseline: openpyxl read of the cells", args.rows) as read:
        workbook = load_workbook(sheet, read_only=True)
        cells = 0
        for row in workbook.worksheets[0].iter_rows():
            cells += sum(1 for c in row if c.value is not None)
        workbook.close()
    steps.append(read)

    with sheet.open("rb") as handle:
        job = do_start_import(actor=actor, kind="people", upload=File(handle, name="people.xlsx"))
    with Step("check every row", args.rows) as check:
        state = runner.run(job.pk)
    steps.append(check)
    job.refresh_from_db()
    if state != "awaiting_choice" or job.error_rows:
        sys.exit(f"check: {state}, {job.error_rows} rows with errors; {job.message}")

    do_choose_import_mode(job, "all", actor=actor)
    people_before = Person.objects.count()
    with Step("write (all or nothing)", args.rows) as write:
        state = runner.run(job.pk)
    steps.append(write)
    job = ImportJob.objects.get(pk=job.pk)
    written = Person.objects.count() - people_before
    if state != "done" or written != args.rows:
        sys.exit(f"write: {state}, {written} people written; {job.message}")

    grid = Region.objects.get(code=grids[0])
    with Step("baseline: bare insert of people and records", args.rows) as bare:
        for start in range(0, args.rows, args.batch):
            numbers = range(start, min(args.rows, start + args.batch))
            with transaction.atomic():
                PreparedInsert(Person, ["id_number_index", "grid_id", "path"]).write(
                    (f"bare-{n}", grid.pk, grid.path) for n in numbers
                )
                ids = dict(
                    Person.objects.filter(
                        id_number_index__in=[f"bare-{n}" for n in numbers]
                    ).values_list("id_number_index", "pk")
                )
                PreparedInsert(
                    PersonRecord, ["person_id", "number", "name", "grid_id", "path"]
                ).write((ids[f"bare-{n}"], 1, f"bare {n}", grid.pk, grid.path) for n in numbers)
    steps.append(bare)

    print(
        f"\n{args.rows:,} people in {len(grids)} grids, households of four, "
        f"batches of {args.batch:,}; {connection.vendor}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    header = f"{'step':<46}{'rows':>9}{'seconds':>9}{'rows/s':>9}{'peak MB':>9}"
    print(header)
    print("-" * len(header))
    for step in steps:
        print(
            f"{step.name:<46}{step.rows:>9,}{step.seconds:>9.1f}"
            f"{step.rows / step.seconds:>9,.0f}{step.peak:>9.0f}"
        )
    if not all(step.reset for step in steps):
        print("(peak memory: the process's high-water mark, which could not be reset)")
    total = check.seconds + write.seconds
    print(
        f"\ncheck + write: {total:.1f} s, {args.rows / total:,.0f} rows/s; "
        f"check {check.seconds / read.seconds:.1f}× the plain read, "
        f"write {write.seconds / bare.seconds:.1f}× the bare insert"
    )
    from shanzhi.core.models import AuditEvent

    events = AuditEvent.objects.filter(action="registry.import.people").count()
    print(f"audit events of the write: {events} (one per batch)")
    print(f"Total {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
