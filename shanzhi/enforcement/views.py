"""Pages of delegated enforcement: thin — parse, check access, call the action, answer.
The matter list and the published decisions are public; everything else needs a login
and the access helpers of ``access.py``."""

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shanzhi.cases import clocks as case_clocks
from shanzhi.cases.engine import TransitionConflict, allowed_transitions
from shanzhi.duties.calendar import current_calendar
from shanzhi.enforcement import (
    access,
    actions,
    charts,
    devices,
    documents,
    files,
    rules,
    supervision,
)
from shanzhi.enforcement import procedures as p
from shanzhi.enforcement.models import (
    Annulment,
    Conclusion,
    DelegatedMatter,
    Device,
    FileKind,
    Officer,
    PartyKind,
    PenaltyKind,
    Publication,
    Source,
)
from shanzhi.legal.gate import refusal
from shanzhi.org.models import Body, BodyKind, Level, Region


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _pk(value) -> int:
    """A posted key; 0 (no row) for anything that is not a number."""
    return int(value) if (value or "").isdigit() else 0


def _date(value, field_name):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field_name: _("Enter a date as YYYY-MM-DD.")}) from None


def _datetime(value, field_name):
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({field_name: _("Enter a date and time.")}) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# --- public pages ---------------------------------------------------------------------


def matter_list(request):
    """The public list of delegated matters per street (Art. 24, Art. 39)."""
    matters = (
        DelegatedMatter.objects.filter(active=True)
        .select_related("department")
        .prefetch_related(Prefetch("streets", queryset=Region.objects.defer("geometry")))
        .order_by("power_code")
    )
    by_street: dict = {}
    for matter in matters:
        for street in matter.streets.all():
            if street.is_active:
                by_street.setdefault(street, []).append(matter)
    teams = {
        team.region_id: team
        for team in Body.objects.filter(
            region__in=list(by_street), kind=BodyKind.ENFORCEMENT_BRIGADE, is_active=True
        )
    }
    rows = [
        (street, teams.get(street.pk), by_street[street])
        for street in sorted(by_street, key=lambda s: s.code)
    ]
    return render(request, "enforcement/matters_public.html", {"rows": rows, "basis": p})


def publications(request):
    """Published penalty decisions (双公示, Art. 48), personal data minimised."""
    items = (
        Publication.objects.filter(published_at__isnull=False, withdrawn_at__isnull=True)
        .select_related("ecase__matter", "ecase__street")
        .order_by("-published_at")[:200]
    )
    return render(request, "enforcement/publications.html", {"items": items, "basis": p})


# --- matters, evaluations, officers ---------------------------------------------------


@login_required
def matter_admin(request):
    access.require_manage(request.user)
    matters = DelegatedMatter.objects.select_related("department").prefetch_related("streets")
    return render(request, "enforcement/matter_admin.html", {"matters": matters})


def _matter_context(matter, errors=()):
    return {
        "matter": matter,
        "errors": errors,
        "departments": Body.objects.filter(kind=BodyKind.DEPARTMENT, is_active=True),
        "streets": Region.objects.filter(level=Level.STREET, is_active=True),
        "chosen_streets": {s.pk for s in matter.streets.all()} if matter.pk else set(),
        "kinds": PenaltyKind.choices,
    }


