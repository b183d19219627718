"""Staff work queues: which cases each queue holds, and one page of a queue in order,
read without counting or sorting the whole queue (a district's "all" holds millions of
cases; measured with bench/queues.py, figures in docs/performance.md).

A queue is the cases a user may see (``access.case_filter``) narrowed by its definition:
the states in which a procedure waits for one of the queue's actions (read from the
procedures' transition tables), the bodies the user acts for, or the case's next due
instant — the earliest of its running deadline clocks (a window, like the objection
period, is not a deadline).

Reading a page in due order (each case at its next due instant, then by number; cases
with no deadline running follow, by number):

- A queue of at most ``SORTED`` cases is sorted as it is.
- Otherwise only its cases in a state where a deadline clock can run matter for the
  deadlines (``deadline_states``, from the transition tables). Up to ``BY_CASE`` of
  them, their running clocks are read case by case from the index of a case's running
  clocks (``clock_open_case_due``), and sorted.
- Beyond that the index of running clocks (``clock_open_due``) is walked in due order,
  each case once at its earliest clock, and each clock's case tested against the
  queue. A first pass covers the first ``FIRST_PASS`` clocks (or ``FIRST_PASS_PER_ROW``
  for each row up to the page's end), testing each clock's case by reading its row:
  enough when the queue's cases lie close together in due order, as a district's or a
  street's do. If the page is not full by then, on SQLite the walk goes on testing
  against the list of the queue's ids, read once from an index (up to ``CAP`` of them;
  beyond that, case by case again: the queue then holds a good share of all cases);
  PostgreSQL joins the queue's cases to their running clocks by hashing, and sorts.
  The work grows with the page asked for and, at worst, with the queue's cases and the
  running clocks in range.

In order of number (the primary key, which grows with time) a queue of at most
``SORTED`` cases is sorted; a bigger one is read along the primary key in growing steps.

SQLite has no statistics to plan by (nothing runs ``ANALYZE``), so on SQLite alone a few
filters are written for its planner (``connection.vendor``): an area's path prefix as a
range, filters that must not choose the index (``+column``, ``case_id + 0``), and ``NOT
INDEXED`` for reading along the primary key. PostgreSQL gets the plain filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    CharField,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.lookups import In
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shanzhi.cases.access import acting_body_ids, case_filter
from shanzhi.cases.models import Case, Clock
from shanzhi.cases.procedure import all_procedures, window_clocks
from shanzhi.duties.models import MatterCategory

PAGE_SIZE = 30
MAX_PAGE = 1_000_000  # beyond any queue; keeps offsets within what databases take
SORTED = 10_000  # a queue up to this size is sorted as it is
BY_CASE = 10_000  # cases with a deadline up to this many are read case by case
FIRST_PASS = 2_000  # running clocks read at least in a first pass …
FIRST_PASS_PER_ROW = 4  # … or as many for each row up to the page's end …
FIRST_PASS_MAX = 20_000  # … up to this many
CAP = 100_000  # the queue's ids listed to test walked clocks against, up to this many
LIST_MAX = 2_000  # case ids written into a query as literals
ORDERS = ("due", "-due", "created", "-created")
FILTERS = ("procedure", "state", "category", "urgency", "q")


@dataclass(frozen=True)
class Queue:
    key: str
    label: Promise | str
    # The queue holds the cases in a state from which one of these actions leaves.
    waits_for: tuple[str, ...] = ()
    # … and only those led by a body the user acts for.
    own_bodies: bool = False
    # The queue holds the cases whose next due instant lies in this window, given as
    # (from, until) offsets from now; None: open on that side.
    due_window: tuple[timedelta | None, timedelta | None] | None = None
    # The queue also holds every case with an overdue deadline.
    with_overdue: bool = False
    # Newest first rather than most urgent first.
    newest_first: bool = False


QUEUES = (
    Queue("dispatch", _("To dispatch"), waits_for=("dispatch", "uphold_objection")),
    # A body's first step on a case dispatched to it: accept it (a service request) or
    # report it handled (a grid event, which has no acceptance step).
    Queue("accept", _("To accept"), waits_for=("accept", "handle"), own_bodies=True),
    Queue("progress", _("In progress"), waits_for=("reply", "resume"), own_bodies=True),
    Queue("check", _("To check"), waits_for=("verify", "check_pass")),
    Queue("near", _("Near due"), due_window=(timedelta(0), timedelta(days=1))),
    Queue("overdue", _("Overdue"), due_window=(None, timedelta(0))),
    Queue("supervise", _("To supervise"), waits_for=("uphold_objection",), with_overdue=True),
    Queue("all", _("All"), newest_first=True),
)
BY_KEY = {queue.key: queue for queue in QUEUES}


# --- What the procedures say ---------------------------------------------------------


def waiting_states(actions, procedures=None) -> set[str]:
    """States in which some procedure can take one of ``actions``."""
    procedures = all_procedures() if procedures is None else procedures
    return {s for p in procedures for t in p.transitions if t.action in actions for s in t.sources}


def deadline_states(procedures=None) -> set[str]:
    """States in which a deadline clock (not a window) can be running, found by following
    each procedure's transitions from its initial state: a clock runs from a transition
    that starts or resumes it until one that stops, pauses or cancels it."""
    procedures = all_procedures() if procedures is None else procedures
    states = set()
    for procedure in procedures:
        running = {s.key: set() for s in procedure.states}
        running[procedure.initial] |= set(procedure.starts_on_create)
        changed = True
        while changed:
            changed = False
            for t in procedure.transitions:
                for source in t.sources:
                    ended = {*t.stops, *t.pauses, *t.cancels}
                    after = (running[source] - ended) | set(t.starts) | set(t.resumes)
                    target = t.target or source
                    if not after <= running[target]:
                        running[target] |= after
                        changed = True
        windows = {c.name for c in procedure.clocks if c.window}
        states |= {state for state, clocks in running.items() if clocks - windows}
    return states


# --- Which cases a queue holds --------------------------------------------------------


def deadlines():
    """Running clocks that someone must meet (a window never turns red)."""
    return Clock.objects.running().exclude(name__in=window_clocks())


def next_due():
    """A case's next due instant: the earliest of its running deadline clocks."""
    running = deadlines().filter(case_id=OuterRef("pk")).order_by("due_at")
    return Subquery(running.values("due_at")[:1])


