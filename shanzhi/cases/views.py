"""Staff pages for cases: work queues, case detail with timeline and clocks, the
actions allowed now, intake. Views parse, check access, call the engine, respond."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import CharField, Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.lookups import In
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.cases import clocks as clock_ops
from shanzhi.cases.access import (
    access_case,
    acting_body_ids,
    case_filter,
    may_see_requester,
    parties_of,
)
from shanzhi.cases.engine import (
    Intake,
    TransitionConflict,
    allowed_transitions,
    do_create_case,
    do_transition,
)
from shanzhi.cases.forms import ActionForm, IntakeForm, ResidentReportForm, SuperviseForm
from shanzhi.cases.models import Attachment, Case, Clock
from shanzhi.cases.procedure import Party, all_procedures, window_clocks
from shanzhi.cases.supervision import do_supervise
from shanzhi.core.audit import action_label
from shanzhi.core.models import AuditEvent
from shanzhi.duties.models import MatterCategory
from shanzhi.org.access import scope_of

PAGE_SIZE = 30
REQUESTER_EVENTS = {
    "case.create",
    "case.dispatch",
    "case.accept",
    "case.reply",
    "case.answer",
    "case.redirect",
    "case.return_visit",
    "case.evaluate",
    "case.close",
    "case.merge",
    "case.reopen",
}
REQUESTER_NOTES = {"case.reply", "case.answer", "case.redirect", "case.merge"}
QUEUES = [
    ("dispatch", gettext_lazy("To dispatch")),
    ("accept", gettext_lazy("To accept")),
    ("progress", gettext_lazy("In progress")),
    ("check", gettext_lazy("To check")),
    ("near", gettext_lazy("Near due")),
    ("overdue", gettext_lazy("Overdue")),
    ("supervise", gettext_lazy("To supervise")),
    ("all", gettext_lazy("All")),
]


# Queues are paged without counting them whole: a district's "all" holds millions of
# cases (measured: bench/queues.py, docs/performance.md). Up to QUEUE_SMALL cases a
# queue is sorted as it is; bigger ones are read in due order by walking the index of
# running clocks (each case once, at its next due instant), testing each clock's case
# against the queue: through the list of the queue's case ids, read from an index, when
# it has at most QUEUE_CAP of them; else case by case (a row read each; then a good
# share of the clocks walked are the queue's).
# By number, queues up to QUEUE_SMALL are sorted; bigger ones are read along the key.
QUEUE_SMALL = 10_000
QUEUE_CAP = 100_000
LIST_MAX = 2_000  # case ids written into a query as a list


def _indexable(query: Q, own) -> Q:
    """``case_filter``'s query in a shape SQLite answers from its indexes, same cases: a
    path prefix as a range (its LIKE cannot use an index), the cases a body assists as a
    list of ids (a join would repeat cases; mostly the list is empty and drops out), and
    the user's own cases as the list ``own`` of their ids (likewise)."""
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
        children.append(child)
    return Q(*children, _connector=query.connector, _negated=query.negated)


def _queue(user, key: str, now):
    """The cases of a work queue that ``user`` may see, and the range (from, until) their
    next due instant must lie in, or ``None`` when the queue is not defined by it."""
    mine = Case.objects.filter(requester=user).values_list("pk", flat=True)
    own = list(mine[:LIST_MAX])
    if len(own) == LIST_MAX:  # too many to list: read them in the query
        own = mine
    cases = Case.objects.filter(_indexable(case_filter(user), own))
    bodies = acting_body_ids(user)
    if key == "dispatch":
        return cases.filter(state__in=("received", "registered", "objected")), None
    if key == "accept":
        return cases.filter(state="dispatched", responsible_body__in=bodies), None
    if key == "progress":
        return cases.filter(
            state__in=("accepted", "in_progress", "suspended"), responsible_body__in=bodies
        ), None
    if key == "check":
        return cases.filter(procedure="grid_event", state__in=("reported", "handled")), None
    if key == "overdue":
        return cases, (None, now)
    if key == "near":
        return cases, (now, now + timezone.timedelta(days=1))
    if key == "supervise":
        overdue = Clock.objects.overdue(now).filter(case_id=OuterRef("pk"))
        return cases.filter(Q(state="objected") | Exists(overdue)), None
    return cases, None


