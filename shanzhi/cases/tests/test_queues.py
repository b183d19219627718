"""Work queues (cases/queues.py): each queue lists exactly the cases it should, most
urgent first or by number, whichever way a page is read; the queue page refuses nothing
it should show and shows nothing it should refuse, whatever its query string says."""

from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone

from shanzhi.cases import queues
from shanzhi.cases.access import acting_body_ids
from shanzhi.cases.models import Case, Clock
from shanzhi.cases.procedure import ClockSpec, Procedure, State, Transition, window_clocks
from shanzhi.demo.cases import generate_cases
from shanzhi.duties.models import MatterCategory
from shanzhi.org import geoindex

N = 500
PERSONAS = ("dispatcher", "department", "community", "leader", "gridworker", "resident")
# What each queue holds, written out from the procedures by hand, so that a change to
# a procedure module or to the queue definitions has to be made here too.
STATES = {
    "dispatch": {"received", "registered", "objected"},
    "accept": {"dispatched"},
    "progress": {"accepted", "in_progress", "suspended"},
    "check": {"reported", "handled"},
}
OWN_BODIES = {"accept", "progress"}
HOUR = timezone.timedelta(hours=1)


@pytest.fixture
def generated(db):
    geoindex.forget()
    now = timezone.now()
    generate_cases(N, seed=11, now=now, batch_size=250)
    yield now
    geoindex.forget()


def next_due_of_all() -> dict[int, object]:
    """Each case's next due instant, computed in Python from its clocks."""
    windows = window_clocks()
    due = {}
    for case_id, name, due_at, stopped, paused in Clock.objects.values_list(
        "case_id", "name", "due_at", "stopped_at", "paused_at"
    ):
        if stopped is None and paused is None and name not in windows:
            due[case_id] = min(due_at, due.get(case_id, due_at))
    return due


def expected(user, key, now, next_due) -> list[Case]:
    """The cases of queue ``key`` for ``user``, by a plain reading of its definition."""
    seen = Case.objects.visible_to(user).distinct()
    cases = list(seen.only("pk", "state", "responsible_body_id"))
    if key in STATES:
        cases = [c for c in cases if c.state in STATES[key]]
    if key in OWN_BODIES:
        bodies = acting_body_ids(user)
        cases = [c for c in cases if c.responsible_body_id in bodies]
    if key == "overdue":
        cases = [c for c in cases if c.pk in next_due and next_due[c.pk] < now]
    if key == "near":
        day = now + timezone.timedelta(days=1)
        cases = [c for c in cases if c.pk in next_due and now <= next_due[c.pk] < day]
    if key == "supervise":
        late = {pk for pk, due in next_due.items() if due < now}
        cases = [c for c in cases if c.state == "objected" or c.pk in late]
    return cases


def in_due_order(cases, next_due, descending: bool) -> list[int]:
    """Running deadlines first, by due instant then number; the rest by number."""
    timed = [c.pk for c in cases if c.pk in next_due]
    idle = [c.pk for c in cases if c.pk not in next_due]
    timed.sort(key=lambda pk: (next_due[pk], pk), reverse=descending)
    return timed + sorted(idle, reverse=descending)


# Each way of reading a page in due order, forced: (SORTED, BY_CASE, FIRST_PASS,
# FIRST_PASS_PER_ROW, CAP).
DUE_STRATEGIES = {
    "sorted": (10**9, 10**9, 2000, 4, 10**5),
    "by case": (-1, 10**9, 2000, 4, 10**5),
    "first pass": (-1, -1, 10**9, 4, 10**5),
    "short first pass, maybe the list": (-1, -1, 60, 0, 10**9),
    "cut first pass, then the list": (-1, -1, 9, 0, 10**9),
    "no first pass, the list": (-1, -1, 0, 0, 10**9),
    "no first pass, case by case": (-1, -1, 0, 0, -1),
}
NUMBER_STRATEGIES = {"sorted": 10**9, "along the key": -1}