def _indexable(query: Q, own) -> Q:
    """``case_filter``'s query in a shape answered from indexes, same cases: the cases a
    body assists as a list of ids (a join would repeat cases; mostly the list is empty
    and drops out), the user's own cases as the list ``own`` of their ids (likewise),
    the reports kept from the user as a list of ids, and on SQLite a path prefix as a
    range (its LIKE cannot use an index; on PostgreSQL a range would follow the
    collation, which need not order paths by their bytes)."""
    children = []
    for child in query.children:
        if isinstance(child, Q):
            child = _indexable(child, own)
        elif child[0] == "scope_path__startswith" and connection.vendor == "sqlite":
            prefix = child[1]
            child = Q(scope_path__gte=prefix, scope_path__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))
        elif child[0] == "assisting_bodies__in":
            through = Case.assisting_bodies.through.objects.filter(body_id__in=child[1])
            assisted = list(through.values_list("case_id", flat=True)[:LIST_MAX])
            if len(assisted) == LIST_MAX:  # too many to list: read them in the query
                assisted = through.values("case_id")
            child = Q(pk__in=assisted)
        elif child[0] == "requester":
            child = Q(pk__in=own)
        elif child[0] == "accused_body__in":
            # Reports kept from the user (few), listed from the index of the body reported
            # on, so that the queue's index still answers the rest.
            reports = Case.objects.filter(accused_body__in=child[1])
            kept = list(reports.values_list("pk", flat=True)[:LIST_MAX])
            child = Q(pk__in=kept if len(kept) < LIST_MAX else reports.values("pk"))
        children.append(child)
    return Q(*children, _connector=query.connector, _negated=query.negated)


def visible_cases(user) -> QuerySet:
    """The cases ``user`` may see (``Case.objects.visible_to``), each once."""
    mine = Case.objects.filter(requester=user).values_list("pk", flat=True)
    own = list(mine[:LIST_MAX])
    if len(own) == LIST_MAX:  # too many to list: read them in the query
        own = mine
    return Case.objects.filter(_indexable(case_filter(user), own))


def queue_cases(user, key: str, now) -> tuple[QuerySet, tuple | None]:
    """The cases of queue ``key`` that ``user`` may see, and the range (from, until) their
    next due instant must lie in, or ``None`` when the queue is not defined by it."""
    queue = BY_KEY[key]
    cases = visible_cases(user)
    due_range = None
    if queue.due_window is not None:
        due_range = tuple(None if d is None else now + d for d in queue.due_window)
    if queue.waits_for:
        in_state = Q(state__in=sorted(waiting_states(queue.waits_for)))
        if queue.with_overdue:
            in_state |= Exists(Clock.objects.overdue(now).filter(case_id=OuterRef("pk")))
        cases = cases.filter(in_state)
    if queue.own_bodies:
        cases = cases.filter(responsible_body__in=acting_body_ids(user))
    return cases, due_range


