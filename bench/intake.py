"""Full case intake over HTTP against the real server, side by side with a bare view that
writes one row: how much of the server's write capacity the intake keeps.

    .venv/bin/python bench/intake.py [--duration 20] [--clients 4] [--rounds 4]

Starts the platform exactly as ``make run`` serves it (``make serve``: migrate,
collectstatic, seed_demo, then the task worker and granian) in a throw-away var dir on a
free loopback port, with SHANZHI_BENCH=1 for the baseline view. Every client thread signs
in as the demo dispatcher on its own keep-alive connection (its own session and CSRF
token), then the two endpoints take turns in short slices (so background load on the
machine hits both alike):

- intake: POST /cases/new/, the staff intake form (a service request by phone with a
  category, a point inside a demo grid and a requester): validate → locate the grid →
  route → start the clocks → save → audit (hash chain) → queue the notifications, in one
  transaction, answered by a redirect to the new case;
- bare: POST /bench/bare-insert/, the same middleware, session, CSRF check and sign-in,
  then one INSERT (a notification row), answered 201.

At the end every successful intake must have left exactly one case (nothing lost), every
bare request one row, and ``manage.py verify_audit`` must pass on the server's database.
The load generator shares the machine's cores with the server: read the ratio.

``Server``, ``Client`` and ``Result`` are shared with ``bench/queues.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
DEMO_PASSWORD = "Shanzhi-demo-2026"
START_TIMEOUT_S = 600  # migrate + collectstatic + seed_demo on a fresh or a large database
MAX_REQUESTS = 20_000  # per endpoint and slice, whatever the duration
TARGET_RATIO = 0.3


# --- Shared: the server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(var_dir: Path, port: int | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "SHANZHI_VAR_DIR": str(var_dir),
        "SHANZHI_DEMO": "1",
        "SHANZHI_PLAIN_HTTP": "1",
        "SHANZHI_BENCH": "1",
        "SHANZHI_HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    if port is not None:
        env["SHANZHI_PORT"] = str(port)
    for name in (
        "DATABASE_URL",
        "SHANZHI_SQLITE_PATH",
        "SHANZHI_DEBUG",
        "SHANZHI_STATICFILES_STORAGE",
        "MAKEFLAGS",
        "MFLAGS",
    ):
        env.pop(name, None)
    return env


def manage(var_dir: Path, *args: str, timeout: float = 3600) -> str:
    """Run ``manage.py`` against the bench's var dir; its output, or exit on failure."""
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=server_env(var_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)[:80]} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def django_json(var_dir: Path, code: str):
    """Evaluate Python in ``manage.py shell`` against the bench's database; it must print
    one JSON document as its last line."""
    return json.loads(manage(var_dir, "shell", "-c", code).strip().splitlines()[-1])