def force(monkeypatch, sorted_, by_case, first_pass, per_row, cap):
    monkeypatch.setattr(queues, "SORTED", sorted_)
    monkeypatch.setattr(queues, "BY_CASE", by_case)
    monkeypatch.setattr(queues, "FIRST_PASS", first_pass)
    monkeypatch.setattr(queues, "FIRST_PASS_PER_ROW", per_row)
    monkeypatch.setattr(queues, "CAP", cap)


def test_every_queue_lists_its_cases_in_order_every_way(generated, persona, monkeypatch):
    now = generated
    next_due = next_due_of_all()
    held = set()
    for username in PERSONAS:
        user = persona(username)
        for queue in queues.QUEUES:
            cases, due_range = queues.queue_cases(user, queue.key, now)
            want = expected(user, queue.key, now, next_due)
            for descending in (False, True):
                by_due = in_due_order(want, next_due, descending)
                by_number = sorted((c.pk for c in want), reverse=descending)
                for offset in (0, 11, 40):
                    for name, settings in DUE_STRATEGIES.items():
                        force(monkeypatch, *settings)
                        got = queues.by_due(cases, due_range, offset, 13, descending)
                        context = (username, queue.key, descending, offset, name)
                        assert got == by_due[offset : offset + 13], context
                    for name, sorted_ in NUMBER_STRATEGIES.items():
                        force(monkeypatch, sorted_, 10**9, 2000, 4, 10**5)
                        got = queues.by_number(cases, due_range, offset, 13, descending)
                        context = (username, queue.key, descending, offset, name)
                        assert got == by_number[offset : offset + 13], context
            if want:
                held.add((username, queue.key))
    # Not empty, so that the comparisons above compare something.
    assert held >= {
        *(("leader", key) for key in ("dispatch", "check", "overdue", "supervise", "all")),
        *(("department", key) for key in ("accept", "progress", "overdue", "all")),
        ("dispatcher", "dispatch"),
        ("community", "all"),
        ("gridworker", "all"),
    }


def test_the_queues_hold_what_the_procedures_say(generated):
    # The generated cases are in every state of both procedures; the queues' states
    # come from the transition tables.
    for key, states in STATES.items():
        assert queues.waiting_states(queues.BY_KEY[key].waits_for) == states
    assert queues.waiting_states(queues.BY_KEY["supervise"].waits_for) == {"objected"}
    # Every running deadline clock is on a case in a state where one can run.
    windows = window_clocks()
    running = Clock.objects.running().exclude(name__in=windows)
    states = set(running.values_list("case__state", flat=True).distinct())
    assert states and states <= queues.deadline_states()


def test_filters_narrow_the_queue(generated, persona):
    now = generated
    next_due = next_due_of_all()
    user = persona("leader")
    utilities = MatterCategory.objects.get(code="20")  # a class with sub-categories
    ids = {utilities.pk, *utilities.children.values_list("pk", flat=True)}
    assert len(ids) > 1
    filters = {"procedure": "service_request", "category": "20", "urgency": "normal"}
    narrowed_ids = set(
        Case.objects.filter(
            procedure="service_request", category_id__in=ids, urgency="normal"
        ).values_list("pk", flat=True)
    )
    for key in ("overdue", "near", "all", "dispatch", "progress"):
        cases, due_range = queues.queue_cases(user, key, now)
        narrowed = queues.narrow(cases, key, filters)
        want = [c for c in expected(user, key, now, next_due) if c.pk in narrowed_ids]
        got = queues.by_due(narrowed, due_range, 0, 10**4, False)
        assert got == in_due_order(want, next_due, False), key
        assert want or key != "all"
    # The start of a case number, or a word of the title; an unknown category leaves
    # nothing.
    case = Case.objects.order_by("pk").first()
    cases, _range = queues.queue_cases(user, "all", now)
    assert case in queues.narrow(cases, "all", {"q": case.number[:12]})
    assert case in queues.narrow(cases, "all", {"q": case.title[-4:]})
    assert not queues.narrow(cases, "all", {"category": "no-such-code"}).exists()


