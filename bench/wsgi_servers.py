"""Measure and pick a WSGI server for Shanzhi: granian (WSGI interface, as bin/serve runs
it) against gunicorn with sync workers (the baseline) and with gthread workers.

The demo district is loaded into a throw-away var dir; every server runs there on its own
free loopback port with 2 workers (one per core of the reference machine). Per URL each is
warmed up, then the servers take turns in short slices (so background load on the machine
hits them alike) under load from this script: N client threads, each on its own
http.client keep-alive connection (re-opened whenever the server closes it, as gunicorn's
sync workers do after every response), for a fixed time per server and URL with a hard
cap on the number of requests.

    .venv/bin/python bench/wsgi_servers.py [--duration 8] [--clients 8] [--url /grids/ ...]

The load generator shares the machine's cores with the server, so the absolute numbers
are low; the ratios between servers are what to read.
"""

import argparse
import contextlib
import http.client
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.chdir(ROOT)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
WORKERS = 2
THREADS = 4
APP = "shanzhi.wsgi:application"
BASELINE = "gunicorn-sync"
SHIPPED = "granian"  # what bin/serve runs
NOISE = 0.10  # throughput differences smaller than this are not a reason to switch
DEFAULT_URLS = ["/grids/", "/static/shanzhi/site.css"]
MAX_REQUESTS = 60_000  # per server × URL, whatever the duration