@login_required
def matter_edit(request, pk=None):
    access.require_manage(request.user)
    matter = get_object_or_404(DelegatedMatter, pk=pk) if pk else DelegatedMatter()
    if request.method == "POST":
        data = request.POST
        try:
            matter.power_code = data.get("power_code", "").strip()
            matter.name = data.get("name", "").strip()
            matter.legal_basis = data.get("legal_basis", "").strip()
            matter.decision_number = data.get("decision_number", "").strip()
            matter.decision_date = _date(data.get("decision_date"), "decision_date")
            if matter.decision_date is None:
                raise ValidationError({"decision_date": _("Enter the date of the decision.")})
            matter.department = Body.objects.filter(pk=_pk(data.get("department"))).first()
            matter.scope = data.get("scope", "").strip()
            matter.penalty_kinds = data.getlist("penalty_kinds")
            matter.fine_min = actions._money(data.get("fine_min"), "fine_min")
            matter.fine_max = actions._money(data.get("fine_max"), "fine_max")
            matter.on_the_spot = bool(data.get("on_the_spot"))
            matter.active = bool(data.get("active"))
            streets = Region.objects.filter(
                pk__in=[v for v in data.getlist("streets") if v.isdigit()]
            )
            actions.do_save_matter(matter, streets=streets, actor=request.user)
        except ValidationError as exc:
            return render(
                request,
                "enforcement/matter_edit.html",
                _matter_context(matter, _errors(exc)),
                status=400,
            )
        messages.success(request, _("Saved."))
        return redirect("enforcement:matter_admin")
    return render(request, "enforcement/matter_edit.html", _matter_context(matter))


