"""The clock sweep at scale: how long ``supervision.sweep()`` takes to mark ~100,000
overdue clocks (and escalate them), against a plain UPDATE of the same rows measured in
the same run; that a second sweep as of the same instant marks nothing; and that two
sweeps run at once on fresh data share the work without marking any clock twice.

    .venv/bin/python bench/sweep.py [--cases 150000] [--keep DIR]

Builds a throw-away var dir with the demo district and ``--cases`` synthetic cases that
are all open and all past their current limit, with the sweep's work left undone
(``generate_cases(finished=0, overdue=1, swept=False)``): most of them hold one overdue
clock. Each step runs in its own ``manage.py shell`` process, as ``sweep_clocks`` would,
with a hard time limit. Target: 100,000 clocks in 10 s or less.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake import PYTHON, ROOT, machine_line, manage, server_env

TARGET_S = 10.0
TARGET_CLOCKS = 100_000
STEP_TIMEOUT_S = 600

GENERATE = """
import json
from shanzhi.demo.cases import generate_cases
print(json.dumps(generate_cases({cases}, seed=7, finished=0.0, overdue=1.0, swept=False)))
"""
# Count what is left to sweep, and how the last sweeps left the clocks.
STATE = """
import json
from datetime import datetime
from django.db.models import Count
from shanzhi.cases.models import Clock
from shanzhi.core.models import Notification
at = datetime.fromisoformat("{at}") if "{at}" else None  # overdue as of then
pending = Clock.objects.overdue(at).filter(overdue_at__isnull=True).count()
marked = Clock.objects.filter(overdue_at__isnull=False, stopped_at__isnull=True)
tokens = dict(marked.values_list("claimed_by").annotate(n=Count("pk")))
notices = Notification.objects.all()
# The same notice twice (one leader, one clock): a clock escalated twice.
twice = notices.values("recipient", "url", "body").annotate(n=Count("pk")).filter(n__gt=1)
print(json.dumps({{"pending": pending, "marked": marked.count(), "tokens": tokens,
    "notices": notices.count(), "twice": twice.count()}}))
"""
# A sweep as of now, or as of "{at}" (the instant of an earlier sweep: clocks that ran out
# since then are the next sweep's work, not a sign that a clock was left behind).
SWEEP = """
import json, time
from datetime import datetime
from django.utils import timezone
from shanzhi.cases.supervision import sweep
now = datetime.fromisoformat("{at}") if "{at}" else timezone.now()
began = time.perf_counter()
result = sweep(now=now)
result["seconds"] = time.perf_counter() - began
result["now"] = now.isoformat()
print(json.dumps(result))
"""
# The baseline: the same rows marked by one UPDATE (nothing else: no claims, no notices).
PLAIN_UPDATE = """
import json, time
from django.db import transaction
from django.utils import timezone
from shanzhi.cases.models import Clock
began = time.perf_counter()
with transaction.atomic():
    n = Clock.objects.overdue().filter(overdue_at__isnull=True).update(
        overdue_at=timezone.now(), claimed_by="plain-update")
print(json.dumps({"marked": n, "seconds": time.perf_counter() - began}))
"""
# Fresh data: the clocks unmarked again, the sweeps' notices gone.
RESET = """
import json
from django.db import transaction
from shanzhi.cases.models import Clock
from shanzhi.core.models import Notification
with transaction.atomic():
    n = Clock.objects.filter(overdue_at__isnull=False, stopped_at__isnull=True).update(
        overdue_at=None, claimed_by="", escalated_to=None)
    Notification.objects.all().delete()