def test_pages_follow_on_without_counting(generated, client_as):
    client = client_as("leader")
    first = client.get(reverse("case_queue") + "?queue=all").context["page"]
    second = client.get(reverse("case_queue") + "?queue=all&page=2").context["page"]
    assert len(first.object_list) == queues.PAGE_SIZE and first.has_next()
    assert first.num_pages == "2+" and second.number == 2
    newest = list(Case.objects.order_by("-pk").values_list("pk", flat=True)[:60])
    assert [c.pk for c in first.object_list + second.object_list] == newest
    total = Case.objects.count()
    last = (total + queues.PAGE_SIZE - 1) // queues.PAGE_SIZE
    end = client.get(reverse("case_queue") + f"?queue=all&page={last}").context["page"]
    assert not end.has_next() and end.num_pages == last
    assert len(end.object_list) == total - (last - 1) * queues.PAGE_SIZE
    beyond = client.get(reverse("case_queue") + f"?queue=all&page={last + 1}").context["page"]
    assert not beyond.object_list and not beyond.has_next()


def test_the_page_shows_each_case_with_its_next_due_instant(generated, client_as):
    now = generated
    response = client_as("dispatcher").get(reverse("case_queue") + "?queue=overdue")
    rows = response.context["page"].object_list
    assert rows and all(c.next_due < now for c in rows)
    assert [c.next_due for c in rows] == sorted(c.next_due for c in rows)
    assert all(c.number in response.content.decode() for c in rows)


def test_nobody_sees_cases_outside_their_scope_in_any_queue(generated, client_as, persona):
    for username in ("community", "department", "resident", "gridworker"):
        client = client_as(username)
        visible = set(Case.objects.visible_to(persona(username)).values_list("pk", flat=True))
        for queue in queues.QUEUES:
            for order in queues.ORDERS:
                page = client.get(
                    reverse("case_queue") + f"?queue={queue.key}&order={order}"
                ).context["page"]
                assert {c.pk for c in page.object_list} <= visible, (username, queue.key)
    # A resident who raised nothing has empty queues.
    assert not client_as("resident").get(reverse("case_queue")).context["page"].object_list