def _narrowing(field: str, values: list, indexed: bool) -> Q | In:
    """``field IN values`` as a filter that narrows a queue. On SQLite, which has no
    statistics to go by, it is written ``+field`` unless ``indexed``, so that the planner
    keeps to the queue's own index (whose columns include the filters' columns) rather
    than take the column's index (a kind of case, an urgency: half the table)."""
    if indexed or connection.vendor != "sqlite":
        return Q(**{f"{field}__in": values})
    output = IntegerField() if field.endswith("_id") else CharField()
    plain = Func(F(field), template="+%(expressions)s", output_field=output)
    return In(plain, values)


def narrow(cases: QuerySet, key: str, filters: dict) -> QuerySet:
    """The queue narrowed by the filters of the queue page (kind of case, state, category
    class, urgency, a case number's start or a word of the title); empty ones are
    ignored."""
    # A queue defined by states or bodies is found through its own index; the filters
    # only narrow it. Queues defined by the clocks or by the area may use the category's.
    own_index = bool(BY_KEY[key].waits_for) and not BY_KEY[key].with_overdue
    if filters.get("procedure"):
        cases = cases.filter(_narrowing("procedure", [filters["procedure"]], False))
    if filters.get("state"):
        cases = cases.filter(state=filters["state"])
    if filters.get("category"):
        code = filters["category"]
        categories = MatterCategory.objects.filter(Q(code=code) | Q(parent__code=code))
        ids = list(categories.values_list("pk", flat=True))
        cases = cases.filter(_narrowing("category_id", ids, not own_index))
    if filters.get("urgency"):
        cases = cases.filter(_narrowing("urgency", [filters["urgency"]], False))
    if filters.get("q"):
        cases = cases.filter(Q(number__startswith=filters["q"]) | Q(title__icontains=filters["q"]))
    return cases


# --- One page in order ----------------------------------------------------------------


def _count(rows: QuerySet, cap: int) -> int:
    """How many rows, counted up to ``cap``."""
    return rows.order_by().values("pk")[:cap].count()


def _in_range(rows: QuerySet, field: str, due_range) -> QuerySet:
    lo, hi = due_range or (None, None)
    if lo is not None:
        rows = rows.filter(**{f"{field}__gte": lo})
    if hi is not None:
        rows = rows.filter(**{f"{field}__lt": hi})
    return rows


def _by_case(members, due_range) -> QuerySet:
    """Each of ``members`` with its next due instant (``next_due``), in ``due_range``,
    from their running clocks: on SQLite read case by case from the index of a case's
    running clocks (``clock_open_case_due``), for a few thousand cases."""
    lo, hi = due_range or (None, None)
    clocks = deadlines().filter(case_id__in=members.values("pk"))
    if hi is not None:  # the earliest clock is before ``hi`` if any is
        clocks = clocks.filter(due_at__lt=hi)
    rows = clocks.values("case_id").annotate(next_due=Min("due_at"))
    if lo is not None:
        rows = rows.filter(next_due__gte=lo)
    return rows


def _sorted(cases, due_range, offset: int, limit: int, descending: bool) -> list[int]:
    """Ids of a small queue sorted as it is: by next due instant, cases without one last."""
    due = F("next_due")
    due = due.desc(nulls_last=True) if descending else due.asc(nulls_last=True)
    rows = _in_range(cases.annotate(next_due=next_due()), "next_due", due_range)
    rows = rows.order_by(due, "-pk" if descending else "pk").values_list("pk", flat=True)
    return list(rows[offset : offset + limit])


def _walk(members, due_range, listed: bool) -> QuerySet:
    """The earliest running deadline clock of each of ``members`` in ``due_range``, found
    by walking the index of running clocks (``clock_open_due``) in due order and testing
    each clock's case: against the list of the members' ids when ``listed`` (read once
    from an index), else case by case (a read of the case's row)."""
    running = _in_range(deadlines(), "due_at", due_range)
    # In the order of the index of a case's running clocks (ties: by name, then key).
    first = deadlines().filter(case_id=OuterRef("case_id")).order_by("due_at", "name", "pk")
    if listed:  # SQLite only (see _timed)
        # "+ 0": a list to test against, not one to start from (SQLite would otherwise
        # look up every case of the list and sort them all).
        running = running.alias(member=F("case_id") + 0)
        member = Q(member__in=members.values("pk"))
    else:
        member = Exists(members.filter(pk=OuterRef("case_id")))
    return running.filter(member, pk=Subquery(first.values("pk")[:1]))