print(json.dumps({"reset": n}))
"""


def run(var_dir: Path, code: str, **fmt) -> dict:
    """Run ``code`` (a template when ``fmt`` is given) in ``manage.py shell``."""
    return json.loads(
        manage(var_dir, "shell", "-c", code.format(**fmt) if fmt else code, timeout=STEP_TIMEOUT_S)
        .strip()
        .splitlines()[-1]
    )


def concurrent_sweeps(var_dir: Path, count: int) -> list[dict]:
    """``count`` sweeps started at the same moment, each in its own process."""
    processes = [
        subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", SWEEP.format(at="")],
            cwd=ROOT,
            env=server_env(var_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=STEP_TIMEOUT_S)
        if process.returncode:
            sys.exit(f"a concurrent sweep failed:\n{out}{err}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=150_000, help="open, overdue cases")
    parser.add_argument("--keep", type=Path, help="build in (and keep) this var dir")
    args = parser.parse_args()
    began = time.monotonic()
    var_dir = args.keep or Path(tempfile.mkdtemp(prefix="shanzhi-bench-sweep-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        print(f"Building {args.cases:,} open overdue cases in {var_dir}", flush=True)
        manage(var_dir, "migrate", "--noinput", "-v0")
        manage(var_dir, "seed_demo")
        made = run(var_dir, GENERATE, cases=args.cases)
        print(f"  {made['cases']:,} cases, {made['clocks']:,} clocks in {made['seconds']:.0f} s")
        load_before = machine_line()

        pending = run(var_dir, STATE, at="")["pending"]
        plain = run(var_dir, PLAIN_UPDATE)
        run(var_dir, RESET)
        began_one = datetime.now(UTC).isoformat()
        first = run(var_dir, SWEEP, at="")
        second = run(var_dir, SWEEP, at=first["now"])
        # Clocks running out while the bench runs are the next sweep's work: count what
        # was overdue when the sweep began.
        after_one = run(var_dir, STATE, at=began_one)

        run(var_dir, RESET)
        fresh = run(var_dir, STATE, at="")["pending"]
        began_two = datetime.now(UTC).isoformat()
        pair = concurrent_sweeps(var_dir, 2)
        after_two = run(var_dir, STATE, at=began_two)
        load_after = machine_line()
    finally:
        if args.keep is None:
            shutil.rmtree(var_dir, ignore_errors=True)

    rate = first["marked"] / first["seconds"] if first["seconds"] else 0.0
    plain_rate = plain["marked"] / plain["seconds"] if plain["seconds"] else 0.0
    print(f"\nBefore: {load_before}; after: {load_after}. SQLite, one process per step.")
    header = f"{'step':<38}{'clocks':>9}{'notices':>9}{'seconds':>9}{'clocks/s':>10}"
    print()
    print(header)
    print("-" * len(header))
    print(
        f"{'plain UPDATE of the same rows':<38}{plain['marked']:>9,}{'-':>9}"
        f"{plain['seconds']:>9.2f}{plain_rate:>10,.0f}"
    )
    print(
        f"{'sweep()':<38}{first['marked']:>9,}{first['notified']:>9,}"
        f"{first['seconds']:>9.2f}{rate:>10,.0f}"
    )
    print(
        f"{'sweep() again, same instant':<38}{second['marked']:>9,}{second['notified']:>9,}"
        f"{second['seconds']:>9.2f}{'':>10}"
    )
    for n, result in enumerate(pair, 1):
        print(
            f"{f'concurrent sweep {n} of 2':<38}{result['marked']:>9,}"
            f"{result['notified']:>9,}{result['seconds']:>9.2f}"
        )
    print(f"\nsweep / plain UPDATE time: {first['seconds'] / plain['seconds']:.1f}×")
    per_100k = first["seconds"] * TARGET_CLOCKS / max(first["marked"], 1)
    verdict = "met" if per_100k <= TARGET_S else "NOT met"
    print(
        f"target <= {TARGET_S:.0f} s for {TARGET_CLOCKS:,} clocks: {verdict} "
        f"({per_100k:.1f} s per {TARGET_CLOCKS:,})"
    )
    problems = []
    # Clocks that ran out while the bench ran may add a few to a sweep: at least all.
    if first["marked"] < pending or after_one["pending"]:
        problems.append(f"the sweep marked {first['marked']} of {pending} overdue clocks")
    if second["marked"]:
        problems.append(f"the second sweep marked {second['marked']}")
    total = sum(r["marked"] for r in pair)
    tokens = sorted(v for k, v in after_two["tokens"].items() if k)
    if total < fresh or sum(tokens) != total or after_two["pending"]:
        problems.append(f"two sweeps marked {total} (claims {tokens}) of {fresh}")
    if after_two["twice"] or after_two["notices"] != sum(r["notified"] for r in pair):
        problems.append(f"{after_two['twice']} notices sent twice")
    print(
        f"idempotent: the second sweep marked {second['marked']}; concurrent: "
        f"{' + '.join(str(r['marked']) for r in pair)} = {total} of {fresh} "
        f"(claimed per sweep: {tokens}), {after_two['notices']:,} notices, none twice: "
        + ("no clock marked twice" if not problems else "PROBLEMS: " + "; ".join(problems))
    )
    print(f"\nTotal {time.monotonic() - began:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
