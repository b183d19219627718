"""Cases through the API: register, list, read, the steps the caller may take, take a
step, and the requester's evaluation. Each view checks the token's scope, finds the case
through the pages' access helper (``access_case``), calls the engine and answers."""

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from pydantic import AfterValidator, Field

from shanzhi.api import render
from shanzhi.api.actions import KeyReused, do_create_case_once
from shanzhi.api.auth import require_scope
from shanzhi.api.errors import ApiError, Code
from shanzhi.api.models import Scope
from shanzhi.api.schemas import (
    CaseIn,
    CaseOut,
    CasePage,
    Error,
    EvaluationIn,
    Input,
    ProcedureKey,
    Text,
    TransitionIn,
    TransitionOut,
    refuse_unknown_parameters,
)
from shanzhi.cases.access import access_case
from shanzhi.cases.engine import (
    Intake,
    TransitionConflict,
    allowed_transitions,
    do_create_case,
    do_transition,
)
from shanzhi.cases.forms import category_choices
from shanzhi.cases.models import Case
from shanzhi.cases.procedure import Party, all_procedures
from shanzhi.duties.models import MatterCategory, Urgency
from shanzhi.lib import cursors, idempotency
from shanzhi.org.models import Body, Region

router = Router(tags=["cases"])

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 413: Error, 422: Error, 429: Error}
_NUMBER = re.compile(r"[A-Za-z0-9-]{1,24}")
# Instants a client may filter by; beyond them the databases' date arithmetic overflows.
EARLIEST, LATEST = datetime(1970, 1, 1), datetime(2200, 1, 1)


def _case(request, number: str) -> Case:
    if not _NUMBER.fullmatch(number):
        raise Http404(_("No such case in your area."))
    return access_case(request.user, number)


# --- Register ---------------------------------------------------------------------------


def _category(code: str | None, field: str = "category") -> MatterCategory | None:
    if code is None:
        return None
    category = category_choices().filter(code=code).first()
    if category is None:
        raise ValidationError(
            {
                field: _("No category %(code)s in the catalogue (a minor class in use).")
                % {"code": code}
            }
        )
    return category


def _body(pk: int | None, field: str) -> Body | None:
    if pk is None:
        return None
    body = Body.objects.active().select_related("region").filter(pk=pk).first()
    if body is None:
        raise ValidationError({field: _("No body with the id %(id)s.") % {"id": pk}})
    return body


def _intake(payload: CaseIn, integration) -> Intake:
    if (payload.lon is None) != (payload.lat is None):
        raise ValidationError({"lon": _("Give both longitude and latitude, or neither.")})
    return Intake(
        procedure=payload.procedure,
        channel=payload.channel,
        title=payload.title,
        description=payload.description,
        category=_category(payload.category),
        urgency=payload.urgency,
        kind=payload.kind or "",
        lon=payload.lon,
        lat=payload.lat,
        gcj02=payload.coordinates == "gcj02",
        address=payload.address,
        # The integration registers the case for the person who raised it, and follows
        # it as its requester: it sees the case and gives the requester's evaluation.
        requester=integration.user,
        requester_name=payload.requester_name,
        requester_phone=payload.requester_phone,
        anonymous=payload.anonymous,
        confidential=payload.confidential,
        accused_body=_body(payload.reported_body, "reported_body"),
    )


