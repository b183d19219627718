"""The grid registry through the API: find people, read a person's card, and reveal a
masked value for a stated purpose. The same rules as the pages apply, because the token
acts as the integration's service account: the people of the integration's area only
(``Person.objects.visible_to``, ``registry.access.access_person``), values masked, a
full value only for a role whose duty needs it, with a purpose, logged in the
personal-data access log (``registry.actions.do_reveal_field``).

There is no bulk listing of people here: a list of personal data leaves the platform as
an export, which needs the export role, carries a watermark and is logged
(``registry.actions.do_export_people``). A search answers at most ``PEOPLE_SHOWN``
people and says when there are more."""

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router
from pydantic import Field

from shanzhi.api.auth import require_scope
from shanzhi.api.errors import ApiError, Code
from shanzhi.api.models import Scope
from shanzhi.api.schemas import Error, Input, refuse_unknown_parameters
from shanzhi.org.models import Region
from shanzhi.registry.access import access_person, care_kinds_at, readable_filter, require_reader
from shanzhi.registry.actions import do_reveal_field
from shanzhi.registry.models import CareTag, HouseholdMember
from shanzhi.registry.protection import PURPOSES
from shanzhi.registry.views import PEOPLE_SHOWN, search_people

router = Router(tags=["registry"])

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


class PeopleFilters(Input):
    q: str = Field(
        "",
        max_length=50,
        description="A full ID number or phone number (exact), or part of a current name.",
    )
    grid: str | None = Field(None, max_length=15, description="A grid code of your area.")
    former: bool = Field(False, description="Include people who no longer live in the area.")


class PersonRow(Input):
    id: int
    name: str
    sex: str
    birth_year: int | None
    id_number: str = Field(description="Masked, e.g. 3201**********1234.")
    phone: str = Field(description="Masked.")
    registration: str
    grid: str
    current: bool


class PeoplePage(Input):
    results: list[PersonRow]
    more: bool = Field(description="More people match: narrow the search.")


class CareTagOut(Input):
    kind: str
    since: date


class MemberOut(Input):
    person: int
    relation: str


class PersonOut(PersonRow):
    ethnicity: str
    registered_address: str = Field(description="Household-registration address (户籍地址).")
    current_address: str
    lives_at_registered_address: bool
    household: list[MemberOut]
    care_tags: list[CareTagOut] = Field(
        description="Only the kinds your role may see; absent kinds are not evidence."
    )


class RevealIn(Input):
    field: Literal["id_number", "phone"]
    purpose: str = Field(description="One of the purposes: " + ", ".join(PURPOSES))


class RevealOut(Input):
    field: str
    value: str


def _row(person, record) -> dict:
    return {
        "id": person.pk,
        "name": "" if person.is_anonymised else (record.name if record else ""),
        "sex": person.sex,
        "birth_year": person.birth_year,
        "id_number": person.id_number_masked,
        "phone": record.phone_masked if record else "",
        "registration": record.registration_type if record else "",
        "grid": person.grid.code,
        "current": bool(record and record.is_current),
    }


def _forbidden(exc: PermissionDenied):
    return ApiError(403, Code.FORBIDDEN, str(exc) or _("You may not do this here."))


@router.get("/registry/people", response={200: PeoplePage, **ERRORS}, summary="Find people")
def people(request, filters: Query[PeopleFilters]):
    """People of the integration's area matching the search, at most 50, masked."""
    refuse_unknown_parameters(request, PeopleFilters)
    require_scope(request, Scope.REGISTRY_READ)
    try:
        require_reader(request.user)
    except PermissionDenied as exc:
        raise _forbidden(exc) from None
    grid = None
    if filters.grid:
        grid = Region.objects.grids().filter(readable_filter(request.user), code=filters.grid)
        grid = grid.first()
        if grid is None:
            raise ApiError(
                404, Code.NOT_FOUND, _("No grid %(code)s in your area.") % {"code": filters.grid}
            )
    rows = search_people(request.user, filters.q, grid=grid, former=filters.former)
    return {
        "results": [_row(p, r) for p, r in rows[:PEOPLE_SHOWN]],
        "more": len(rows) > PEOPLE_SHOWN,
    }


@router.get("/registry/people/{pk}", response={200: PersonOut, **ERRORS}, summary="A person")
def person(request, pk: int):
    """A person's current record, household and the care tags the role may see; ID number
    and phone masked."""
    require_scope(request, Scope.REGISTRY_READ)
    try:
        found = access_person(request.user, pk)
    except PermissionDenied as exc:
        raise _forbidden(exc) from None
    record = found.current_record or found.records.order_by("-number").first()
    membership = HouseholdMember.objects.current().filter(person=found).first()
    household = []
    if membership is not None:
        household = [
            {"person": m.person_id, "relation": m.relation}
            for m in membership.household.members.current().order_by("pk")
        ]
    tags = []
    if care_kinds_at(request.user, found.path):
        tags = [
            {"kind": t.kind, "since": t.valid_from}
            for t in CareTag.objects.visible_to(request.user)
            .current()
            .filter(person=found)
            .order_by("valid_from", "pk")
        ]
    anonymised = found.is_anonymised
    return {
        **_row(found, record),
        "ethnicity": record.ethnicity if record else "",
        "registered_address": "" if anonymised or not record else record.registered_address,
        "current_address": "" if anonymised or not record else record.current_address,
        "lives_at_registered_address": bool(record and record.lives_at_registration),
        "household": household,
        "care_tags": tags,
    }


@router.post(
    "/registry/people/{pk}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Reveal a masked value for a purpose",
)
def reveal(request, pk: int, data: RevealIn):
    """The full ID number or phone number, for a role whose duty needs it, with one of
    the purposes; every answer is written to the personal-data access log."""
    require_scope(request, Scope.REGISTRY_REVEAL)
    try:
        found = access_person(request.user, pk)
        value = do_reveal_field(found, data.field, actor=request.user, purpose=data.purpose)
    except PermissionDenied as exc:
        raise _forbidden(exc) from None
    return {"field": data.field, "value": value}
