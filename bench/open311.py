"""Open311 intake over HTTP against the real server, side by side with the JSON API's:
POST /open311/v2/requests.json against POST /api/v1/cases, the same cases, the same
server, the same run.

    .venv/bin/python bench/open311.py [--duration 20] [--clients 4] [--rounds 4]

Starts the platform as ``make run`` serves it (``bench/intake.py``'s ``Server``: the
task worker and granian, one worker per core, SQLite in a throw-away var dir, on a free
loopback port) and creates one integration with ``cases:write`` (``manage.py
create_integration``). Every client thread keeps its own connection open; the two
endpoints take turns in short slices, so background load on the machine hits both alike:

- Open311: a form-encoded GeoReport request with ``api_key``, a service code, lat/long
  inside a demo grid, an address, the requester's names and phone, a description;
- JSON API (baseline): the same case as JSON with ``Authorization: Bearer``.

Both end in the engine's ``do_create_case`` (locate → route → clocks → save → audit →
notifications); the difference is the interface: form parsing and checks, the answer's
rendering. Every request is bounded (``--duration`` and at most 20,000 per endpoint and
slice). At the end every 201 must have left exactly one case and ``manage.py
verify_audit`` must pass. The load generator shares the machine's cores with the server:
read the ratio.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake import (
    ISSUES,
    PLACES,
    Client,
    Server,
    django_json,
    machine_line,
    manage,
    measure,
    print_results,
)

FIXTURE_CODE = """
import json, random
import shapely
from shanzhi.lib import geo
from shanzhi.duties.models import MatterCategory
from shanzhi.org.models import Region
rng = random.Random(1)
codes = list(MatterCategory.objects.filter(is_active=True, parent__isnull=False,
    redirect="").values_list("code", flat=True))
points = []
for geometry in Region.objects.filter(level="grid", code__startswith="990101")\\
        .values_list("geometry", flat=True):
    shape = geo.parse_polygon(geometry)
    minx, miny, maxx, maxy = shape.bounds
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shape.contains(shapely.Point(x, y)):
            points.append([round(x, 7), round(y, 7)])
            break
print(json.dumps({"codes": codes, "points": points}))
"""
COUNT_CODE = """
import json
from shanzhi.cases.models import Case
print(json.dumps({"web": Case.objects.filter(channel="web").count(),
    "mobile": Case.objects.filter(channel="mobile").count()}))
"""


class MachineClient(Client):
    """A keep-alive connection that sends its own headers (no session, no CSRF)."""

    def send(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        for attempt in (1, 2):  # a kept-alive connection the server closed: retry once
            try:
                self.connection.request("POST", path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.connection.close()
                if attempt == 2:
                    raise
        if response.will_close:
            self.connection.close()
        return response.status, data


def case_content(fixture: dict, n: int) -> dict:
    rng = random.Random(n)
    lon, lat = rng.choice(fixture["points"])
    place, issue = rng.choice(PLACES), rng.choice(ISSUES)
    return {
        "code": rng.choice(fixture["codes"]),
        "lon": lon,
        "lat": lat,
        "address": f"示范区{place}",
        "description": f"{place}附近{issue}，请尽快处理。（压测合成数据）",
        "phone": f"000-6{n % 10**7:07d}",
    }


def open311_body(token: str, content: dict) -> bytes:
    return urlencode(
        {
            "api_key": token,
            "service_code": content["code"],
            "lat": content["lat"],
            "long": content["lon"],
            "address_string": content["address"],
            "first_name": "测试",
            "last_name": "压",
            "phone": content["phone"],
            "description": content["description"],
        }
    ).encode()


def api_body(content: dict) -> bytes:
    return json.dumps(
        {
            "channel": "mobile",  # told apart from the Open311 cases (web) when counting
            "title": content["description"][:40],
            "description": content["description"],
            "category": content["code"],
            "lon": content["lon"],
            "lat": content["lat"],
            "address": content["address"],
            "requester_name": "压测试",
            "requester_phone": content["phone"],
        },
        ensure_ascii=False,
    ).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per endpoint")
    parser.add_argument("--rounds", type=int, default=4, help="slices the duration is cut in")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds per endpoint")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--keep", action="store_true", help="keep the var dir afterwards")
    args = parser.parse_args()
    began = time.monotonic()
    var_dir = Path(tempfile.mkdtemp(prefix="shanzhi-bench-open311-"))
    try:
        print(f"Starting `make serve` in {var_dir}", flush=True)
        with Server(var_dir, var_dir / "server.log") as server:
            print(f"  serving on 127.0.0.1:{server.port} ({time.monotonic() - began:.0f} s)")
            fixture = django_json(var_dir, FIXTURE_CODE)
            token = manage(
                var_dir,
                "create_integration",
                "压测系统",
                "--unit",
                "990101",
                "--scopes",
                "cases:write",
                "--rate-limit",
                "100000",
            ).strip()
            clients = [MachineClient(server.port) for _ in range(args.clients)]
            form_headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
            json_headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

            def open311(client: MachineClient, n: int):
                body = open311_body(token, case_content(fixture, n))
                status, data = client.send("/open311/v2/requests.json", body, form_headers)
                return status == 201, f"open311: HTTP {status} {data[:200]!r}"

            def api(client: MachineClient, n: int):
                body = api_body(case_content(fixture, n))
                status, data = client.send("/api/v1/cases", body, json_headers)
                return status == 201, f"api: HTTP {status} {data[:200]!r}"

            endpoints = {"open311": open311, "api": api}
            run = measure(var_dir, clients, endpoints, args, COUNT_CODE)
        load_after = machine_line()
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)

    results, audit = run["results"], run["audit"]
    counts_before, counts_after = run["counts_before"], run["counts_after"]
    load_before = run["load_before"]
    open311_r, api_r = results["open311"], results["api"]
    print(
        f"\n{args.clients} keep-alive clients, one integration, {args.duration:g} s per "
        f"endpoint in {args.rounds} interleaved slices; server: `make serve` (granian, one "
        f"worker per core) on SQLite.\nBefore: {load_before}; after: {load_after}."
    )
    print_results(
        [
            ("JSON API POST /api/v1/cases (baseline)", api_r),
            ("Open311 POST /open311/v2/requests", open311_r),
        ]
    )
    ratio = open311_r.rate / api_r.rate if api_r.rate else math.nan
    p50_ratio = open311_r.percentile(50) / api_r.percentile(50)
    print(f"\nOpen311 / JSON API throughput: {ratio:.2f}×   p50: {p50_ratio:.2f}× the API's")

    new_open311 = counts_after["web"] - counts_before["web"]
    new_api = counts_after["mobile"] - counts_before["mobile"]
    lost = new_open311 != open311_r.ok or new_api != api_r.ok
    print(
        f"cases registered: Open311 {new_open311} for {open311_r.ok} answers 201, JSON API "
        f"{new_api} for {api_r.ok}: {'MISMATCH' if lost else 'nothing lost'}"
    )
    print(f"verify_audit: {audit}")
    print(f"\nTotal {time.monotonic() - began:.0f} s")
    return 1 if lost or open311_r.errors or api_r.errors else 0


if __name__ == "__main__":
    sys.exit(main())
