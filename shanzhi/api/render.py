"""Cases as the API shows them, with the same privacy rules as the case page: the
requester's name and (masked) number only to those who may see them, and a requester's
view of the history without internal notes or the names of officials."""

from django.urls import reverse
from django.utils import timezone

from shanzhi.cases.access import may_see_requester, parties_of
from shanzhi.cases.procedure import Party
from shanzhi.cases.views import REQUESTER_EVENTS, REQUESTER_NOTES
from shanzhi.core.audit import action_label
from shanzhi.core.models import AuditEvent
from shanzhi.lib import identity
from shanzhi.org.access import scope_of


def _ref(obj):
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def summary(case) -> dict:
    return {
        "number": case.number,
        "procedure": case.procedure,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "version": case.version,
        "category": case.category.code if case.category_id else None,
        "urgency": case.urgency,
        "title": case.title,
        "grid": case.grid.code if case.grid_id else None,
        "responsible_body": case.responsible_body_id,
        "created": case.created,
        "updated": case.updated,
        "closed_at": case.closed_at,
    }


def detail(request, case, now=None) -> dict:
    """Everything the integration may read about ``case``, as ``schemas.CaseOut``."""
    user = request.user
    now = now or timezone.now()
    procedure = case.procedure_def
    parties = parties_of(user, case)
    requester_view = not (parties - {Party.REQUESTER}) and not scope_of(user).is_staff
    requester = None
    if not case.anonymous and may_see_requester(user, case):
        requester = {
            "name": case.requester_name,
            "phone": identity.mask_mobile(case.requester_phone) if case.requester_phone else "",
        }
    body = case.responsible_body
    return {
        "number": case.number,
        "procedure": case.procedure,
        "procedure_label": str(procedure.label),
        "state": case.state,
        "state_label": str(procedure.state_label(case.state)),
        "final": procedure.by_state[case.state].final,
        "version": case.version,
        "category": _ref(case.category),
        "urgency": case.urgency,
        "kind": case.kind,
        "channel": case.channel,
        "title": case.title,
        "description": case.description,
        "lon": case.lon,
        "lat": case.lat,
        "address": case.address,
        "grid": _ref(case.grid),
        "street": _ref(case.street),
        "responsible_body": {"id": body.pk, "name": body.name} if body is not None else None,
        "requester": requester,
        "anonymous": case.anonymous,
        "confidential": case.confidential,
        "satisfaction": case.satisfaction,
        "reopened": case.reopened,
        "created": case.created,
        "updated": case.updated,
        "closed_at": case.closed_at,
        "url": request.build_absolute_uri(reverse("case_detail", args=[case.number])),
        "clocks": [_clock(clock, procedure, now) for clock in case.clocks.all()],
        "history": _history(case, procedure, requester_view),
    }


def _clock(clock, procedure, now) -> dict:
    spec = procedure.by_clock.get(clock.name)
    return {
        "name": clock.name,
        "label": str(spec.label if spec else clock.name),
        "limit": clock.limit,
        "unit": clock.unit,
        "legal_basis": clock.legal_basis,
        "started_at": clock.started_at,
        "due_at": clock.due_at,
        "paused": clock.paused_at is not None,
        "stopped_at": clock.stopped_at,
        "on_time": clock.on_time,
        "overdue": clock.running and clock.due_at < now,
    }


def _history(case, procedure, requester_view: bool) -> list[dict]:
    events = AuditEvent.objects.for_object(case).select_related("actor")
    rows = []
    for event in events:
        if requester_view and event.action not in REQUESTER_EVENTS:
            continue
        before, after = event.before.get("state"), event.after.get("state")
        rows.append(
            {
                "action": event.action,
                "label": str(action_label(event.action)),
                "at": event.created,
                "from_state": before,
                "to_state": after,
                "note": event.note if not requester_view or event.action in REQUESTER_NOTES else "",
                "actor": None if requester_view else event.actor_display,
            }
        )
    return rows