class Server:
    """``make serve`` on a free loopback port in its own process group."""

    def __init__(self, var_dir: Path, log: Path):
        self.var_dir, self.log = var_dir, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", "serve"],
                cwd=ROOT,
                env=server_env(self.var_dir, self.port),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/")
                if connection.getresponse().status == 200:
                    return self
            time.sleep(0.5)
        self.stop()
        sys.exit(f"`make serve` did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """SIGTERM the whole process group, then SIGKILL whatever is left of it."""
        if self.process is None:
            return
        pgid = self.process.pid
        for sig, grace_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + grace_s
            while time.monotonic() < deadline:
                self.process.poll()
                try:
                    os.killpg(pgid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.2)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.process = None


# --- Shared: a signed-in browser-like client -------------------------------------------


class Client:
    """One keep-alive connection with its own cookies (session, CSRF token)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def close(self) -> None:
        self.connection.close()

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            token = self.cookies.get("csrftoken", "")
            body = urlencode({**form, "csrfmiddlewaretoken": token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = token
        for attempt in (1, 2):  # a kept-alive connection the server closed: retry once
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.connection.close()
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.connection.close()
        self.last_location = response.headers.get("Location", "")
        return response.status, data

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.request("GET", "/accounts/login/")
        status, _body = self.request(
            "POST", "/accounts/login/", {"username": username, "password": password}
        )
        if status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"could not sign in as {username} (HTTP {status})")


@dataclass
class Result:
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    first_error: str = ""

    def add(self, other: Result) -> None:
        self.ok += other.ok
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.first_error = self.first_error or other.first_error

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Milliseconds."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def run_clients(clients: list[Client], one_request, duration: float, cap: int) -> Result:
    """Every client sends ``one_request(client, n)`` (→ success?) until ``duration`` seconds
    or ``cap`` requests in all have gone."""
    result = Result()
    lock = threading.Lock()
    budget = iter(range(cap))  # next() on a shared iterator is atomic under the GIL
    stop_at = time.monotonic() + duration

    def work(client: Client) -> None:
        latencies, ok, errors, first_error = [], 0, 0, ""
        while time.monotonic() < stop_at and (n := next(budget, None)) is not None:
            began = time.perf_counter()
            try:
                success, detail = one_request(client, n)
            except (OSError, http.client.HTTPException) as exc:
                success, detail = False, repr(exc)
            latencies.append(time.perf_counter() - began)
            ok += success
            errors += not success
            if not success:
                first_error = first_error or detail
        with lock:
            result.latencies.extend(latencies)
            result.ok += ok
            result.errors += errors
            result.first_error = result.first_error or first_error

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    return result


def warm_up(clients: list[Client], endpoints: dict, seconds: float) -> None:
    for one_request in endpoints.values():
        run_clients(clients, one_request, seconds, MAX_REQUESTS)


def interleave(clients: list[Client], endpoints: dict, duration: float, rounds: int) -> dict:
    """Each endpoint for ``duration`` seconds in all, cut in ``rounds`` slices taken in
    turns (the order flips each round), so that background load hits them alike."""
    results = {name: Result() for name in endpoints}
    names = list(endpoints)
    for n in range(rounds):
        for name in names[n % 2 :] + names[: n % 2]:
            part = run_clients(clients, endpoints[name], duration / rounds, MAX_REQUESTS)
            results[name].add(part)
    return results


def measure(var_dir: Path, clients: list, endpoints: dict, args, count_code: str) -> dict:
    """Warm up, count the rows, run the interleaved slices, close the clients, count
    again and verify the audit chain: what the side-by-side benchmarks all do."""
    warm_up(clients, endpoints, args.warmup)
    run = {"counts_before": django_json(var_dir, count_code), "load_before": machine_line()}
    run["results"] = interleave(clients, endpoints, args.duration, args.rounds)
    for client in clients:
        client.close()
    run["counts_after"] = django_json(var_dir, count_code)
    run["audit"] = manage(var_dir, "verify_audit").strip()
    return run


def print_results(rows: list[tuple[str, Result]]) -> None:
    width = max(34, *(len(label) + 2 for label, _r in rows))
    header = f"{'endpoint':<{width}}" + "".join(
        f"{name:>{w}}" for name, w in (("requests", 9), ("req/s", 9), ("p50 ms", 9), ("p99 ms", 9))
    )
    header += f"{'errors':>8}"
    print()
    print(header)
    print("-" * len(header))
    for label, r in rows:
        print(
            f"{label:<{width}}{r.ok + r.errors:>9}{r.rate:>9.1f}{r.percentile(50):>9.1f}"
            f"{r.percentile(99):>9.1f}{r.errors:>8}"
        )
        if r.first_error:
            print(f"  first error: {r.first_error}")


def machine_line() -> str:
    return f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"


# --- The intake benchmark --------------------------------------------------------------

FIXTURE_CODE = """
import json, random
import shapely
from shanzhi.lib import geo
from shanzhi.duties.models import MatterCategory
from shanzhi.org.models import Region
rng = random.Random(1)
categories = list(MatterCategory.objects.filter(is_active=True, parent__isnull=False,
    kind="request", redirect="").values_list("pk", flat=True))
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
print(json.dumps({"categories": categories, "points": points}))
"""
COUNT_CODE = """
import json
from shanzhi.cases.models import Case
from shanzhi.core.models import Notification
print(json.dumps({"cases": Case.objects.count(),
    "bare": Notification.objects.filter(subject="bench: bare insert").count()}))
"""
PLACES = ["3号楼", "小区南门", "沿街商铺门前", "公交站旁", "农贸市场附近"]
ISSUES = ["停水", "路灯不亮", "垃圾清运不及时", "噪声扰民", "井盖破损"]


def intake_form(fixture: dict, n: int) -> dict:
    rng = random.Random(n)
    lon, lat = rng.choice(fixture["points"])
    place, issue = rng.choice(PLACES), rng.choice(ISSUES)
    return {
        "procedure": "service_request",
        "category": rng.choice(fixture["categories"]),
        "urgency": "normal",
        "kind": "",
        "channel": "phone",
        "title": f"{place}{issue}（压测示例）",
        "description": f"来电人反映：{place}附近{issue}，请尽快处理。（压测合成数据）",
        "address": f"示范区{place}",
        "lon": lon,
        "lat": lat,
        "requester_name": "压测来电人",
        "requester_phone": f"000-6{n % 10**7:07d}",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per endpoint")
    parser.add_argument("--rounds", type=int, default=4, help="slices the duration is cut in")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds per endpoint")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--keep", action="store_true", help="keep the var dir afterwards")
    args = parser.parse_args()
    began = time.monotonic()
    var_dir = Path(tempfile.mkdtemp(prefix="shanzhi-bench-intake-"))
    try:
        print(f"Starting `make serve` in {var_dir}", flush=True)
        with Server(var_dir, var_dir / "server.log") as server:
            print(f"  serving on 127.0.0.1:{server.port} ({time.monotonic() - began:.0f} s)")
            fixture = django_json(var_dir, FIXTURE_CODE)
            clients = [Client(server.port) for _ in range(args.clients)]
            for client in clients:
                client.sign_in("dispatcher")

            def intake(client: Client, n: int):
                status, _body = client.request("POST", "/cases/new/", intake_form(fixture, n))
                ok = status == 302 and client.last_location.startswith("/cases/")
                return ok, f"intake: HTTP {status} {client.last_location}"

            def bare(client: Client, _n: int):
                status, _body = client.request("POST", "/bench/bare-insert/", {})
                return status == 201, f"bare: HTTP {status}"

            endpoints = {"intake": intake, "bare": bare}
            run = measure(var_dir, clients, endpoints, args, COUNT_CODE)
        load_after = machine_line()
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)

    results, audit = run["results"], run["audit"]
    counts_before, counts_after = run["counts_before"], run["counts_after"]
    load_before = run["load_before"]
    intake_r, bare_r = results["intake"], results["bare"]
    print(
        f"\n{args.clients} keep-alive clients signed in as the demo dispatcher, "
        f"{args.duration:g} s per endpoint in {args.rounds} interleaved slices; server: "
        f"`make serve` (granian, one worker per core) on SQLite.\n"
        f"Before: {load_before}; after: {load_after}."
    )
    print_results([("bare insert (baseline)", bare_r), ("full intake /cases/new/", intake_r)])
    ratio = intake_r.rate / bare_r.rate if bare_r.rate else math.nan
    p99_ratio = intake_r.percentile(99) / bare_r.percentile(99)
    print(f"\nintake / bare throughput: {ratio:.2f}×   p99: {p99_ratio:.1f}× the bare view's")
    verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"target >= {TARGET_RATIO}× the bare view: {verdict}")

    new_cases = counts_after["cases"] - counts_before["cases"]
    new_bare = counts_after["bare"] - counts_before["bare"]
    lost = new_cases != intake_r.ok or new_bare != bare_r.ok
    print(
        f"cases created {new_cases} for {intake_r.ok} successful intakes; bare rows "
        f"{new_bare} for {bare_r.ok}: {'MISMATCH' if lost else 'nothing lost'}"
    )
    print(f"verify_audit: {audit}")
    print(f"\nTotal {time.monotonic() - began:.0f} s")
    return 1 if lost or intake_r.errors or bare_r.errors else 0


if __name__ == "__main__":
    sys.exit(main())