def _deadlines():
    """Running clocks that someone must meet (a window, like the objection period, is
    not a deadline: it never turns red)."""
    return Clock.objects.running().exclude(name__in=window_clocks())


def _next_due():
    running = _deadlines().filter(case_id=OuterRef("pk")).order_by("due_at", "pk")
    return Subquery(running.values("due_at")[:1])


def _by_due(cases, due_range, size: int, offset: int, limit: int, descending: bool) -> list[int]:
    """Ids of the queue's cases ``offset`` … ``offset + limit`` by next due instant, then
    by number (both reversed when ``descending``; cases without a deadline running come
    last); ``size``: how many cases the queue has, counted up to QUEUE_CAP + 1."""
    lo, hi = due_range or (None, None)
    if size <= QUEUE_SMALL:
        due = F("next_due")
        due = due.desc(nulls_last=True) if descending else due.asc(nulls_last=True)
        rows = cases.annotate(next_due=_next_due())
        if lo is not None:
            rows = rows.filter(next_due__gte=lo)
        if hi is not None:
            rows = rows.filter(next_due__lt=hi)
        rows = rows.order_by(due, "-pk" if descending else "pk").values_list("pk", flat=True)
        return list(rows[offset : offset + limit])
    running = _deadlines()
    first = running.filter(case_id=OuterRef("case_id")).order_by("due_at", "pk").values("pk")[:1]
    if size <= QUEUE_CAP:
        # "+ 0": a list to test against, not one to start from (SQLite would otherwise
        # look up every case of the list and sort them all).
        member = Q(member__in=cases.values("pk"))
        running = running.alias(member=F("case_id") + 0)
    else:
        member = Exists(cases.filter(pk=OuterRef("case_id")))
    walk = running.filter(member, pk=Subquery(first))
    if lo is not None:
        walk = walk.filter(due_at__gte=lo)
    if hi is not None:
        walk = walk.filter(due_at__lt=hi)
    order = ("-due_at", "-case_id") if descending else ("due_at", "case_id")
    ids = list(walk.order_by(*order).values_list("case_id", flat=True)[offset : offset + limit])
    if len(ids) == limit or due_range is not None:
        return ids
    # The running clocks are used up: the cases without one follow.
    walked = offset + len(ids) if ids else walk.values("pk")[:offset].count()
    idle = cases.exclude(Exists(_deadlines().filter(case_id=OuterRef("pk"))))
    start = offset + len(ids) - walked
    rest = idle.order_by("-pk" if descending else "pk").values_list("pk", flat=True)
    return ids + list(rest[start : start + limit - len(ids)])


def _by_number(cases, due_range, size: int, offset: int, limit: int, descending: bool):
    """Ids of the queue's cases ``offset`` … ``offset + limit`` by number (the primary
    key, which grows with time). A big queue is read along the primary key in growing
    steps until the page is reached: the work grows with the page, not with the queue."""
    if due_range is not None:
        cases = cases.annotate(next_due=_next_due()).filter(next_due__lt=due_range[1])
        if due_range[0] is not None:
            cases = cases.filter(next_due__gte=due_range[0])
    rows = cases.order_by("-pk" if descending else "pk").values_list("pk", flat=True)
    if size <= QUEUE_SMALL:
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


def _narrowing(field: str, values: list, indexed: bool):
    """``field IN values`` as a filter that narrows a queue. On SQLite, which has no
    statistics to go by, it is written ``+field`` unless ``indexed``, so that the planner
    keeps to the queue's own index (whose columns include the filters' columns) rather
    than take the column's index (a kind of case, an urgency: half the table)."""
    if indexed or connection.vendor != "sqlite":
        return Q(**{f"{field}__in": values})
    output = IntegerField() if field.endswith("_id") else CharField()
    plain = Func(F(field), template="+%(expressions)s", output_field=output)
    return In(plain, values)