@router.post(
    "/cases",
    response={201: CaseOut, **ERRORS},
    summary="Register a case",
    openapi_extra={"responses": {422: {"description": "Invalid input, or a reused key"}}},
)
def create_case(
    request,
    payload: CaseIn,
    response: HttpResponse,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
):
    """Register a case, located and routed as at the hotline. With an `Idempotency-Key`
    header a retry of the same request returns the first answer and never registers a
    second case; the same key with another request is refused
    (`idempotency_key_reused`)."""
    integration = require_scope(request, Scope.CASES_WRITE)
    if idempotency_key is None:
        case = do_create_case(_intake(payload, integration), actor=request.user)
        return Status(201, render.detail(request, case))
    if not idempotency.valid_key(idempotency_key):
        raise ApiError(
            422,
            Code.VALIDATION,
            _("The request is not valid: see details."),
            [
                {
                    "field": "Idempotency-Key",
                    "code": "invalid",
                    "message": _("A key has 1 to 255 visible ASCII characters."),
                }
            ],
        )
    fingerprint = idempotency.fingerprint("POST", request.path, payload.model_dump(mode="json"))
    try:
        case, status, body = do_create_case_once(
            lambda: _intake(payload, integration),
            integration=integration,
            key=idempotency_key,
            fingerprint=fingerprint,
            render=lambda created: CaseOut(**render.detail(request, created)).model_dump(
                mode="json"
            ),
        )
    except KeyReused:
        raise ApiError(
            422,
            Code.KEY_REUSED,
            _("This Idempotency-Key was already used for another request."),
        ) from None
    if case is None:
        response["Idempotent-Replayed"] = "true"
    return Status(status, body)


# --- List -------------------------------------------------------------------------------


