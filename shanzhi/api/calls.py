"""Telephone call events from the hotline's telephone system (CTI/PBX): a call offered to
the queue, answered by an operator, ended or abandoned. The console measures the answer
KPI and handling times from them (``console/calls.py`` records them; docs/console.md).

Events are idempotent by the telephone system's call id: a retry or a late event never
makes a second call, and an event that says nothing new changes nothing."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import AfterValidator, Field

from shanzhi.api.auth import require_scope
from shanzhi.api.cases import Instant
from shanzhi.api.models import Scope
from shanzhi.api.schemas import Error, Input, Text, _phone
from shanzhi.console.calls import do_record_call_event
from shanzhi.lib import identity

router = Router(tags=["calls"])
ERRORS = {400: Error, 401: Error, 403: Error, 413: Error, 422: Error, 429: Error}


class CallEventIn(Input):
    call_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[\x21-\x7e]+$",
        description="The telephone system's own id of the call (visible ASCII), the same "
        "in every event of the call.",
    )
    event: Literal["offered", "answered", "ended", "abandoned"] = Field(
        description="offered: entered the hotline's queue (creates the call); answered: "
        "picked up by `agent`; ended: hung up; abandoned: hung up without an answer."
    )
    at: Instant = Field(description="When it happened (ISO 8601 with a zone).")
    caller: Annotated[Text, AfterValidator(_phone)] = Field(
        "", max_length=20, description="The calling number; empty when withheld."
    )
    line: Text = Field("", max_length=40, description="The hotline line or queue.")
    agent: Text = Field(
        "",
        max_length=150,
        description="Username of the operator who answered: required with answered.",
    )


class CallOut(Schema):
    call_id: str
    state: Literal["ringing", "answered", "ended", "abandoned"]
    caller: str = Field(description="Masked.")
    line: str
    offered_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    agent: str | None = Field(description="Username of the operator who answered.")
    case: str | None = Field(description="Number of the case registered during the call.")
    changed: bool = Field(description="false: the event repeated what was known; nothing changed.")


@router.post(
    "/calls/events",
    response={200: CallOut, 201: CallOut, **ERRORS},
    summary="Report a telephone call event",
)
def call_event(request, payload: CallEventIn):
    """One event of a call to the hotline. `201` when it created the call (its first
    `offered`), `200` otherwise. Sending an event again is harmless. Refused: an event
    for a call not offered yet, an answer or hang-up before the offer, a time more than a
    minute ahead of the platform's clock, an `agent` who is not a dispatcher of the
    integration's area."""
    integration = require_scope(request, Scope.CALLS_WRITE)
    outcome = do_record_call_event(
        integration,
        call_id=payload.call_id,
        event=payload.event,
        at=payload.at,
        caller=payload.caller,
        line=payload.line,
        agent=payload.agent.strip(),
    )
    call = outcome.call
    body = {
        "call_id": call.call_id,
        "state": call.state,
        "caller": identity.mask_mobile(call.caller) if call.caller else "",
        "line": call.line,
        "offered_at": call.offered_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "agent": call.operator.username if call.operator_id else None,
        "case": call.case.number if call.case_id else None,
        "changed": outcome.changed,
    }
    return Status(201 if outcome.created else 200, body)