class _QueuePage:
    """What the queue template reads of a page, known without counting the queue: the
    page count is exact for small queues and "n+" for the others."""

    def __init__(self, rows, number: int, more: bool, pages: int | None):
        self.object_list, self.number, self.more = rows, number, more
        self.paginator = self
        self.num_pages = pages if pages is not None else (f"{number + 1}+" if more else number)

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


@require_safe
@login_required
def queue(request):
    now = timezone.now()
    key = request.GET.get("queue", "all")
    if key not in dict(QUEUES):
        key = "all"
    cases, due_range = _queue(request.user, key, now)
    filters = {
        "procedure": request.GET.get("procedure", ""),
        "state": request.GET.get("state", ""),
        "category": request.GET.get("category", ""),
        "urgency": request.GET.get("urgency", ""),
        "q": request.GET.get("q", "").strip()[:60],
    }
    # A queue defined by states or bodies is found through its own index; the filters
    # only narrow it. Queues defined by the clocks or by the area may use the category's.
    own_index = key not in ("overdue", "near", "supervise", "all")
    if filters["procedure"]:
        cases = cases.filter(_narrowing("procedure", [filters["procedure"]], False))
    if filters["state"]:
        cases = cases.filter(state=filters["state"])
    if filters["category"]:
        code = filters["category"]
        categories = MatterCategory.objects.filter(Q(code=code) | Q(parent__code=code))
        ids = list(categories.values_list("pk", flat=True))
        cases = cases.filter(_narrowing("category_id", ids, not own_index))
    if filters["urgency"]:
        cases = cases.filter(_narrowing("urgency", [filters["urgency"]], False))
    if filters["q"]:
        cases = cases.filter(Q(number__startswith=filters["q"]) | Q(title__icontains=filters["q"]))
    # Work queues come most urgent first; "all" newest first (numbers grow with time).
    order = request.GET.get("order") or ("-created" if key == "all" else "due")
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    offset = (number - 1) * PAGE_SIZE
    pages = None
    size = cases.order_by().values("pk")[: QUEUE_CAP + 1].count()
    if order in ("created", "-created"):
        ids = _by_number(cases, due_range, size, offset, PAGE_SIZE + 1, order == "-created")
    else:
        ids = _by_due(cases, due_range, size, offset, PAGE_SIZE + 1, order == "-due")
    more = len(ids) > PAGE_SIZE
    found = (
        Case.objects.filter(pk__in=ids[:PAGE_SIZE])
        .annotate(next_due=_next_due())
        .select_related("category", "responsible_body")
        .in_bulk()
    )
    rows = [found[pk] for pk in ids[:PAGE_SIZE]]
    if not more and (rows or number == 1):
        pages = number
    for case in rows:
        case.light = _light(case.next_due, now)
    page = _QueuePage(rows, number, more, pages)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "queue": key,
        "queues": QUEUES,
        "filters": filters,
        "order": order,
        "query": query.urlencode(),
        "procedures": all_procedures(),
        "categories": MatterCategory.objects.filter(parent__isnull=True, is_active=True),
    }
    template = "cases/queue_rows.html" if request.headers.get("HX-Request") else "cases/queue.html"
    return render(request, template, context)


def _light(due, now) -> str:
    if due is None:
        return ""
    if due < now:
        return "red"
    if due - now < timezone.timedelta(hours=24):
        return "yellow"
    return "green"


@require_safe
@login_required
def detail(request, number):
    case = access_case(request.user, number)
    now = timezone.now()
    case_clocks = list(case.clocks.all())
    for clock in case_clocks:
        clock.light = clock_ops.light(clock, now)
    events = list(AuditEvent.objects.for_object(case).select_related("actor"))
    procedure = case.procedure_def
    parties = parties_of(request.user, case)
    # A requester who is not also staff on the case sees the outcome, not the internals:
    # no internal notes, objections, supervision orders or names of officials.
    requester_view = not (parties - {Party.REQUESTER}) and not scope_of(request.user).is_staff
    if requester_view:
        events = [e for e in events if e.action in REQUESTER_EVENTS]
    for event in events:
        if requester_view and event.action not in REQUESTER_NOTES:
            event.note = ""
        event.label = action_label(event.action)
        event.before_state_label = procedure.state_label(event.before.get("state", ""))
        event.after_state_label = procedure.state_label(event.after.get("state", ""))
    transitions = allowed_transitions(request.user, case)
    form = ActionForm(initial={"body": case.routed_body_id or case.responsible_body_id})
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "clocks": case_clocks,
            "events": events,
            "transitions": transitions,
            "form": form,
            "show_requester": may_see_requester(request.user, case),
            "attachments": case.attachments.all(),
            "requester_view": requester_view,
            "may_supervise": Party.SUPERVISOR in parties
            and case.responsible_body_id is not None
            and not procedure.by_state[case.state].final,
            "supervise_form": SuperviseForm(),
            "supervisions": case.supervisions.select_related("body", "issued_by"),
        },
    )


