"""Staff pages for cases: work queues, case detail with timeline and clocks, the
actions allowed now, intake. Views parse, check access, call the engine, respond."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.cases import clocks as clock_ops
from shanzhi.cases import extensions, queues
from shanzhi.cases.access import (
    access_case,
    may_see_requester,
    only_follows,
    parties_of,
)
from shanzhi.cases.bulk import bulk_actions
from shanzhi.cases.engine import (
    Intake,
    TransitionConflict,
    allowed_transitions,
    do_create_case,
    do_transition,
)
from shanzhi.cases.follow import follower_count, follows
from shanzhi.cases.forms import ActionForm, IntakeForm, ResidentReportForm, SuperviseForm
from shanzhi.cases.models import Case
from shanzhi.cases.privacy import PURPOSES, may_reveal
from shanzhi.cases.procedure import Party, all_procedures
from shanzhi.cases.supervision import do_supervise, may_answer
from shanzhi.core.audit import action_label
from shanzhi.core.models import AuditEvent
from shanzhi.duties.calendar import current_calendar
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import publicdata
from shanzhi.org.access import scope_of

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


@require_safe
@login_required
def queue(request):
    """A work queue (``cases/queues.py``), one page, narrowed by the filters."""
    now = timezone.now()
    key = request.GET.get("queue", "all")
    if key not in queues.BY_KEY:
        key = "all"
    filters = {name: request.GET.get(name, "").strip()[:60] for name in queues.FILTERS}
    order = request.GET.get("order", "")
    if order not in queues.ORDERS:
        order = queues.default_order(key)
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    page = queues.read_page(request.user, key, filters, order, number, now)
    # The lights follow the one rule of the case page (clocks.light): each case's running
    # deadline that falls due first, read for the page in one query.
    deadlines = clock_ops.next_deadlines([case.pk for case in page.object_list])
    calendar = current_calendar()
    for case in page.object_list:
        case.light = clock_ops.light(deadlines.get(case.pk), now, calendar)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "queue": key,
        "queues": [(q.key, q.label) for q in queues.QUEUES],
        "filters": filters,
        "order": order,
        "query": query.urlencode(),
        "procedures": all_procedures(),
        "categories": MatterCategory.objects.filter(parent__isnull=True, is_active=True),
        "bulk_actions": bulk_actions().items(),
    }
    template = "cases/queue_rows.html" if request.headers.get("HX-Request") else "cases/queue.html"
    return render(request, template, context)


@require_safe
@login_required
def detail(request, number):
    case = access_case(request.user, number)
    now = timezone.now()
    case_clocks = list(case.clocks.all())
    calendar = current_calendar()
    for clock in case_clocks:
        clock.light = clock_ops.light(clock, now, calendar)
        clock.left_text = _left_text(clock, now, calendar)
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
    follower = only_follows(request.user, case)
    form = ActionForm(initial={"body": case.routed_body_id or case.responsible_body_id})
    supervisions = list(case.supervisions.select_related("body", "issued_by", "answered_by"))
    for order in supervisions:
        order.state = order.status(now)
        order.may_answer = order.answered_at is None and may_answer(request.user, order)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "clocks": case_clocks,
            "events": events,
            "transitions": transitions,
            "own_page": reverse(procedure.own_page, args=[case.number])
            if procedure.own_page
            else "",
            "form": form,
            "show_requester": may_see_requester(request.user, case),
            "may_reveal": may_reveal(request.user, case),
            "reveal_purposes": PURPOSES.items(),
            "attachments": [] if follower else case.attachments.all(),
            "requester_view": requester_view,
            "may_supervise": Party.SUPERVISOR in parties
            and case.responsible_body_id is not None
            and not procedure.by_state[case.state].final,
            "supervise_form": SuperviseForm(),
            "supervisions": supervisions,
            "extension_requests": [] if requester_view else list(case.extension_requests.all()),
            "pending_extension": extensions.pending(case),
            # One who only follows the case reads what the public list shows of it and
            # the answers: the requester's own words and address may name them.
            "follower": follower,
            "title": publicdata.redact(case.title) if follower else case.title,
            "followers": follower_count(case),
            "i_follow": follows(request.user, case),
        },
    )


def _left_text(clock, now, calendar) -> str:
    """What is left of a running or paused clock, in its own unit, for the clock table."""
    if clock.stopped_at is not None:
        return ""
    left = clock_ops.time_left(clock, now, calendar)
    amount = clock_ops.amount_text(left, clock.unit)
    if clock.paused_at is not None:
        return _("paused, %(time)s left") % {"time": amount}
    if clock.light == "closed":
        return _("closed")
    if now > clock.due_at:
        return _("overdue by %(time)s") % {"time": amount} if left else _("overdue")
    if not left:
        return _("due today")
    return _("%(time)s left") % {"time": amount}


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
            category=data["category"],
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
    tiles = {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}
    return render(request, "cases/new.html", {"form": form, "resident": True, "map": tiles})


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
        gcj02=data.get("gcj02", False),
        address=data["address"],
        requester=request.user if resident else None,
        requester_name=request.user.display_name if resident else data["requester_name"],
        requester_phone=(request.user.phone or "") if resident else data["requester_phone"],
        anonymous=data["anonymous"],
        confidential=data["confidential"],
        accused_body=data.get("accused_body"),
    )
    try:
        case = do_create_case(intake, actor=request.user, attachments=data["attachments"])
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
