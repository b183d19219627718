"""Work-queue pages at scale: p50/p95 of /cases/?queue=… for several personas over a
database of the demo district with a million synthetic cases, against a trivial page
measured in the same run.

    .venv/bin/python bench/queues.py [--cases 1000000] [--reuse DIR] [--requests 20]
        [--database-url postgres://postgres@127.0.0.1:5432/shanzhi_bench]

Builds a var dir with the demo district and ``--cases`` synthetic cases (``seed_demo
--cases``; a million take a few minutes), or reuses ``--reuse DIR`` (kept afterwards;
cases are added when it holds fewer than ``--cases``). The database is SQLite in the var
dir, or the PostgreSQL database ``--database-url`` names (create it first: ``createdb
shanzhi_bench``); it is kept, and reused like the var dir. Then starts the platform as ``make
run`` serves it and, signed in as the dispatcher (a street), the department handler (the
city-management bureau), the community worker and the leader (the whole district),
requests every work queue — dispatch, accept, progress, overdue, near, all — on page 1,
with filters (kind, category class, urgency) and on a deep page (50: cases 1,471-1,500).
Each page is requested ``--requests`` times by ``--clients`` keep-alive clients after one
warm-up request; the baseline page (/grids/?page=1, the public grid roster) is measured
between the personas, so background load hits it alike. Target: p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import intake
from intake import Client, Result, Server, django_json, machine_line, manage, run_clients

TARGET_P95_MS = 150.0
PERSONAS = ["dispatcher", "department", "community", "leader"]
QUEUES = ["dispatch", "accept", "progress", "overdue", "near", "all"]
VARIANTS = {
    "page 1": "",
    "filtered": "&procedure=service_request&category=20&urgency=normal",
    "deep page": "&page=50",
}
BASELINE = "/grids/?page=1"
PAGE_CAP_S = 60.0  # per page, whatever --requests says
COUNT_CODE = (
    "import json\nfrom shanzhi.cases.models import Case, Clock\n"
    "print(json.dumps({'cases': Case.objects.count(), 'clocks': Clock.objects.count(),"
    " 'running': Clock.objects.running().count(), 'overdue': Clock.objects.overdue().count()}))"
)


DATABASE_URL = ""  # SQLite in the var dir unless set
ANALYZE_CODE = (
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n    cursor.execute('VACUUM ANALYZE')\nprint('{}')"
)


def use_database(url: str) -> None:
    """Run ``manage.py`` and the server against ``url`` instead of the var dir's SQLite."""
    global DATABASE_URL
    DATABASE_URL = url
    plain = intake.server_env

    def server_env(var_dir: Path, port: int | None = None) -> dict[str, str]:
        return {**plain(var_dir, port), "DATABASE_URL": url}

    intake.server_env = server_env


def prepare(var_dir: Path, cases: int) -> dict:
    if not DATABASE_URL and not (var_dir / "shanzhi.sqlite3").exists():
        print(f"Building the demo district in {var_dir}", flush=True)
    manage(var_dir, "migrate", "--noinput", "-v0")
    manage(var_dir, "seed_demo")
    counts = django_json(var_dir, COUNT_CODE)
    missing = cases - counts["cases"]
    if missing > 0:
        print(f"Adding {missing:,} synthetic cases (seed_demo --cases) …", flush=True)
        began = time.monotonic()
        out = manage(var_dir, "seed_demo", "--cases", str(missing), "--seed", str(counts["cases"]))
        print(f"  {out.strip().splitlines()[-1]}  [{time.monotonic() - began:.0f} s]", flush=True)
        counts = django_json(var_dir, COUNT_CODE)
    if DATABASE_URL:
        # The planner's statistics and the visibility map (index-only reads), as
        # autovacuum keeps them in production; a fresh bulk load has neither yet.
        django_json(var_dir, ANALYZE_CODE)
    return counts


