"""Staff pages of the petition office and the handling bodies: the list, registration,
the petition page with its steps and documents, reading a confidential petitioner, the
leader in charge, the backlog and the annual report. Thin: parse → access → action →
respond."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.cases.access import parties_of
from shanzhi.cases.engine import TransitionConflict, allowed_transitions
from shanzhi.cases.models import Case
from shanzhi.cases.procedure import Party
from shanzhi.core.roles import Role
from shanzhi.org.models import Body, Membership
from shanzhi.petitions import access, actions, pages, procedures, stats
from shanzhi.petitions.forms import (
    STEP_CHOICES,
    ClassForm,
    LeaderForm,
    RegisterForm,
    RevealForm,
    ReviewRequestForm,
    StepForm,
    parse_people,
)
from shanzhi.petitions.identity import Petitioner
from shanzhi.petitions.models import (
    FileKind,
    Petition,
    PetitionChannel,
    PetitionClass,
    Review,
    ReviewLevel,
)
from shanzhi.petitions.steps import do_take_step
from shanzhi.registry.io.sheets import XLSX_CONTENT_TYPE

PAGE_SIZE = 30


def form_errors(form, exc: ValidationError) -> None:
    """Put an action's errors on the form's fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _message_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_safe
@login_required
def petition_list(request):
    """The petitions the user may see, newest first, filtered."""
    visible = Case.objects.visible_to(request.user).filter(procedure=procedures.PETITION)
    petitions = Petition.objects.filter(case__in=visible.values("pk")).select_related(
        "case__responsible_body"
    )
    filters = {k: request.GET.get(k, "").strip()[:40] for k in ("cls", "channel", "state", "q")}
    if filters["cls"] in PetitionClass.values:
        petitions = petitions.filter(petition_class=filters["cls"])
    if filters["channel"] in PetitionChannel.values:
        petitions = petitions.filter(channel=filters["channel"])
    if filters["state"]:
        petitions = petitions.filter(case__state=filters["state"])
    if filters["q"]:
        petitions = petitions.filter(case__number__startswith=filters["q"].upper())
    flag = request.GET.get("flag", "")
    if flag == "first":
        petitions = petitions.filter(is_first=True)
    elif flag == "repeat":
        petitions = petitions.filter(repeat_of__isnull=False)
    page = Paginator(petitions.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "petitions/list.html",
        {
            "page": page,
            "filters": filters,
            "flag": flag,
            "query": query.urlencode(),
            "classes": PetitionClass.choices,
            "channels": PetitionChannel.choices,
            "states": [(s.key, s.label) for s in procedures.PETITION_PROCEDURE.states],
            "may_register": access.may_register(request.user),
            "may_see_statistics": access.may_see_statistics(request.user),
        },
    )


def _registration(form) -> actions.Registration:
    data = form.cleaned_data
    uploads = [(FileKind.OTHER, f) for f in data["files"]]
    if data.get("letter"):
        kind = FileKind.FAX if data["channel"] == PetitionChannel.FAX else FileKind.LETTER
        uploads.insert(0, (kind, data["letter"]))
    if data.get("envelope"):
        uploads.insert(1, (FileKind.ENVELOPE, data["envelope"]))
    return actions.Registration(
        petition_class=data["petition_class"],
        channel=data["channel"],
        petitioner=Petitioner(
            kind=data["petitioner_kind"],
            name=data["name"],
            id_number=data["id_number"],
            phone=data["phone"],
            address=data["address"],
            anonymous=data["anonymous"],
            representatives=parse_people(data["representatives"]),
            accompanying=parse_people(data["accompanying"]),
        ),
        subject=data["subject"],
        request=data["request"],
        facts=data["facts"],
        place=data["place"],
        received_at=data["received_at"],
        postmark_date=data["postmark_date"],
        fax_number=data["fax_number"],
        online_reference=data["online_reference"],
        visit_place=data["visit_place"],
        visit_record=data["visit_record"],
        accused=data["accused"],
        accused_body=data["accused_body"],
        category=data["category"],
        account=data["account"],
        files=uploads,
        answer_as_repeat=data["answer_as_repeat"],
    )


