"""Registry summary pages at scale: the time to make the population-and-housing page of a
community, a street and the district over a registry of a million synthetic people,
against a plain count of the community's current people measured in the same run.

    .venv/bin/python bench/registry_summary.py [--people 1000000] [--reuse DIR]
        [--repeat 5] [--database-url postgres://postgres@127.0.0.1:5432/shanzhi_bench]

Builds a var dir with the demo district and its registry (``seed_demo``) and adds
synthetic people until the district holds ``--people`` (``seed_demo --people``; a million
take about five minutes), or reuses ``--reuse DIR`` (kept afterwards). The database is
SQLite in the var dir, or the PostgreSQL database ``--database-url`` names (create it
first). Then, in this process, signed in as the community worker, the street worker and
the leader, requests each page ``--repeat`` times after one warm-up (today, and a day a
year ago as known now) and prints the median and the slowest time of each, and their
ratio to the baseline. Each page runs about ten grouped queries over the area's rows.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMUNITY, STREET, DISTRICT = "990101001001", "990101001", "990101"


def setup(var_dir: Path, database_url: str) -> None:
    os.environ.update(
        SHANZHI_VAR_DIR=str(var_dir),
        SHANZHI_DEMO="1",
        SHANZHI_PLAIN_HTTP="1",
        DJANGO_SETTINGS_MODULE="shanzhi.settings",
        SHANZHI_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(people: int) -> int:
    from django.core.management import call_command
    from django.db import connection

    from shanzhi.demo.registry_data import generate_people
    from shanzhi.org.models import Region
    from shanzhi.registry.models import Person

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    district = Region.objects.get(code=DISTRICT)
    have = Person.objects.filter(path__startswith=district.path).count()
    if people > have:
        print(f"Adding {people - have:,} synthetic people (seed_demo --people) …", flush=True)
        counts = generate_people(people - have, seed=have)
        print(f"  done in {counts.seconds:.0f} s ({counts.people / counts.seconds:,.0f}/s)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    return Person.objects.filter(path__startswith=district.path).count()


def timed(action, repeat: int) -> tuple[float, float]:
    action()  # warm-up
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--reuse", help="var dir to build in and keep")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    var_dir = Path(args.reuse or tempfile.mkdtemp(prefix="shanzhi-summary-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    setup(var_dir, args.database_url)

    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from shanzhi.core.models import User
    from shanzhi.org.models import Region
    from shanzhi.registry.models import PersonRecord
    from shanzhi.registry.summary.queries import under

    total = prepare(args.people)
    community = Region.objects.get(code=COMMUNITY)
    in_community = PersonRecord.objects.current().filter(under("path", community)).count()
    print(
        f"{connection.vendor}: {total:,} people in the district, {in_community:,} "
        f"in community {COMMUNITY}; median and slowest of {args.repeat} (ms)"
    )

    def baseline():
        PersonRecord.objects.current().filter(under("path", community)).count()

    base, base_max = timed(baseline, args.repeat)
    print(f"  {'baseline: count of the community':<44} {base:8.1f} {base_max:8.1f}     1.0×")
    year_ago = (timezone.localdate() - timedelta(days=365)).isoformat()
    clients = {}
    for username in ("community", "streetstaff", "leader"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(
            User.objects.get(username=username),
            backend="shanzhi.core.auth.UsernameOrPhoneBackend",
        )
        clients[username] = client
    pages = [
        ("community page, today", "community", COMMUNITY, {}),
        ("community page, a year ago", "community", COMMUNITY, {"on": year_ago}),
        ("street page, today", "streetstaff", STREET, {}),
        ("district page, today", "leader", DISTRICT, {}),
    ]
    for label, username, code, query in pages:
        path = reverse("registry:summary_area", args=[code])

        def request(client=clients[username], path=path, query=query):
            response = client.get(path, query)
            assert response.status_code == 200, response.status_code

        median, slowest = timed(request, args.repeat)
        print(f"  {label:<44} {median:8.1f} {slowest:8.1f} {median / base:8.1f}×")
    if not args.reuse:
        print(f"(var dir kept for --reuse: {var_dir})")


if __name__ == "__main__":
    main()