def _page(rows, order, offset: int, limit: int) -> list[int]:
    return list(rows.order_by(*order).values_list("case_id", flat=True)[offset : offset + limit])


def _order(due: str, descending: bool) -> tuple[str, str]:
    return (f"-{due}", "-case_id") if descending else (due, "case_id")


def _first_walk(members, due_range, offset: int, limit: int, descending: bool, first: int):
    """On SQLite: the page, if the walk finds it among the first ``first`` clocks in
    range, with how many cases it found counted up to ``offset``; else None."""
    order = _order("due_at", descending)
    rows = _walk(members, due_range, listed=False)
    clocks = _in_range(deadlines(), "due_at", due_range).order_by(*order)
    edge = clocks.values_list("due_at", "case_id")[first : first + 1].first()
    if edge is None:  # no more clocks than that in range: the walk is whole
        return _page(rows, order, offset, limit), lambda: rows.order_by()[:offset].count()
    # Up to the edge clock, not including it. The edge is in range, so its due instant
    # replaces the range's bound on that side: one bound, for the walk to stop there.
    due, case = edge
    lo, hi = due_range or (None, None)
    if descending:
        near = _walk(members, (None, hi), listed=False).filter(
            Q(due_at__gt=due) | Q(due_at=due, case_id__gt=case), due_at__gte=due
        )
    else:
        near = _walk(members, (lo, None), listed=False).filter(
            Q(due_at__lt=due) | Q(due_at=due, case_id__lt=case), due_at__lte=due
        )
    ids = _page(near, order, offset, limit)
    return (ids, lambda: offset) if len(ids) == limit else None


def _first_window(members, due_range, offset: int, limit: int, first: int):
    """On PostgreSQL, in ascending order: the page, if it is found among the first
    ``first`` clocks in range, read in growing steps, with how many cases were found
    counted up to ``offset``; else None. (Its planner, which thinks a queue's cases few,
    would join them to their clocks rather than stop early.) A case's earliest clock
    comes first, so each case counts where it first appears, unless it has a clock
    before the range (then it is not in the queue)."""
    end = offset + limit
    clocks = _in_range(deadlines(), "due_at", due_range).order_by("due_at", "case_id")
    clocks = clocks.values_list("case_id", flat=True)
    lo = (due_range or (None, None))[0]
    seen: dict[int, None] = {}
    found: list[int] = []
    done, step = 0, 2 * end
    while done < first:
        step = min(step, first - done)
        part = list(clocks[done : done + step])
        done += len(part)
        new = [pk for pk in dict.fromkeys(part) if pk not in seen]
        seen.update(dict.fromkeys(new))
        kept = set(members.filter(pk__in=new).values_list("pk", flat=True))
        if lo is not None and kept:
            earlier = deadlines().filter(case_id__in=kept, due_at__lt=lo)
            kept -= set(earlier.values_list("case_id", flat=True))
        found += [pk for pk in new if pk in kept]
        if len(found) >= end or len(part) < step:
            return found[offset:end], partial(min, len(found), offset)
        step *= 4
    return None


def _timed(members, due_range, offset: int, limit: int, descending: bool):
    """Ids of ``members`` ``offset`` … ``offset + limit`` by next due instant, among those
    with a deadline running in ``due_range``; and how many of those there are, counted
    up to ``offset`` (a function: it is needed only when the page is not full)."""
    if _count(members, BY_CASE + 1) <= BY_CASE:
        rows = _by_case(members, due_range)
        ids = _page(rows, _order("next_due", descending), offset, limit)
        return ids, lambda: rows.order_by()[:offset].count()
    # A first pass over the first clocks in due order: enough when the queue's cases are
    # close together in due order, as the district's and a street's are.
    first = min(max(FIRST_PASS, FIRST_PASS_PER_ROW * (offset + limit)), FIRST_PASS_MAX)
    if connection.vendor == "sqlite":
        page = _first_walk(members, due_range, offset, limit, descending, first)
    else:
        page = None if descending else _first_window(members, due_range, offset, limit, first)
    if page is not None:
        return page
    # Sparse among the clocks. PostgreSQL joins the cases to their clocks by hashing
    # them; SQLite, which joins by looking rows up, walks the clocks in due order and
    # tests each case against the list of the cases' ids, or reads its row when they
    # are too many to list (then they are a good share of all cases).
    if connection.vendor != "sqlite":
        rows, order = _by_case(members, due_range), _order("next_due", descending)
    else:
        listed = _count(members, CAP + 1) <= CAP
        rows, order = _walk(members, due_range, listed), _order("due_at", descending)
    return _page(rows, order, offset, limit), lambda: rows.order_by()[:offset].count()