@login_required
def matter_evaluate(request, pk):
    matter = get_object_or_404(DelegatedMatter, pk=pk)
    if not access.may_evaluate(request.user, matter):
        raise Http404(_("Not found."))
    today = timezone.localdate()
    start = date(today.year, 1, 1)
    context = {
        "matter": matter,
        "conclusions": Conclusion.choices,
        "figures": actions.matter_figures(matter, start, today),
        "start": start,
        "end": today,
        "evaluations": matter.evaluations.all(),
    }
    if request.method == "POST":
        try:
            actions.do_record_evaluation(
                matter,
                actor=request.user,
                period_start=_date(request.POST.get("period_start"), "period_start"),
                period_end=_date(request.POST.get("period_end"), "period_end"),
                conclusion=request.POST.get("conclusion", ""),
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            context["errors"] = _errors(exc)
            return render(request, "enforcement/matter_evaluate.html", context, status=400)
        messages.success(request, _("Evaluation recorded."))
        return redirect("enforcement:matter_evaluate", pk=matter.pk)
    return render(request, "enforcement/matter_evaluate.html", context)


@login_required
def officer_list(request):
    access.require_manage(request.user)
    today = timezone.localdate()
    officers = Officer.objects.select_related("user").prefetch_related("streets", "matters")
    return render(request, "enforcement/officers.html", {"officers": officers, "today": today})


@login_required
def officer_edit(request, pk=None):
    from shanzhi.core.models import User

    access.require_manage(request.user)
    officer = get_object_or_404(Officer, pk=pk) if pk else Officer()
    context = {
        "officer": officer,
        "streets": Region.objects.filter(level=Level.STREET, is_active=True),
        "matters": DelegatedMatter.objects.filter(active=True),
        "chosen_streets": {s.pk for s in officer.streets.all()} if officer.pk else set(),
        "chosen_matters": {m.pk for m in officer.matters.all()} if officer.pk else set(),
    }
    if request.method == "POST":
        data = request.POST
        try:
            user = User.objects.filter(username=data.get("username", "").strip()).first()
            if user is None:
                raise ValidationError({"username": _("No account with this username.")})
            officer.user = user
            officer.certificate_number = data.get("certificate_number", "").strip()
            officer.issued_by = data.get("issued_by", "").strip()
            officer.valid_from = _date(data.get("valid_from"), "valid_from")
            officer.expires_on = _date(data.get("expires_on"), "expires_on")
            if officer.valid_from is None or officer.expires_on is None:
                raise ValidationError({"valid_from": _("Enter the period of validity.")})
            officer.revoked = bool(data.get("revoked"))
            ids = [v for v in data.getlist("streets") if v.isdigit()]
            mids = [v for v in data.getlist("matters") if v.isdigit()]
            actions.do_save_officer(
                officer,
                streets=Region.objects.filter(pk__in=ids),
                matters=DelegatedMatter.objects.filter(pk__in=mids),
                actor=request.user,
            )
        except ValidationError as exc:
            context["errors"] = _errors(exc)
            return render(request, "enforcement/officer_edit.html", context, status=400)
        messages.success(request, _("Saved."))
        return redirect("enforcement:officers")
    return render(request, "enforcement/officer_edit.html", context)


# --- cases ----------------------------------------------------------------------------


@login_required
def case_list(request):
    cases = access.visible_cases(request.user).order_by("-pk")[:300]
    may_register = bool(access.streets_worked(request.user))
    if not cases and not may_register:
        raise Http404(access.NOT_FOUND)
    now = timezone.now()
    calendar = current_calendar()
    deadlines = case_clocks.next_deadlines([c.case_id for c in cases])
    rows = []
    for ecase in cases:
        clock = deadlines.get(ecase.case_id)
        if clock is not None:
            clock.light = case_clocks.light(clock, now, calendar)
            clock.left_text = _left(clock, now, calendar)
        rows.append((ecase, clock))
    return render(
        request,
        "enforcement/case_list.html",
        {"rows": rows, "may_register": may_register},
    )


@login_required
def case_new(request):
    streets = access.streets_worked(request.user)
    if not streets:
        raise Http404(access.NOT_FOUND)
    context = {
        "streets": streets,
        "matters": DelegatedMatter.objects.filter(active=True, streets__in=streets).distinct(),
        "sources": Source.choices,
        "party_kinds": PartyKind.choices,
        "devices": Device.objects.filter(street__in=streets),
        "data": request.POST,
    }
    if request.method == "POST":
        data = request.POST
        try:
            from shanzhi.cases.models import Case

            source_case = None
            if data.get("source_case"):
                source_case = (
                    Case.objects.visible_to(request.user)
                    .filter(number=data["source_case"].strip())
                    .first()
                )
                if source_case is None:
                    raise ValidationError({"source_case": _("No such case in your area.")})
            street = Region.objects.filter(pk=_pk(data.get("street")), level=Level.STREET).first()
            if street is not None and street not in streets:
                raise PermissionDenied(_("You do not work on this street's enforcement cases."))
            ecase = actions.do_register_clue(
                actions.Clue(
                    matter=DelegatedMatter.objects.filter(pk=_pk(data.get("matter"))).first(),
                    street=street,
                    title=data.get("title", ""),
                    description=data.get("description", ""),
                    source=data.get("source", ""),
                    party_kind=data.get("party_kind", ""),
                    party_name=data.get("party_name", ""),
                    party_id=data.get("party_id", ""),
                    party_phone=data.get("party_phone", ""),
                    address=data.get("address", ""),
                    source_case=source_case,
                    device=Device.objects.filter(pk=_pk(data.get("device"))).first(),
                ),
                actor=request.user,
            )
        except ValidationError as exc:
            context["errors"] = _errors(exc)
            return render(request, "enforcement/case_new.html", context, status=400)
        return redirect("enforcement:case", number=ecase.case.number)
    return render(request, "enforcement/case_new.html", context)


def _left(clock, now, calendar) -> str:
    """What is left of a clock, in its own unit, or its verdict once stopped."""
    if clock.stopped_at is not None:
        if clock.on_time is None:
            return _("ended without a verdict")
        return _("on time") if clock.on_time else _("late")
    amount = case_clocks.amount_text(case_clocks.time_left(clock, now, calendar), clock.unit)
    if clock.light == "closed":
        return _("closed")
    if now > clock.due_at:
        return _("overdue by %(time)s") % {"time": amount}
    return _("%(time)s left") % {"time": amount}


def clock_rows(case, now) -> list:
    calendar = current_calendar()
    rows = list(case.clocks.order_by("started_at", "pk"))
    for clock in rows:
        clock.light = case_clocks.light(clock, now, calendar)
        clock.left_text = _left(clock, now, calendar)
    return rows


def case_page_context(request, ecase, errors=()):
    case = ecase.case
    now = timezone.now()
    clocks = clock_rows(case, now)
    writable = access.works_on(request.user, ecase.street)
    allowed = allowed_transitions(request.user, case, owner=p.OWNER)
    steps = allowed if writable else []
    due = actions.payment_due(ecase)
    today = timezone.localdate()
    pending_surcharge = (
        rules.surcharge(ecase.fine, timezone.localtime(due).date(), today)
        if due and ecase.fine and case.state == "served"
        else None
    )
    publication = Publication.objects.filter(ecase=ecase).first()
    review_gap = None  # why the decision may not be taken yet ("" once the review passed)
    if ecase.review_required and not ecase.decided_at:
        review_gap = refusal(case=case, basis=p.ART_58)[1]
    return {
        "review_gap": review_gap,
        "ecase": ecase,
        "case": case,
        "clocks": clocks,
        "steps": steps,
        "may_assign": [t for t in allowed if t.action == "assign"],
        "writable": writable,
        "records": ecase.steps.prefetch_related("officers__user", "files").select_related("device"),
        "officers": Officer.objects.filter(revoked=False).select_related("user"),
        "devices": Device.objects.filter(street=ecase.street),
        "kinds": PenaltyKind.choices,
        "file_kinds": FileKind.choices,
        "review_reasons": actions.REVIEW_REASONS.items(),
        "annulments": Annulment.choices,
        "errors": errors,
        "documents": documents.available(ecase),
        "pending_surcharge": pending_surcharge,
        "payment_due": due,
        "publication": publication,
        "public_text": actions.public_text(ecase) if publication else "",
        "anomalies": supervision.anomalies([ecase], now=now),
        "may_open_evidence": files.may_open_evidence(request.user, ecase),
        "party_masked": rules.mask_name(ecase.party_name)
        if ecase.party_kind == PartyKind.INDIVIDUAL
        else ecase.party_name,
    }


@login_required
def case_page(request, number):
    ecase = access.access_enforcement_case(request.user, number)
    return render(request, "enforcement/case.html", case_page_context(request, ecase))


def _officers(request):
    ids = [v for v in request.POST.getlist("officers") if v.isdigit()]
    return list(Officer.objects.filter(pk__in=ids).select_related("user"))


def _files(request):
    found = []
    for kind in FileKind.values:
        for upload in request.FILES.getlist(f"file_{kind}"):
            found.append((kind, upload))
    return found


@login_required
@require_POST
def case_action(request, number, what):
    """Every mutating step of a case page."""
    ecase = access.access_enforcement_case(request.user, number)
    data = request.POST
    try:
        if what == "assign":
            actions.do_take_step(ecase, "assign", actor=request.user, note=data.get("note", ""))
        else:
            if not access.works_on(request.user, ecase.street):
                raise PermissionDenied(_("You may read this case but not take its steps."))
            _dispatch(request, ecase, what, data)
    except ValidationError as exc:
        # Nothing was stored: show the case as it is in the database.
        ecase = access.access_enforcement_case(request.user, number)
        context = case_page_context(request, ecase, _errors(exc))
        return render(request, "enforcement/case.html", context, status=400)
    except TransitionConflict as exc:
        messages.error(request, str(exc))
    return redirect("enforcement:case", number=number)


def _dispatch(request, ecase, what, data):
    user = request.user
    common = {"note": data.get("note", ""), "files": _files(request)}
    if what == "evidence":
        actions.do_record_evidence(
            ecase,
            actor=user,
            officers=_officers(request),
            device=Device.objects.filter(pk=_pk(data.get("device"))).first(),
            **common,
        )
    elif what == "statement":
        actions.do_record_statement(ecase, actor=user, **common)
    elif what == "schedule_hearing":
        actions.do_schedule_hearing(
            ecase,
            actor=user,
            hearing_at=_datetime(data.get("hearing_at"), "hearing_at"),
            note=data.get("note", ""),
        )
    elif what == "require_review":
        actions.do_require_review(ecase, actor=user, reason=data.get("review_reason", ""))
    elif what == "publish":
        actions.do_publish(ecase, actor=user, text=data.get("text", ""))
    elif what == "annul":
        actions.do_record_annulment(
            ecase, actor=user, kind=data.get("kind", ""), reason=data.get("reason", "")
        )
    elif what == "withdraw":
        actions.do_withdraw_publication(ecase, actor=user)
    elif what in actions.STEPS:
        actions.do_take_step(
            ecase,
            what,
            actor=user,
            officers=_officers(request),
            filing_standard=data.get("filing_standard", ""),
            penalty_kinds=data.getlist("penalty_kinds"),
            fine=data.get("fine") or None,
            review_reason=data.get("review_reason", ""),
            decision_number=data.get("decision_number", ""),
            decision_text=data.get("decision_text", ""),
            paid_on=_date(data.get("paid_on"), "paid_on"),
            first_violation=bool(data.get("first_violation")),
            corrected=bool(data.get("corrected")),
            **common,
        )
    else:
        raise Http404(_("Unknown action."))


@login_required
def document(request, number, kind):
    ecase = access.access_enforcement_case(request.user, number)
    doc = documents.build(ecase, kind, full=access.works_on(request.user, ecase.street))
    if doc is None:
        raise Http404(_("This document does not exist for this case yet."))
    return render(request, "enforcement/document.html", {"ecase": ecase, "doc": doc})


@login_required
def supervision_page(request):
    cases = list(supervision.with_records(access.visible_cases(request.user)))
    if not cases and not access.may_manage(request.user):
        raise Http404(access.NOT_FOUND)
    fig = charts.figures(cases, now=timezone.now())
    return render(
        request,
        "enforcement/supervision.html",
        {"anomalies": fig.anomalies, "fig": fig, "charts": charts.chart_data(fig)},
    )


# --- devices (Art. 41) ----------------------------------------------------------------


def camera_sites(request):
    """The public list of camera sites per street (Art. 41: the sites are published)."""
    return render(
        request,
        "enforcement/camera_sites.html",
        {"streets": devices.published_sites(), "basis": p.ART_41},
    )


def _device_context(errors=(), data=None):
    return {
        "rows": devices.rows(Device.objects.select_related("street").order_by("code")),
        "streets": Region.objects.filter(level=Level.STREET, is_active=True).order_by("code"),
        "records": [(key, label) for key, (_field, label) in devices.RECORDS.items()],
        "errors": errors,
        "data": data or {},
        "today": timezone.localdate(),
        "basis": p.ART_41,
    }


@login_required
def device_admin(request):
    """Register a device; the list with its reviews and publication (Art. 41)."""
    access.require_manage(request.user)
    if request.method == "POST":
        data = request.POST
        try:
            devices.do_register_device(
                code=data.get("code", ""),
                street=Region.objects.filter(
                    pk=data.get("street") if (data.get("street") or "").isdigit() else 0
                ).first(),
                site=data.get("site", ""),
                actor=request.user,
            )
        except ValidationError as exc:
            return render(
                request, "enforcement/devices.html", _device_context(_errors(exc), data), status=400
            )
        messages.success(request, _("Device registered."))
        return redirect("enforcement:devices")
    return render(request, "enforcement/devices.html", _device_context())


@login_required
@require_POST
def device_action(request, pk, what):
    access.require_manage(request.user)
    device = get_object_or_404(Device, pk=pk)
    if what not in devices.RECORDS:
        raise Http404(_("Unknown action."))
    try:
        devices.do_record_device(
            device,
            what,
            on=_date(request.POST.get("on"), "on"),
            reference=request.POST.get("reference", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        return render(
            request, "enforcement/devices.html", _device_context(_errors(exc)), status=400
        )
    messages.success(request, _("Recorded."))
    return redirect("enforcement:devices")
