"""Synthetic cases (``generate_cases``, ``seed_demo --cases``): consistent with their
procedures and clocks, located in demo grids, visible to the right people, audited."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from shanzhi.cases.models import Case, Clock
from shanzhi.cases.procedure import get as get_procedure
from shanzhi.cases.procedure import window_clocks
from shanzhi.core.audit import verify_chain
from shanzhi.core.models import AuditEvent
from shanzhi.demo.cases import generate_cases
from shanzhi.org import geoindex
from shanzhi.org.models import Level, Region

N = 300
NUMBER = re.compile(r"^(SR|GE)(\d{8})(\d{8})$")


@pytest.fixture
def generated(db):
    geoindex.forget()
    now = timezone.now()
    before = AuditEvent.objects.filter(action="demo.synthetic_cases").count()
    result = generate_cases(N, seed=7, now=now, batch_size=100)
    result["audit_events"] = (
        AuditEvent.objects.filter(action="demo.synthetic_cases").count() - before
    )
    yield result, now
    geoindex.forget()


def check_states(generated):
    result, now = generated
    cases = list(Case.objects.all())
    assert result["cases"] == N == len(cases)
    assert {c.procedure for c in cases} == {"service_request", "grid_event"}
    finished = 0
    for case in cases:
        procedure = get_procedure(case.procedure)
        assert case.state in procedure.by_state
        final = procedure.by_state[case.state].final
        finished += final
        assert (case.closed_at is not None) == final
        assert case.created <= case.updated <= now
        assert case.version >= 1
        if case.state == "merged":
            assert case.merged_into.procedure == case.procedure
        if case.state in ("dispatched", "accepted", "in_progress", "handled"):
            assert case.responsible_body_id is not None
        assert "示例" in case.title and "合成" in case.description
    assert 0.3 < finished / N < 0.85
    channels = [c.channel for c in cases if c.procedure == "service_request"]
    assert channels.count("phone") / len(channels) > 0.75


def check_clocks(generated):
    _result, now = generated
    windows = window_clocks()
    clocks = list(Clock.objects.select_related("case"))
    assert clocks
    running_cases = set()
    for clock in clocks:
        case = clock.case
        final = case.procedure_def.by_state[case.state].final
        assert clock.name in case.procedure_def.by_clock
        assert clock.started_at >= case.created and clock.due_at >= clock.started_at
        if clock.stopped_at is None:
            assert clock.on_time is None and not final  # no running clock on a final case
            running_cases.add(case.pk)
        elif clock.on_time is None:
            assert case.state == "merged"  # ended without a verdict (clocks.cancel)
        else:  # the verdict clocks.stop gives: late once marked, or stopped past due
            paused, stopped = clock.paused_at is not None, clock.stopped_at
            late = clock.overdue_at is not None or (not paused and stopped > clock.due_at)
            assert clock.on_time == (not late)
        if clock.overdue_at is not None:
            # The sweep marks after the due instant; a pause after running out records
            # the due instant itself (clocks.pause); a later extension or resumption
            # moves the due instant but keeps the mark (clocks.extend, clocks.resume).
            assert clock.name not in windows
            moved = clock.extensions or clock.paused_seconds
            assert moved or clock.overdue_at >= clock.due_at
        if clock.paused_at is not None and clock.stopped_at is None:
            assert case.state in ("suspended", "objected") and clock.remaining_at_pause is not None
    # Open cases waiting on someone with a time limit have a running clock.
    timed = Case.objects.filter(state__in=("received", "dispatched", "in_progress", "reported"))
    assert set(timed.values_list("pk", flat=True)) <= running_cases
    assert Clock.objects.overdue(now).exists()  # some have run out …
    # … and are marked as the sweep marks them.
    assert not Clock.objects.overdue(now).filter(overdue_at__isnull=True).exists()
    assert Clock.objects.filter(on_time=True).count() > Clock.objects.filter(on_time=False).count()


def check_numbers(generated):
    numbers = list(Case.objects.values_list("pk", "procedure", "number", "created"))
    assert len({n for _pk, _p, n, _c in numbers}) == N
    for pk, procedure, number, created in numbers:
        match = NUMBER.match(number)
        assert match, number
        assert match[1] == {"service_request": "SR", "grid_event": "GE"}[procedure]
        assert match[2] == f"{timezone.localtime(created):%Y%m%d}"
        assert int(match[3]) == pk


def check_places(generated):
    district = Region.objects.get(code="990101")
    for case in Case.objects.select_related("grid", "street"):
        assert case.grid.level == Level.GRID and case.grid.code.startswith("990101")
        assert case.scope_path == case.grid.path
        assert case.street.level == Level.STREET and case.grid.path.startswith(case.street.path)
        assert case.scope_path.startswith(district.path)
        assert geoindex.grid_at(case.lon, case.lat) == case.grid


def check_visibility(generated, persona):
    community = Region.objects.get(code="990101001001")
    seen = Case.objects.visible_to(persona("community"))
    assert seen.exists()
    assert all(
        path.startswith(community.path) for path in seen.values_list("scope_path", flat=True)
    )
    assert seen.count() == Case.objects.filter(scope_path__startswith=community.path).count()

    street = Region.objects.get(code="990101001")
    dispatcher = Case.objects.visible_to(persona("dispatcher"))
    assert dispatcher.count() == Case.objects.filter(scope_path__startswith=street.path).count()
    assert dispatcher.count() < N

    department = Case.objects.visible_to(persona("department")).distinct()
    assert department.exists()
    assert set(department.values_list("responsible_body__name", flat=True)) == {"区城市管理局"}

    assert Case.objects.visible_to(persona("leader")).count() == N


def check_queue_page(generated, client_as):
    client = client_as("dispatcher")
    response = client.get("/cases/?queue=all&order=-created")
    assert response.status_code == 200
    newest = (
        Case.objects.filter(scope_path__startswith=Region.objects.get(code="990101001").path)
        .order_by("-created")
        .first()
    )
    assert newest.number in response.content.decode()


def check_audit(generated):
    result, _now = generated
    assert result["audit_events"] == 3  # one per batch of 100, not one per case
    events = AuditEvent.objects.filter(action="demo.synthetic_cases").order_by("-seq")[:3]
    assert sum(e.after["cases"] for e in events) == N
    assert verify_chain() is None


def test_generated_cases(generated, persona, client_as):
    """One generation (the slow part), checked from every side."""
    check_states(generated)
    check_clocks(generated)
    check_numbers(generated)
    check_places(generated)
    check_visibility(generated, persona)
    check_queue_page(generated, client_as)
    check_audit(generated)


def test_seed_demo_adds_cases_each_run(db, settings):
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("seed_demo", cases=40, stdout=out, stderr=StringIO())
    # Besides the 40, the first run loads the demo's petitions and disputes, once.
    after_first = Case.objects.count()
    assert after_first >= 40
    call_command("seed_demo", cases=40, stdout=out, stderr=StringIO())
    assert Case.objects.count() == after_first + 40
    assert "40" in out.getvalue()
    assert verify_chain() is None
