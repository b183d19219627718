"""Browser tests against the platform served exactly as ``make run`` serves it.

One server for the session: ``make serve`` (migrate, collectstatic, seed_demo, then
bin/serve: task worker + granian) in a fresh var dir on a free loopback port, in its own
process group so teardown stops every process it started. One Chromium (Debian's) for the
session, a fresh context per test. A test fails on any uncaught page error, any Content
Security Policy violation and any HTTP error answer (4xx/5xx) the browser receives; a
screenshot of each open page lands in e2e/artifacts/ when a test fails.
"""

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
START_TIMEOUT_S = 120
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_server_log_key = pytest.StashKey[Path]()


def pytest_sessionstart(session):
    # Screenshots from an earlier run would be mistaken for this run's failures.
    for stale in ARTIFACTS.glob("*.png"):
        stale.unlink()


def pytest_addoption(parser):
    # pyproject.toml configures pytest-django, which this suite runs without (-p no:django).
    parser.addini("DJANGO_SETTINGS_MODULE", "unused by the browser tests")


# --- The server ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers_200(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the whole process group, then SIGKILL whatever is left of it."""
    pgid = process.pid  # start_new_session: the group is led by the process we started
    for sig, grace_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if not _group_alive(pgid):
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + grace_s
        while _group_alive(pgid) and time.monotonic() < deadline:
            process.poll()  # reap the leader so the group can empty
            time.sleep(0.2)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@pytest.fixture(scope="session")
def base_url(request):
    """Start ``make serve`` on a free port in a fresh var dir; yield its base URL."""
    ARTIFACTS.mkdir(exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="shanzhi-e2e-"))
    log_path = ARTIFACTS / "server.log"
    request.config.stash[_server_log_key] = log_path
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SHANZHI_VAR_DIR": str(var_dir),
        "SHANZHI_PORT": str(port),
        "SHANZHI_HOST": "127.0.0.1",
        "SHANZHI_DEMO": "1",
        "SHANZHI_PLAIN_HTTP": "1",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DATABASE_URL", "SHANZHI_SQLITE_PATH", "SHANZHI_DEBUG", "MAKEFLAGS", "MFLAGS"):
        env.pop(name, None)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers_200(port):
            if process.poll() is not None:
                pytest.fail(
                    f"`make serve` exited with status {process.returncode} before answering."
                    f"\n--- server log ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The server did not answer 200 on {url}/ within {START_TIMEOUT_S} s."
                    f"\n--- server log ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.5)
        yield url
    finally:
        _stop(process)
        shutil.rmtree(var_dir, ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    log_path = config.stash.get(_server_log_key, None)
    if log_path is None or not (
        terminalreporter.stats.get("failed") or terminalreporter.stats.get("error")
    ):
        return
    terminalreporter.section("server log (make serve)")
    terminalreporter.write_line(_tail(log_path, 200))


# --- The browser -----------------------------------------------------------------------


@dataclass
class BrowserProblems:
    """What went wrong in the browser during one test, across all of its contexts."""

    base_url: str
    errors: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)
    # (status, method, path) answers a test provokes on purpose (a refusal it checks).
    expected: set = field(default_factory=set)

    def expect_status(self, status: int, method: str, path: str) -> None:
        self.expected.add((status, method, path))

    def watch(self, context) -> None:
        self.contexts.append(context)
        context.on("page", self._watch_page)
        context.on("response", self._on_response)

    def _watch_page(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"page error at {page.url}: {error}"))

    def _on_console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.errors.append(f"CSP violation at {message.location.get('url')}: {text}")

    def _on_response(self, response) -> None:
        path = response.url.removeprefix(self.base_url)
        if (response.status, response.request.method, path) in self.expected:
            return
        if response.status >= 400:
            self.errors.append(
                f"HTTP {response.status} for {response.request.method} {response.url}"
            )


# Reports every Content Security Policy violation on the console, whatever the browser
# prints for it (runs only where JavaScript is enabled; Chromium's own message covers the
# rest).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ` +
                `${e.blockedURI || "inline"} (${e.sourceFile || ""}:${e.lineNumber || ""})`);
});
"""


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_problems(base_url):
    return BrowserProblems(base_url)


@pytest.fixture
def new_context(browser, base_url, browser_problems):
    """Make a fresh browser context (keyword arguments go to ``browser.new_context``)."""
    made = []

    def make(**options):
        options.setdefault("base_url", base_url)
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(30_000)
        if options.get("java_script_enabled", True):
            context.add_init_script(_CSP_LISTENER)
        browser_problems.watch(context)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def phone_page(new_context):
    """A page on a phone-size touch screen (the navbar collapses behind its toggler)."""
    return new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
    ).new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test whose pages threw, broke the CSP or received an HTTP error."""
    result = yield
    problems = item.funcargs.get("browser_problems")
    if problems is not None and problems.errors:
        raise AssertionError(
            "Problems in the browser:\n" + "\n".join(f"  - {e}" for e in problems.errors)
        )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        problems = item.funcargs.get("browser_problems")
        if problems is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
            n = 0
            for context in problems.contexts:
                for open_page in context.pages:
                    n += 1
                    path = ARTIFACTS / f"{stem}-{n}.png"
                    try:
                        open_page.screenshot(path=str(path), full_page=True, timeout=10_000)
                        report.sections.append(("screenshot", str(path)))
                    except Exception as exc:  # a crashed page cannot be photographed
                        report.sections.append(("screenshot", f"failed: {exc}"))
    return report