def measure(clients: list[Client], path: str, requests: int) -> Result:
    """One warm-up request per client, then ``requests`` in all (or PAGE_CAP_S)."""

    def get(client: Client, _n: int):
        status, _body = client.request("GET", path)
        return status == 200, f"HTTP {status} for {path}"

    run_clients(clients, get, PAGE_CAP_S, len(clients))
    return run_clients(clients, get, PAGE_CAP_S, requests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--reuse", type=Path, help="var dir to build once and reuse")
    parser.add_argument("--requests", type=int, default=20, help="per page and persona")
    parser.add_argument("--clients", type=int, default=1, help="concurrent keep-alive clients")
    parser.add_argument("--persona", action="append", dest="personas", choices=PERSONAS)
    parser.add_argument("--queue", action="append", dest="queues", choices=QUEUES)
    parser.add_argument("--database-url", help="a PostgreSQL database instead of SQLite")
    args = parser.parse_args()
    if args.database_url:
        use_database(args.database_url)
    database = "PostgreSQL" if args.database_url else "SQLite"
    personas, queues = args.personas or PERSONAS, args.queues or QUEUES
    began = time.monotonic()
    var_dir = args.reuse or Path(tempfile.mkdtemp(prefix="shanzhi-bench-queues-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str, Result]] = []
    baseline = Result()
    try:
        counts = prepare(var_dir, args.cases)
        print(
            f"Database: {counts['cases']:,} cases, {counts['clocks']:,} clocks "
            f"({counts['running']:,} running, {counts['overdue']:,} overdue)",
            flush=True,
        )
        with Server(var_dir, var_dir / "bench-queues-server.log") as server:
            load_before = machine_line()
            for persona in personas:
                clients = [Client(server.port) for _ in range(args.clients)]
                for client in clients:
                    client.sign_in(persona)
                baseline.add(measure(clients, BASELINE, args.requests))
                for queue in queues:
                    for variant, extra in VARIANTS.items():
                        path = f"/cases/?queue={queue}{extra}"
                        result = measure(clients, path, args.requests)
                        rows.append((persona, queue, variant, result))
                        print(
                            f"  {persona:<11}{queue:<9}{variant:<10} p50 "
                            f"{result.percentile(50):7.1f} ms  p95 {result.percentile(95):7.1f} ms"
                            + (
                                f"  {result.errors} errors: {result.first_error}"
                                if result.errors
                                else ""
                            ),
                            flush=True,
                        )
                for client in clients:
                    client.close()
            load_after = machine_line()
    finally:
        if args.reuse is None:
            shutil.rmtree(var_dir, ignore_errors=True)

    base95 = baseline.percentile(95)
    print(
        f"\n{args.clients} keep-alive client(s), {args.requests} requests per page after a "
        f"warm-up; server `make serve` (granian, one worker per core), {database}.\n"
        f"Before: {load_before}; after: {load_after}."
    )
    header = (
        f"{'persona':<12}{'queue':<10}{'variant':<11}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'max ms':>8}{'p95×base':>9}{'errors':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    print(
        f"{'baseline':<12}{'/grids/':<10}{'page 1':<11}{baseline.percentile(50):>8.1f}"
        f"{base95:>8.1f}{baseline.percentile(100):>8.1f}{1:>8.1f}×{baseline.errors:>7}"
    )
    over = []
    for persona, queue, variant, r in rows:
        p95 = r.percentile(95)
        if p95 > TARGET_P95_MS or r.errors:
            over.append(f"{persona} {queue} {variant}")
        print(
            f"{persona:<12}{queue:<10}{variant:<11}{r.percentile(50):>8.1f}{p95:>8.1f}"
            f"{r.percentile(100):>8.1f}{p95 / base95:>8.1f}×{r.errors:>7}"
        )
    worst = max(rows, key=lambda row: row[3].percentile(95))
    print(
        f"\nworst p95: {worst[3].percentile(95):.0f} ms ({worst[0]} {worst[1]} {worst[2]}); "
        f"target p95 <= {TARGET_P95_MS:.0f} ms at {counts['cases']:,} cases: "
        + (
            "met on every page"
            if not over
            else f"NOT met on {len(over)} of {len(rows)}: {', '.join(over)}"
        )
    )
    print(f"\nTotal {time.monotonic() - began:.0f} s")
    return 1 if any(r.errors for *_x, r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