def _instant(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        naive_utc = value.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        naive_utc = None
    if naive_utc is None or not EARLIEST <= naive_utc <= LATEST:
        raise ValueError(_("Give a time between 1970 and 2200."))
    return value


Instant = Annotated[datetime, AfterValidator(_instant)]
_STATES = sorted({s.key for p in all_procedures() for s in p.states})


class CaseFilters(Input):
    procedure: ProcedureKey | None = None  # type: ignore[valid-type]
    state: Literal[tuple(_STATES)] | None = None  # type: ignore[valid-type]
    category: Text | None = Field(
        None, max_length=20, description="A category code; a major class takes its minor ones."
    )
    urgency: Urgency | None = None
    grid: Text | None = Field(None, max_length=18, description="A grid's code.")
    street: Text | None = Field(None, max_length=18, description="A street's code.")
    responsible_body: int | None = Field(None, ge=1, le=2**62)
    created_since: Instant | None = None
    updated_since: Instant | None = None
    order: Literal["newest", "updated"] = Field(
        "newest",
        description="newest: newest first; updated: by last change, oldest first (for "
        "keeping a copy in step with updated_since).",
    )
    limit: int = Field(20, ge=1, le=100)
    cursor: Text | None = Field(None, max_length=cursors.MAX_LENGTH)


def _filtered(qs, f: CaseFilters):
    if f.procedure:
        qs = qs.filter(procedure=f.procedure)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.category:
        ids = MatterCategory.objects.filter(Q(code=f.category) | Q(parent__code=f.category))
        qs = qs.filter(category_id__in=list(ids.values_list("pk", flat=True)))
    for name in ("grid", "street"):
        code = getattr(f, name)
        if code:
            region = Region.objects.filter(code=code).values_list("pk", flat=True).first()
            qs = qs.filter(**{f"{name}_id": region}) if region else qs.none()
    if f.responsible_body:
        qs = qs.filter(responsible_body_id=f.responsible_body)
    if f.created_since:
        qs = qs.filter(created__gte=f.created_since)
    if f.updated_since:
        qs = qs.filter(updated__gte=f.updated_since)
    return qs


def _after_cursor(qs, f: CaseFilters):
    """The rows after the cursor, in the list's order."""
    try:
        if f.order == "newest":
            (last,) = cursors.decode(f.cursor, "n", 1) if f.cursor else (None,)
            if last is not None and not isinstance(last, int):
                raise ValueError("cursor value")
            qs = qs.order_by("-pk")
            return qs.filter(pk__lt=last) if last is not None else qs
        when, last = cursors.decode(f.cursor, "u", 2) if f.cursor else (None, None)
        qs = qs.order_by("updated", "pk")
        if when is None:
            return qs
        moment = parse_datetime(when) if isinstance(when, str) else None
        if moment is None or not isinstance(last, int):
            raise ValueError("cursor value")
        return qs.filter(Q(updated__gt=moment) | Q(updated=moment, pk__gt=last))
    except ValueError:
        raise ValidationError(
            {"cursor": _("This cursor is not valid for this list; start again without it.")}
        ) from None


# What a list row reads (not the description, nor the grid's boundary).
SUMMARY_FIELDS = (
    "number",
    "procedure",
    "state",
    "version",
    "category__code",
    "urgency",
    "title",
    "grid__code",
    "responsible_body",
    "created",
    "updated",
    "closed_at",
)


def _cursor_of(case, order: str) -> str:
    if order == "newest":
        return cursors.encode(["n", case.pk])
    return cursors.encode(["u", case.updated.isoformat(), case.pk])


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="List cases")
def list_cases(request, filters: Query[CaseFilters]):
    """The cases the integration may see (as on the pages), filtered, one page at a time:
    follow `next_cursor` until it is null."""
    require_scope(request, Scope.CASES_READ)
    refuse_unknown_parameters(request, CaseFilters)
    qs = _filtered(Case.objects.visible_to(request.user), filters)
    qs = (
        _after_cursor(qs, filters)
        .select_related("category", "grid")
        .only(*SUMMARY_FIELDS)
        .distinct()  # the visibility filter may join the assisting bodies
    )
    rows = list(qs[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "items": [render.summary(case) for case in rows],
        "next_cursor": _cursor_of(rows[-1], filters.order) if more else None,
    }


# --- One case ---------------------------------------------------------------------------


@router.get("/cases/{number}", response={200: CaseOut, **ERRORS}, summary="Read a case")
def read_case(request, number: str):
    require_scope(request, Scope.CASES_READ)
    return render.detail(request, _case(request, number))


@router.get(
    "/cases/{number}/transitions",
    response={200: list[TransitionOut], **ERRORS},
    summary="The steps the integration may take now",
)
def list_transitions(request, number: str):
    require_scope(request, Scope.CASES_READ)
    case = _case(request, number)
    return [
        {
            "action": t.action,
            "label": str(t.label),
            "target_state": t.target,
            "needs": list(t.needs),
            "note_required": t.note_required,
        }
        for t in allowed_transitions(request.user, case)
    ]


def _target(request, number: str | None) -> Case | None:
    if number is None:
        return None
    target = Case.objects.visible_to(request.user).filter(number=number).first()
    if target is None:
        raise ValidationError(
            {"target": _("No case %(number)s in your area.") % {"number": number}}
        )
    return target


@router.post(
    "/cases/{number}/transitions/{action}",
    response={200: CaseOut, 409: Error, **ERRORS},
    summary="Take a step",
)
def take_transition(request, number: str, action: str, payload: TransitionIn):
    """Take a step of the case's procedure (one of those listed at
    `/cases/{number}/transitions`), with the input it needs."""
    require_scope(request, Scope.CASES_WRITE)
    case = _case(request, number)
    if payload.expected_version is not None and payload.expected_version != case.version:
        raise TransitionConflict(_("Someone else changed this case a moment ago; please reload."))
    assisting = [_body(pk, f"assisting.{n}") for n, pk in enumerate(payload.assisting)]
    case = do_transition(
        case,
        action,
        actor=request.user,
        note=payload.note,
        body=_body(payload.body, "body"),
        assisting=assisting,
        satisfaction=payload.satisfaction,
        extension=payload.extension,
        target=_target(request, payload.target),
        category=_category(payload.category),
    )
    return render.detail(request, case)


@router.post(
    "/cases/{number}/evaluation",
    response={200: CaseOut, 409: Error, **ERRORS},
    summary="Give the requester's evaluation",
)
def evaluate(request, number: str, payload: EvaluationIn):
    """The requester's rating of the handling (five levels), for a case the integration
    registered, once the body has replied."""
    require_scope(request, Scope.CASES_WRITE)
    case = _case(request, number)
    step = next(
        (
            t
            for t in case.procedure_def.transitions
            if "satisfaction" in t.needs and Party.REQUESTER in t.parties
        ),
        None,
    )
    if step is None:
        raise ValidationError(_("The requester does not rate cases of this kind."))
    case = do_transition(
        case, step.action, actor=request.user, note=payload.note, satisfaction=payload.satisfaction
    )
    return render.detail(request, case)
