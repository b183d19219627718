"""Staff pages for cases: work queues, case detail with timeline and clocks, the
actions allowed now, intake. Views parse, check access, call the engine, respond."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.cases import clocks as clock_ops
from shanzhi.cases.access import access_case, acting_body_ids, may_see_requester, parties_of
from shanzhi.cases.engine import (
    Intake,
    TransitionConflict,
    allowed_transitions,
    do_create_case,
    do_transition,
)
from shanzhi.cases.forms import ActionForm, IntakeForm, ResidentReportForm, SuperviseForm
from shanzhi.cases.models import Attachment, Case, Clock
from shanzhi.cases.procedure import Party, all_procedures
from shanzhi.cases.supervision import do_supervise
from shanzhi.core.models import AuditEvent
from shanzhi.core.templatetags.shanzhi import action_label
from shanzhi.duties.models import MatterCategory

PAGE_SIZE = 30
QUEUES = [
    ("dispatch", "To dispatch"),
    ("accept", "To accept"),
    ("progress", "In progress"),
    ("check", "To check"),
    ("near", "Near due"),
    ("overdue", "Overdue"),
    ("supervise", "To supervise"),
    ("all", "All"),
]


def _queue(user, key: str, now):
    cases = Case.objects.visible_to(user)
    bodies = acting_body_ids(user)
    running = Clock.objects.running().filter(case=OuterRef("pk")).order_by("due_at")
    cases = cases.annotate(next_due=Subquery(running.values("due_at")[:1]))
    if key == "dispatch":
        return cases.filter(state__in=("received", "registered", "objected"))
    if key == "accept":
        return cases.filter(state="dispatched", responsible_body__in=bodies)
    if key == "progress":
        return cases.filter(
            state__in=("accepted", "in_progress", "suspended"), responsible_body__in=bodies
        )
    if key == "check":
        return cases.filter(procedure="grid_event", state__in=("reported", "handled"))
    if key == "overdue":
        return cases.filter(pk__in=Clock.objects.overdue(now).values("case_id"))
    if key == "near":
        return cases.filter(next_due__gte=now, next_due__lt=now + timezone.timedelta(days=1))
    if key == "supervise":
        return cases.filter(
            Q(state="objected") | Q(pk__in=Clock.objects.overdue(now).values("case_id"))
        )
    return cases


@require_safe
@login_required
def queue(request):
    now = timezone.now()
    key = request.GET.get("queue", "all")
    if key not in dict(QUEUES):
        key = "all"
    cases = _queue(request.user, key, now)
    filters = {
        "procedure": request.GET.get("procedure", ""),
        "state": request.GET.get("state", ""),
        "category": request.GET.get("category", ""),
        "urgency": request.GET.get("urgency", ""),
        "q": request.GET.get("q", "").strip()[:60],
    }
    if filters["procedure"]:
        cases = cases.filter(procedure=filters["procedure"])
    if filters["state"]:
        cases = cases.filter(state=filters["state"])
    if filters["category"]:
        cases = cases.filter(
            Q(category__code=filters["category"]) | Q(category__parent__code=filters["category"])
        )
    if filters["urgency"]:
        cases = cases.filter(urgency=filters["urgency"])
    if filters["q"]:
        cases = cases.filter(Q(number__startswith=filters["q"]) | Q(title__icontains=filters["q"]))
    order = request.GET.get("order", "due")
    cases = cases.order_by(
        {"due": "next_due", "-due": "-next_due", "created": "created", "-created": "-created"}.get(
            order, "next_due"
        ),
        "-pk",
    )
    page = Paginator(
        cases.select_related("category", "responsible_body", "grid"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.light = _light(case.next_due, now)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "queue": key,
        "queues": [(k, _(label)) for k, label in QUEUES],
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
    events = AuditEvent.objects.for_object(case).select_related("actor")
    procedure = case.procedure_def
    for event in events:
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
            "may_supervise": Party.SUPERVISOR in parties_of(request.user, case)
            and case.responsible_body_id is not None,
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