@require_POST
@login_required
def act(request, number, action):
    case = access_case(request.user, number)
    form = ActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("case_detail", number)
    data = form.cleaned_data
    target = None
    if data["target"]:
        target = Case.objects.visible_to(request.user).filter(number=data["target"].strip()).first()
        if target is None:
            messages.error(
                request, _("No case %(number)s in your area.") % {"number": data["target"]}
            )
            return redirect("case_detail", number)
    try:
        do_transition(
            case,
            action,
            actor=request.user,
            note=data["note"],
            body=data["body"],
            assisting=data["assisting"],
            satisfaction=data["satisfaction"],
            extension=data["extension"],
            target=target,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except (TransitionConflict, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": case.procedure_def.by_action[action].label}
        )
    return redirect("case_detail", number)


@require_POST
@login_required
def supervise(request, number):
    case = access_case(request.user, number)
    form = SuperviseForm(request.POST)
    if form.is_valid():
        try:
            do_supervise(case, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Supervision order issued."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("case_detail", number)


def _save_attachments(case, files, user):
    for upload in files:
        Attachment.objects.create(
            case=case,
            file=upload,
            name=upload.name[:200],
            content_type=upload.content_type,
            size=upload.size,
            uploaded_by=user,
        )


@require_http_methods(["GET", "POST"])
@login_required
def new(request):
    """Staff intake: hotline operators, grid workers, dispatchers."""
    if not _may_register(request.user):
        raise PermissionDenied(_("Your role does not register cases."))
    form = IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        case = _create(request, form, form.cleaned_data["procedure"], form.cleaned_data["channel"])
        if case is not None:
            return redirect("case_detail", case.number)
    return render(request, "cases/new.html", {"form": form, "resident": False})


@require_http_methods(["GET", "POST"])
@login_required
def report(request):
    """A signed-in resident reports a matter (12345 service request, web channel)."""
    form = ResidentReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        case = _create(request, form, "service_request", "web", resident=True)
        if case is not None:
            messages.success(
                request, _("Your case number is %(number)s.") % {"number": case.number}
            )
            return redirect("case_detail", case.number)
    return render(request, "cases/new.html", {"form": form, "resident": True})


def _create(request, form, procedure, channel, resident=False):
    data = form.cleaned_data
    intake = Intake(
        procedure=procedure,
        channel=channel,
        title=data["title"],
        description=data["description"],
        category=data["category"],
        urgency=data.get("urgency") or "normal",
        kind=data.get("kind", ""),
        lon=data["lon"],
        lat=data["lat"],
        address=data["address"],
        requester=request.user if resident else None,
        requester_name=request.user.display_name if resident else data["requester_name"],
        requester_phone=(request.user.phone or "") if resident else data["requester_phone"],
        anonymous=data["anonymous"],
        confidential=data["confidential"],
    )
    try:
        with transaction.atomic():
            case = do_create_case(intake, actor=request.user)
            _save_attachments(case, data["attachments"], request.user)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None
    return case


def _may_register(user) -> bool:
    from shanzhi.core.roles import Role
    from shanzhi.org.access import scope_of

    scope = scope_of(user)
    return scope.everything or bool(
        scope.roles
        & {
            Role.STREET_DISPATCHER,
            Role.GRID_WORKER,
            Role.GRID_LEADER,
            Role.COMMUNITY_STAFF,
            Role.STREET_STAFF,
        }
    )