@require_http_methods(["GET", "POST"])
@login_required
def register(request):
    access.require_register(request.user)
    form = RegisterForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            petition = actions.do_register_petition(_registration(form), actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            number = petition.case.number
            messages.success(request, _("Registered as %(number)s.") % {"number": number})
            if Case.objects.visible_to(request.user).filter(pk=petition.case_id).exists():
                return redirect("petitions:detail", number)
            # An accusation goes up to the district: the street's office keeps no copy.
            return redirect("petitions:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "petitions/register.html", {"form": form}, status=status)


def _leaders(case) -> list:
    """Leaders whose area covers the case and who are not implicated with it."""
    found = {}
    memberships = Membership.objects.active().filter(role=Role.LEADER).select_related("user")
    for m in memberships.select_related("region"):
        over = m.region_id and case.scope_path.startswith(m.region.path)
        if over and Party.SUPERVISOR in parties_of(m.user, case):
            found.setdefault(m.user_id, m.user)
    return list(found.values())


def _detail(request, case, *, revealed: bool = False, status: int = 200, reveal_form=None):
    petition = case.root
    parties = parties_of(request.user, case)
    cases = pages.chain(petition)
    hidden = access.hidden(request.user, case) and not revealed
    may_read = access.may_read(request.user, case)
    review = Review.objects.filter(case=case).first()
    transitions = allowed_transitions(request.user, case, owner=procedures.OWNER)
    body_choices = Body.objects.active().order_by("region__path", "name")
    answered = case.state in actions.ANSWERED
    context = {
        "case": case,
        "petition": petition,
        "review": review,
        "chain": cases,
        "clocks": pages.clock_rows(case),
        "events": pages.timeline([case], petitioner=False),
        "documents": pages.documents_of(cases) if may_read else [],
        "files": list(case.petition_files.all()) if may_read and not hidden else [],
        "participants": list(petition.participants.all()) if may_read and not hidden else [],
        "transitions": transitions,
        "bodies": body_choices if any("body" in t.needs for t in transitions) else [],
        "choices": STEP_CHOICES,
        "hidden": hidden,
        "may_read": may_read,
        "show_identity": may_read and not hidden,
        "revealed": revealed,
        "reveal_form": reveal_form or RevealForm(),
        "is_review": review is not None,
        "may_lead": Party.SUPERVISOR in parties
        and not case.procedure_def.by_state[case.state].final,
        "leaders": _leaders(case) if Party.SUPERVISOR in parties else [],
        "may_request_review": Party.DISPATCHER in parties and answered,
        "next_level": (review.level + 1) if review is not None else ReviewLevel.REVIEW,
        "may_reclassify": case.procedure == procedures.PETITION
        and not petition.confidential
        and bool(parties & {Party.DISPATCHER, Party.HANDLER}),
        "classes": [c for c in PetitionClass.choices if c[0] != PetitionClass.ACCUSATION],
    }
    return render(request, "petitions/detail.html", context, status=status)


@require_safe
@login_required
def detail(request, number):
    case = access.access_petition(request.user, number)
    if access.is_petitioner(request.user, case) and not parties_of(request.user, case) - {
        Party.REQUESTER
    }:
        return redirect("petitions:mine_detail", case.number)
    return _detail(request, case)


@require_POST
@login_required
def reveal(request, number):
    """Show the petitioner and the material of a confidential petition to an officer
    whose duty needs them, for the purpose they give; the reading is logged."""
    case = access.access_petition(request.user, number)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _detail(request, case, status=400, reveal_form=form)
    access.do_reveal(case, actor=request.user, purpose=form.cleaned_data["purpose"])
    return _detail(request, case, revealed=True)


@require_POST
@login_required
def act(request, number, action):
    case = access.access_petition(request.user, number)
    form = StepForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("petitions:detail", number)
    data = form.cleaned_data
    try:
        do_take_step(
            case,
            action,
            actor=request.user,
            note=data["note"],
            body=data["body"],
            assisting=data["assisting"],
            extension=data["extension"],
            satisfaction=data["satisfaction"],
            outcome=data["outcome"],
            findings=data["findings"],
            opinion=data["opinion"],
            basis=data["basis"],
            channel=data["channel"],
            remedy=data["remedy"],
            delivery=data["delivery"],
        )
    except ValidationError as exc:
        _message_errors(request, exc)
    except (TransitionConflict, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        label = case.procedure_def.by_action[action].label
        messages.success(request, _("Done: %(action)s.") % {"action": label})
    if not Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("petitions:list")
    return redirect("petitions:detail", number)


def _document(request, number, pk):
    case = access.access_petition(request.user, number)
    cases = pages.chain(case.root)
    document = next((d for d in pages.documents_of(cases) if d.pk == pk), None)
    if document is None or not access.may_read(request.user, case):
        raise Http404(access.NOT_FOUND)
    if case.root.confidential and not access.is_petitioner(request.user, case):
        access.log_reading(
            case,
            actor=request.user,
            action="petition.read_document",
            purpose="handle",
            what=document.number,
        )
    return case, document


@require_safe
@login_required
def document(request, number, pk):
    """A document as issued, printable."""
    case, doc = _document(request, number, pk)
    return render(request, "petitions/document.html", {"case": case, "document": doc})


@require_safe
@login_required
def material(request, number, pk):
    """A file of the petition's material; reading a confidential one is logged."""
    case = access.access_petition(request.user, number)
    upload = case.petition_files.filter(pk=pk).first()
    if upload is None or not access.may_read(request.user, case):
        raise Http404(access.NOT_FOUND)
    if case.root.confidential and not access.is_petitioner(request.user, case):
        access.log_reading(
            case,
            actor=request.user,
            action="petition.read_file",
            purpose="handle",
            what=upload.name,
        )
    return FileResponse(upload.file.open("rb"), content_type=upload.content_type)


@require_POST
@login_required
def leader(request, number):
    case = access.access_petition(request.user, number)
    form = LeaderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a leader over the petition's area."))
        return redirect("petitions:detail", number)
    try:
        actions.do_assign_leader(
            case.root,
            actor=request.user,
            leader=form.cleaned_data["leader"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _("The leader in charge is recorded."))
    return redirect("petitions:detail", number)


@require_POST
@login_required
def reclassify(request, number):
    case = access.access_petition(request.user, number)
    form = ClassForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose another class."))
        return redirect("petitions:detail", number)
    try:
        actions.do_reclassify(
            case.root,
            form.cleaned_data["petition_class"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _("The class is changed."))
    return redirect("petitions:detail", number)


@require_http_methods(["GET", "POST"])
@login_required
def review_request(request, number):
    """The petition office registers a request for a review (复查) or re-review (复核)
    received by letter or in person."""
    case = access.access_petition(request.user, number)
    petition = case.root
    level = ReviewLevel.REREVIEW if request.GET.get("level") == "2" else ReviewLevel.REVIEW
    if Party.DISPATCHER not in parties_of(request.user, case):
        raise PermissionDenied(
            _("A review is asked for by the petitioner, or registered by the petition office.")
        )
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = actions.do_request_review(
                petition,
                level,
                actor=request.user,
                reasons=data["reasons"],
                requested_at=data["requested_at"],
                postmark=data["postmark_date"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("Registered as %(number)s.") % {"number": review.case.number}
            )
            return redirect("petitions:detail", review.case.number)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "petitions/review_request.html",
        {"case": case, "petition": petition, "form": form, "level": ReviewLevel(level)},
        status=status,
    )


@require_safe
@login_required
def backlog(request):
    """Petitions past a time limit (积案), for the leaders who take personal charge."""
    rows = stats.backlog(request.user)
    roots = {}
    for clock in rows:
        clock.case.root = roots.setdefault(clock.case_id, access.root_of(clock.case))
    return render(
        request,
        "petitions/backlog.html",
        {"rows": [c for c in rows if c.case.root is not None], "now": timezone.now()},
    )


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), date.today().year + 1)


@require_safe
@login_required
def statistics(request):
    if not access.may_see_statistics(request.user):
        raise PermissionDenied(_("Your role does not read the petition statistics."))
    year = _year(request)
    report = stats.annual(request.user, year)
    return render(request, "petitions/statistics.html", {"report": report, "year": year})


@require_safe
@login_required
def statistics_xlsx(request):
    if not access.may_see_statistics(request.user):
        raise PermissionDenied(_("Your role does not read the petition statistics."))
    year = _year(request)
    report = stats.annual(request.user, year)
    title = _("Petition statistics %(year)d (信访工作条例 Art. 41)") % {"year": year}
    actions.log_export(request.user, year)
    content = stats.report_xlsx(report, title=title)
    return FileResponse(
        content,
        as_attachment=True,
        filename=f"petitions-{year}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
