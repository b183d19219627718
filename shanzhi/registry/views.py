"""Registry pages for the staff of an area: find a person, read their card (masked, with
a logged reveal), list a grid's buildings, and the access log for auditors. Thin: parse,
check access, call the action or query, render."""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from shanzhi.lib import codes, idcard
from shanzhi.org.models import Region
from shanzhi.registry import blindindex
from shanzhi.registry.access import (
    access_person,
    care_kinds_at,
    may_reveal,
    readable_filter,
    require_access_log_reader,
    require_reader,
)
from shanzhi.registry.actions import do_reveal_field
from shanzhi.registry.forms import GridForm, PeopleSearchForm, RevealForm
from shanzhi.registry.models import (
    RENTAL_USES,
    Building,
    CareTag,
    HouseholdMember,
    Person,
    PersonalDataAccess,
    PersonRecord,
)
from shanzhi.registry.protection import PURPOSES

PEOPLE_SHOWN = 50
LOG_SHOWN = 200
_ID_LIKE = re.compile(r"[0-9Xx\s]{15,}")
_PHONE_LIKE = re.compile(r"[0-9+\-\s()]{7,}")


def _visible_grids(user):
    return Region.objects.active().grids().filter(readable_filter(user)).order_by("code")


def search_people(user, q: str, *, grid=None, former=False):
    """People visible to ``user`` matching ``q``: an exact ID number or phone number
    through the blind index, else part of the current name. With the latest record of
    each."""
    people = Person.objects.visible_to(user)
    q = q.strip()
    if q and _ID_LIKE.fullmatch(q):
        if re.fullmatch(r"\d{15}", idcard.normalize(q)):  # an old number, stored upgraded
            q = idcard.upgrade_15(q)
        people = people.with_id_number(q)
    elif q and _PHONE_LIKE.fullmatch(q):
        people = people.filter(records__phone_index=blindindex.phone(q))
    elif q:
        lookup = Q(records__name__contains=q)
        if not former:
            lookup &= Q(records__valid_to__isnull=True)
        people = people.filter(lookup)
    elif not former:
        people = people.active()
    if grid is not None:
        people = people.filter(grid=grid)
    people = people.distinct().select_related("grid").order_by("path", "pk")
    people = list(people[: PEOPLE_SHOWN + 1])
    latest = {}
    for record in PersonRecord.objects.filter(person__in=people).order_by("person", "number"):
        latest[record.person_id] = record
    return [(p, latest.get(p.pk)) for p in people]


@require_safe
@login_required
def people(request):
    require_reader(request.user)
    grids = _visible_grids(request.user)
    form = PeopleSearchForm(request.GET or None, grids=grids)
    rows, note = [], ""
    if form.is_valid() or not request.GET:
        data = form.cleaned_data if request.GET else {}
        q = data.get("q", "")
        if q and _ID_LIKE.fullmatch(q.strip()) and len(idcard.normalize(q)) == 18:
            reason = _id_problem(q)
            if reason:
                note = reason
        elif q and _PHONE_LIKE.fullmatch(q.strip()) and not codes.is_valid_phone(q):
            note = _("“%(q)s” is not a complete phone number: search needs the full number.") % {
                "q": q
            }
        rows = search_people(
            request.user, q, grid=data.get("grid"), former=data.get("former", False)
        )
    more = len(rows) > PEOPLE_SHOWN
    return render(
        request,
        "registry/people.html",
        {"form": form, "rows": rows[:PEOPLE_SHOWN], "more": more, "note": note},
    )


def _id_problem(q: str) -> str:
    try:
        idcard.parse(q)
    except idcard.IdNumberError as exc:
        return exc.message
    return ""


@require_safe
@login_required
def person_detail(request, pk):
    person = access_person(request.user, pk)
    records = list(
        person.records.select_related("grid", "dwelling", "recorded_by").order_by("-number")
    )
    current = next((r for r in records if r.is_current), None)
    membership = (
        HouseholdMember.objects.current().filter(person=person).select_related("household").first()
    )
    household = []
    if membership is not None:
        household = list(
            membership.household.members.current().select_related("person").order_by("pk")
        )
        names = {
            r.person_id: r.name
            for r in PersonRecord.objects.current().filter(
                person__in=[m.person_id for m in household]
            )
        }
        for member in household:
            member.name = names.get(member.person_id, "")
    care_tags = (
        CareTag.objects.visible_to(request.user).filter(person=person).order_by("-valid_from")
    )
    present = {"id_number": person.id_number_masked, "phone": current and current.phone_masked}
    revealable = {
        name: bool(value) and may_reveal(request.user, person.path, name)
        for name, value in present.items()
    }
    return render(
        request,
        "registry/person.html",
        {
            "person": person,
            "current": current,
            "records": records,
            "membership": membership,
            "household": household,
            "care_tags": care_tags,
            "care_kinds_hidden": not care_kinds_at(request.user, person.path),
            "tenancies": person.tenancies.select_related("dwelling").order_by("-valid_from"),
            "revealable": revealable,
            "purposes": list(PURPOSES.items()),
        },
    )


@require_POST
@login_required
def reveal(request, pk):
    person = access_person(request.user, pk)
    form = RevealForm(request.POST)
    context = {"person": person, "value": None, "error": None, "field": request.POST.get("field")}
    status = 200
    if not form.is_valid():
        context["error"] = " ".join(e for errors in form.errors.values() for e in errors)
        status = 400
    else:
        try:
            context["value"] = do_reveal_field(
                person,
                form.cleaned_data["field"],
                actor=request.user,
                purpose=form.cleaned_data["purpose"],
            )
        except PermissionDenied as exc:
            context["error"] = str(exc)
            status = 403
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            status = 400
    template = (
        "registry/reveal_fragment.html"
        if request.headers.get("HX-Request")
        else "registry/reveal.html"
    )
    return render(request, template, context, status=status)


@require_safe
@login_required
def buildings(request):
    require_reader(request.user)
    grids = _visible_grids(request.user)
    form = GridForm(request.GET or None, grids=grids)
    grid = form.cleaned_data["grid"] if request.GET and form.is_valid() else None
    rows = []
    if grid is not None:
        rows = (
            Building.objects.visible_to(request.user)
            .filter(grid=grid)
            .annotate(
                dwelling_count=Count("dwellings", filter=Q(dwellings__is_active=True)),
                rented_count=Count(
                    "dwellings",
                    filter=Q(dwellings__is_active=True, dwellings__use__in=RENTAL_USES),
                ),
            )
            .order_by("-is_active", "address_key")
        )
    return render(
        request, "registry/buildings.html", {"form": form, "grid": grid, "buildings": rows}
    )


@require_safe
@login_required
def access_log(request):
    require_access_log_reader(request.user)
    entries = PersonalDataAccess.objects.visible_to(request.user).select_related("actor")
    return render(request, "registry/access_log.html", {"entries": entries[:LOG_SHOWN]})