def _servers(port: int) -> dict[str, list[str]]:
    """The configurations measured, by name."""
    gunicorn = [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}"]
    gunicorn += ["--workers", str(WORKERS), "--log-level", "warning"]
    gthread = ["--worker-class", "gthread", "--threads", str(THREADS), "--keep-alive", "5"]
    granian = [str(VENV_BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1"]
    granian += ["--port", str(port), "--workers", str(WORKERS), "--no-access-log"]
    granian += ["--log-level", "warning"]
    return {
        "gunicorn-sync": [*gunicorn, "--worker-class", "sync", APP],
        "gunicorn-gthread": [*gunicorn, *gthread, APP],
        # As bin/serve runs it (SHANZHI_WEB_THREADS defaults to 4) …
        "granian": [*granian, "--blocking-threads", str(THREADS), APP],
        # … and with one thread per worker, like gunicorn's sync workers.
        "granian-1thread": [*granian, "--blocking-threads", "1", APP],
    }


# --- Set-up ----------------------------------------------------------------------------


def _env(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "SHANZHI_VAR_DIR": str(var_dir),
        "SHANZHI_DEMO": "1",
        "SHANZHI_PLAIN_HTTP": "1",
        "PYTHONUNBUFFERED": "1",
    }
    for name in (
        "DATABASE_URL",
        "SHANZHI_SQLITE_PATH",
        "SHANZHI_DEBUG",
        "SHANZHI_STATICFILES_STORAGE",
    ):
        env.pop(name, None)
    return env


def prepare(var_dir: Path, env: dict[str, str]) -> None:
    for step in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["seed_demo"],
    ):
        started = time.monotonic()
        done = subprocess.run(
            [PYTHON, "manage.py", *step], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            sys.exit(f"manage.py {' '.join(step)} failed:\n{done.stdout}{done.stderr}")
        print(f"  manage.py {step[0]:<13} {time.monotonic() - started:5.1f} s", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 5) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def start(command: list[str], env: dict[str, str], log: Path, port: int) -> subprocess.Popen:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with contextlib.suppress(OSError, http.client.HTTPException):
            if get(port, "/", timeout=2) == 200:
                return process
        time.sleep(0.2)
    stop(process)
    sys.exit(f"{command[0]} did not start:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    for sig, grace_s in ((signal.SIGTERM, 8), (signal.SIGKILL, 3)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace_s)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


# --- Load ------------------------------------------------------------------------------


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    first_error: str = ""

    def add(self, other: "Result") -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.first_error = self.first_error or other.first_error

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def load(port: int, path: str, clients: int, duration: float, cap: int) -> Result:
    """``clients`` threads request ``path`` until ``duration`` seconds or ``cap`` requests."""
    result = Result()
    lock = threading.Lock()
    budget = iter(range(cap))  # next() on a shared iterator is atomic under the GIL
    stop_at = time.monotonic() + duration

    def client() -> None:
        latencies, errors, first_error = [], 0, ""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at and next(budget, None) is not None:
            began = time.perf_counter()
            for attempt in (1, 2):  # a kept-alive connection the server closed: retry once
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    if response.will_close:
                        connection.close()
                    ok = response.status == 200
                    if not ok:
                        first_error = first_error or f"HTTP {response.status}"
                    break
                except (OSError, http.client.HTTPException) as exc:
                    connection.close()
                    if attempt == 2:
                        ok, first_error = False, first_error or repr(exc)
            latencies.append(time.perf_counter() - began)
            errors += not ok
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            result.first_error = result.first_error or first_error

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    result.requests = len(result.latencies)
    return result


# --- Report ----------------------------------------------------------------------------


def report(results: dict[tuple[str, str], Result], servers: list[str], urls: list[str]) -> None:
    header = (
        f"{'server':<17} {'url':<26} {'req/s':>8} {'×base':>6} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'p99×base':>8} {'errors':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    for url in urls:
        base = results.get((BASELINE, url))
        for name in servers:
            r = results[(name, url)]
            rate_x = r.rate / base.rate if base and base.rate else math.nan
            p99_x = r.percentile(99) / base.percentile(99) if base and base.latencies else math.nan
            print(
                f"{name:<17} {url:<26} {r.rate:8.0f} {rate_x:6.2f} {r.percentile(50):8.1f} "
                f"{r.percentile(99):8.1f} {p99_x:8.2f} {r.errors:7d}"
            )
            if r.first_error:
                print(f"{'':<17} first error: {r.first_error}")
        print()
    # Pick: no errors, then the best geometric mean of the throughput ratios.
    scores = {}
    for name in servers:
        runs = [(results[(name, u)], results.get((BASELINE, u))) for u in urls]
        if any(r.errors for r, _ in runs) or not all(b and b.rate for _, b in runs):
            continue
        scores[name] = math.exp(sum(math.log(r.rate / b.rate) for r, b in runs) / len(runs))
    if scores:
        best = max(scores, key=scores.get)
        ranked = ", ".join(f"{n} {s:.2f}" for n, s in sorted(scores.items(), key=lambda i: -i[1]))
        print(f"Throughput vs {BASELINE} (geometric mean over the URLs): {ranked}")
        if best != SHIPPED and scores.get(SHIPPED, 0) >= (1 - NOISE) * scores[best]:
            print(
                f"Pick: {SHIPPED} (as bin/serve runs it): {best} is ahead by less than "
                f"{NOISE:.0%}, within the noise of a shared machine."
            )
        else:
            print(f"Pick: {best}")
    else:
        print(f"No pick: every server had errors, or {BASELINE} (the baseline) did not run.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of load per URL")
    parser.add_argument("--rounds", type=int, default=4, help="slices the duration is cut in")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up per URL")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--url", action="append", dest="urls", help="path to load (repeatable)")
    parser.add_argument(
        "--server", action="append", dest="servers", help="only these configurations (repeatable)"
    )
    args = parser.parse_args()
    urls = args.urls or DEFAULT_URLS
    names = args.servers or [BASELINE, "gunicorn-gthread", "granian", "granian-1thread"]
    slice_s, slice_cap = args.duration / args.rounds, MAX_REQUESTS // args.rounds

    began = time.monotonic()
    var_dir = Path(tempfile.mkdtemp(prefix="shanzhi-bench-"))
    env = _env(var_dir)
    results = {(name, url): Result() for name in names for url in urls}
    running: dict[str, tuple[subprocess.Popen, int]] = {}
    load_before = os.getloadavg()[0]
    try:
        print(f"Preparing the demo district in {var_dir}", flush=True)
        prepare(var_dir, env)
        # All servers run side by side (idle ones cost nothing) and take turns under load
        # in short slices, so a burst of background load hits every server alike.
        for name in names:
            port = free_port()
            running[name] = start(_servers(port)[name], env, var_dir / f"{name}.log", port), port
        print(f"  started {', '.join(names)}", flush=True)
        for url in urls:
            for name, (_process, port) in running.items():
                status = get(port, url)
                if status != 200:
                    sys.exit(f"{name}: GET {url} answered {status}")
                load(port, url, args.clients, args.warmup, slice_cap)
            for n in range(args.rounds):
                for name in names[n % len(names) :] + names[: n % len(names)]:
                    port = running[name][1]
                    results[(name, url)].add(load(port, url, args.clients, slice_s, slice_cap))
            counts = ", ".join(f"{name} {results[(name, url)].requests}" for name in names)
            print(f"  {url}: {counts} requests", flush=True)
    finally:
        for process, _port in running.values():
            stop(process)
        shutil.rmtree(var_dir, ignore_errors=True)
    print(
        f"\n{WORKERS} workers per server, {args.clients} keep-alive clients, "
        f"{args.duration:g} s per server and URL in {args.rounds} interleaved slices; "
        f"{os.cpu_count()} CPUs shared with the load generator "
        f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)."
    )
    report(results, names, urls)
    print(f"\nTotal {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