def test_the_queue_page_needs_a_sign_in(client):
    response = client.get(reverse("case_queue"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(reverse("case_queue")).status_code == 405


@pytest.mark.parametrize(
    "query",
    [
        "queue=nonsense",
        "page=abc",
        "page=-4",
        "page=0",
        "page=99999999999999999999999999",
        "order=drop table",
        "category=nonsense&urgency=nonsense&procedure=nonsense&state=nonsense",
        "q=" + "长" * 500,
        "queue=overdue&order=-due&page=3",
    ],
)
def test_bad_query_strings_get_a_queue_page(generated, client_as, query):
    response = client_as("leader").get(reverse("case_queue") + "?" + query)
    assert response.status_code == 200
    page = response.context["page"]
    assert 1 <= page.number <= queues.MAX_PAGE
    assert response.context["queue"] in queues.BY_KEY
    assert response.context["order"] in queues.ORDERS
    assert len(response.context["filters"]["q"]) <= 60


def test_unknown_queue_is_all_and_unknown_order_the_default(generated, client_as):
    client = client_as("leader")
    response = client.get(reverse("case_queue") + "?queue=nonsense&order=nonsense")
    assert response.context["queue"] == "all" and response.context["order"] == "-created"
    response = client.get(reverse("case_queue") + "?queue=overdue&order=nonsense")
    assert response.context["order"] == "due"


# --- The transition tables read as data ------------------------------------------------


def toy(**changes) -> Procedure:
    """A procedure with a deadline clock that runs from "open" to "done", is paused
    while "waiting" and is ended by "drop"; and a window clock running in "open"."""
    base = Procedure(
        key="toy",
        label="toy",
        states=(
            State("new", "new", ""),
            State("open", "open", ""),
            State("waiting", "waiting", ""),
            State("done", "done", "", final=True),
            State("dropped", "dropped", "", final=True),
        ),
        initial="new",
        transitions=(
            Transition("start", "start", ("new",), "open", (), starts=("limit", "window")),
            Transition("wait", "wait", ("open",), "waiting", (), pauses=("limit",)),
            Transition("go_on", "go on", ("waiting",), "open", (), resumes=("limit",)),
            Transition("finish", "finish", ("open",), "done", (), stops=("limit",)),
            Transition("drop", "drop", ("open", "waiting"), "dropped", (), cancels=("limit",)),
            Transition("note", "note", ("new", "open", "waiting"), None, ()),
        ),
        clocks=(
            ClockSpec("limit", "limit", 5, "working_days", ""),
            ClockSpec("window", "window", 1, "working_days", "", window=True),
        ),
    )
    return replace(base, **changes) if changes else base


def test_deadline_states_follow_the_transitions():
    assert queues.deadline_states([toy()]) == {"open"}
    # A clock started on creation runs in the initial state, and on through a
    # transition that keeps the state.
    assert queues.deadline_states([toy(starts_on_create=("limit",))]) == {"new", "open"}
    # A window alone makes no deadline.
    assert queues.deadline_states([toy(starts_on_create=("window",))]) == {"open"}


def test_waiting_states_are_the_sources_of_the_actions():
    assert queues.waiting_states(("finish",), [toy()]) == {"open"}
    assert queues.waiting_states(("drop", "start"), [toy()]) == {"new", "open", "waiting"}
    assert queues.waiting_states(("no_such_action",), [toy()]) == set()


def test_the_queue_definitions_name_real_actions():
    actions = {t.action for p in queues.all_procedures() for t in p.transitions}
    for queue in queues.QUEUES:
        assert set(queue.waits_for) <= actions, queue.key
    assert len(queues.BY_KEY) == len(queues.QUEUES)


def test_near_and_overdue_split_at_now(generated, persona):
    now = generated
    user = persona("leader")
    overdue, late = queues.queue_cases(user, "overdue", now)
    near, soon = queues.queue_cases(user, "near", now)
    assert late == (None, now) and soon == (now, now + 24 * HOUR)
    late_ids = set(queues.by_due(overdue, late, 0, 10**4, False))
    soon_ids = set(queues.by_due(near, soon, 0, 10**4, False))
    assert late_ids and soon_ids and not late_ids & soon_ids


def test_a_case_is_placed_by_its_earliest_deadline(generated, persona, monkeypatch):
    """A case with one deadline run out and another due soon is overdue, not near due,
    and sorts by the one run out, whichever way the page is read."""
    now = generated
    user = persona("leader")
    case = Case.objects.filter(state="in_progress").order_by("pk").first()
    clock = case.clocks.get(stopped_at__isnull=True, paused_at__isnull=True)
    clock.due_at = now + HOUR
    clock.save()
    late = Clock.objects.create(
        case=case,
        name=clock.name,
        started_at=now - 48 * HOUR,
        duration=1,
        unit=clock.unit,
        due_at=now - 30 * 24 * HOUR,
    )
    for name, settings in DUE_STRATEGIES.items():
        force(monkeypatch, *settings)
        near, soon = queues.queue_cases(user, "near", now)
        overdue, past = queues.queue_cases(user, "overdue", now)
        assert case.pk not in queues.by_due(near, soon, 0, 10**4, False), name
        assert case.pk not in queues.by_due(near, soon, 0, 10**4, True), name
        ranked = queues.by_due(overdue, past, 0, 10**4, False)
        # … placed by its earliest deadline.
        dues = next_due_of_all()
        assert dues[case.pk] == late.due_at
        want = in_due_order(expected(user, "overdue", now, dues), dues, False)
        assert ranked == want, name
