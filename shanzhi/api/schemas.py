"""What the JSON API takes and gives, as pydantic schemas (the OpenAPI document is
generated from them). Input schemas refuse unknown fields, so that a misspelt field is
an error rather than silently ignored."""

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from shanzhi.cases.models import Channel, RequestKind
from shanzhi.cases.procedure import all_procedures, generic_procedures
from shanzhi.duties.models import CategoryKind, Urgency
from shanzhi.lib import identity

# A text holds no control characters other than tab and line breaks (PostgreSQL refuses
# NUL outright); the pattern is part of the OpenAPI document. Nor lone surrogates, which
# JSON can spell but UTF-8 cannot store.
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PHONE = re.compile(r"\+?[0-9][0-9\- ]{4,19}")


def _printable(value: str) -> str:
    if _SURROGATE.search(value):
        raise ValueError(_("Control characters are not allowed."))
    return value


def _phone(value: str) -> str:
    value = value.strip()
    if value and not _PHONE.fullmatch(value):
        raise ValueError(_("This is not a phone number."))
    return identity.normalize_mobile(value) if identity.is_valid_mobile(value) else value


Text = Annotated[str, StringConstraints(pattern=PRINTABLE), AfterValidator(_printable)]
ProcedureKey = Literal[tuple(p.key for p in all_procedures())]  # type: ignore[valid-type]
# Cases the API may register: an owned procedure's (a petition, a mediation) are
# registered on their own pages, with the records they need (``Procedure.owner``).
NewCaseProcedure = Literal[tuple(p.key for p in generic_procedures())]  # type: ignore[valid-type]


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


def refuse_unknown_parameters(request, model) -> None:
    """Refuse query parameters a list does not know: a misspelt filter would otherwise
    be ignored, and the client would take the whole list for the filtered one."""
    from shanzhi.api.errors import ApiError, Code

    unknown = sorted(set(request.GET) - set(model.model_fields))
    if unknown:
        raise ApiError(
            422,
            Code.VALIDATION,
            _("The request is not valid: see details."),
            [
                {"field": name, "code": "extra_forbidden", "message": _("This field is not known.")}
                for name in unknown
            ],
        )


class CaseIn(Input):
    procedure: NewCaseProcedure = Field(  # type: ignore[valid-type]
        "service_request", description="The procedure the case follows."
    )
    channel: Channel = Field(Channel.WEB, description="How the matter reached the platform.")
    title: Text = Field(min_length=1, max_length=120)
    description: Text = Field(min_length=1, max_length=settings.API_DESCRIPTION_MAX_CHARS)
    category: Text | None = Field(
        None,
        max_length=20,
        description="Code of a minor class of the matter catalogue; null: the dispatcher decides.",
    )
    urgency: Urgency = Urgency.NORMAL
    kind: RequestKind | None = Field(None, description="The kind of 12345 request.")
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    coordinates: Literal["wgs84", "gcj02"] = Field(
        "wgs84",
        description="wgs84 (CGCS2000, GPS) or gcj02 (Chinese map apps); converted on intake.",
    )
    address: Text = Field("", max_length=200)
    requester_name: Text = Field("", max_length=50)
    requester_phone: Annotated[Text, AfterValidator(_phone)] = Field("", max_length=20)
    anonymous: bool = False
    confidential: bool = Field(False, description="Show the requester only to those handling it.")
    reported_body: int | None = Field(
        None, ge=1, description="For a report (举报) about a body: its id. It never handles it."
    )


class TransitionIn(Input):
    note: Text = Field(
        "", max_length=4000, description="Reason or reply, where the step needs one."
    )
    body: int | None = Field(None, ge=1, description="Body to dispatch to (id).")
    assisting: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list, max_length=20, description="Assisting bodies (ids)."
    )
    satisfaction: int | None = Field(None, ge=1, le=5)
    extension: float | None = Field(
        None, ge=0.5, le=365, allow_inf_nan=False, description="In the extended clock's unit."
    )
    target: Text | None = Field(
        None, max_length=24, description="Number of the case to merge into."
    )
    category: Text | None = Field(None, max_length=20, description="Code of the new category.")
    expected_version: int | None = Field(
        None,
        ge=1,
        description="The case version the decision was made on; refused with 409 if the case "
        "has changed since.",
    )


class EvaluationIn(Input):
    satisfaction: int = Field(ge=1, le=5, description="5 very satisfied … 1 very dissatisfied.")
    note: Text = Field("", max_length=2000)


class Error(Schema):
    code: str
    message: str
    details: Any = None


class Ref(Schema):
    code: str
    name: str


class BodyRef(Schema):
    id: int
    name: str


class RequesterOut(Schema):
    name: str
    phone: str = Field(description="Masked; the full number is never given out here.")


class ClockOut(Schema):
    name: str
    label: str
    limit: float
    unit: str
    legal_basis: str
    started_at: datetime
    due_at: datetime
    paused: bool
    stopped_at: datetime | None
    on_time: bool | None
    overdue: bool


class EventOut(Schema):
    action: str
    label: str
    at: datetime
    from_state: str | None
    to_state: str | None
    note: str
    actor: str | None = Field(description="Hidden from a requester's view.")


class CaseSummary(Schema):
    number: str
    procedure: str
    state: str
    state_label: str
    version: int
    category: str | None
    urgency: str
    title: str
    grid: str | None
    responsible_body: int | None
    created: datetime
    updated: datetime
    closed_at: datetime | None


class CaseOut(Schema):
    number: str
    procedure: str
    procedure_label: str
    state: str
    state_label: str
    final: bool
    version: int
    category: Ref | None
    urgency: str
    kind: str
    channel: str
    title: str
    description: str
    lon: float | None
    lat: float | None
    address: str
    grid: Ref | None
    street: Ref | None
    responsible_body: BodyRef | None
    requester: RequesterOut | None = Field(
        description="Null when anonymous or kept from this integration."
    )
    anonymous: bool
    confidential: bool
    satisfaction: int | None
    reopened: int
    created: datetime
    updated: datetime
    closed_at: datetime | None
    url: str = Field(description="The case page.")
    clocks: list[ClockOut]
    history: list[EventOut]


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null: the end."
    )


class TransitionOut(Schema):
    action: str
    label: str
    target_state: str | None
    needs: list[str]
    note_required: bool


class CategoryOut(Schema):
    code: str
    name: str
    kind: CategoryKind
    parent: str | None
    hint: str
    redirect: str
    emergency_number: str


class BodyOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region: Ref
    parent: int | None
    phone: str
    address: str


class BodyPage(Schema):
    items: list[BodyOut]
    next_cursor: str | None


class GridFeature(Schema):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: dict[str, Any]
    properties: dict[str, Any]


class GridCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[GridFeature]
    next_cursor: str | None


class IntegrationOut(Schema):
    name: str
    key_id: str
    scopes: list[str]
    role: str
    acts_for: str | None
    rate_limit: int