def by_due(cases, due_range, offset: int, limit: int, descending: bool) -> list[int]:
    """Ids of the queue's cases ``offset`` … ``offset + limit`` by next due instant, then
    by number (both reversed when ``descending``); cases without a deadline running
    follow unless the queue is defined by ``due_range``."""
    if _count(cases, SORTED + 1) <= SORTED:
        return _sorted(cases, due_range, offset, limit, descending)
    # A case with a deadline running is in one of these states.
    members = cases.filter(state__in=sorted(deadline_states()))
    ids, counted = _timed(members, due_range, offset, limit, descending)
    if len(ids) == limit or due_range is not None:
        return ids
    # The running clocks are used up: the cases without one follow, by number.
    timed = offset + len(ids) if ids else counted()
    idle = cases.exclude(Exists(deadlines().filter(case_id=OuterRef("pk"))))
    start = offset + len(ids) - timed
    rest = idle.order_by("-pk" if descending else "pk").values_list("pk", flat=True)
    return ids + list(rest[start : start + limit - len(ids)])


def by_number(cases, due_range, offset: int, limit: int, descending: bool) -> list[int]:
    """Ids of the queue's cases ``offset`` … ``offset + limit`` by number (the primary
    key, which grows with time). A big queue is read along the primary key in growing
    steps until the page is reached: the work grows with the page, not with the queue."""
    small = _count(cases, SORTED + 1) <= SORTED
    if due_range is not None:
        cases = _in_range(cases.annotate(next_due=next_due()), "next_due", due_range)
    rows = cases.order_by("-pk" if descending else "pk").values_list("pk", flat=True)
    if small:
        return list(rows[offset : offset + limit])
    low = Case.objects.order_by("pk").values_list("pk", flat=True).first()
    high = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
    found: list[int] = []
    step = 4 * (offset + limit)
    edge = high + 1 if descending else low
    while len(found) < offset + limit and low <= edge <= high + 1:
        if descending:
            found += _along_key(rows.filter(pk__gte=edge - step, pk__lt=edge))
            edge -= step
        else:
            found += _along_key(rows.filter(pk__gte=edge, pk__lt=edge + step))
            edge += step
        step *= 2
    return found[offset : offset + limit]


def _along_key(rows) -> list:
    """The rows, read along the primary key on SQLite (``NOT INDEXED``): the planner would
    rather take an index of the queue's filters, and read the whole queue for a slice."""
    if connection.vendor != "sqlite":
        return list(rows)
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # the filters rule out every case
        return []
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.replace(f"FROM {table}", f"FROM {table} NOT INDEXED", 1), params)
        return [row[0] for row in cursor.fetchall()]


class QueuePage:
    """What the queue template reads of a page, known without counting the queue: the
    page count is exact once the last page is reached, "n+" before."""

    def __init__(self, rows, number: int, more: bool):
        self.object_list, self.number, self.more = rows, number, more
        self.paginator = self
        if more:
            self.num_pages = f"{number + 1}+"
        else:
            self.num_pages = number

    def has_next(self):
        return self.more

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.more or self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def default_order(key: str) -> str:
    """Work queues come most urgent first; "all" newest first (numbers grow with time)."""
    return "-created" if BY_KEY[key].newest_first else "due"


def read_page(user, key: str, filters: dict, order: str, number: int, now) -> QueuePage:
    """Page ``number`` (from 1) of queue ``key`` as ``user`` sees it, narrowed by
    ``filters`` and in ``order`` (one of ORDERS); each case with its category, its
    responsible body and its next due instant (``next_due``)."""
    cases, due_range = queue_cases(user, key, now)
    cases = narrow(cases, key, filters)
    number = min(max(1, number), MAX_PAGE)
    offset = (number - 1) * PAGE_SIZE
    read = by_number if order in ("created", "-created") else by_due
    ids = read(cases, due_range, offset, PAGE_SIZE + 1, order in ("-created", "-due"))
    found = (
        Case.objects.filter(pk__in=ids[:PAGE_SIZE])
        .annotate(next_due=next_due())
        .select_related("category", "responsible_body")
        .in_bulk()
    )
    rows = [found[pk] for pk in ids[:PAGE_SIZE]]
    return QueuePage(rows, number, more=len(ids) > PAGE_SIZE)
