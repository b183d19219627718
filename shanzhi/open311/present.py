"""A case as a GeoReport service request record (the fields of ``GET requests``)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.cases.models import Case
from shanzhi.duties.models import Unit
from shanzhi.lib.open311 import format_w3c
from shanzhi.lib.publicdata import redact
from shanzhi.open311.public import generalised


def is_closed(case: Case) -> bool:
    """GeoReport knows two statuses: a case in a final state of its procedure (closed,
    redirected, merged, voided) is closed, any other is open."""
    return case.procedure_def.by_state[case.state].final


def _running(case: Case) -> list:
    clocks = getattr(case, "running_clocks", None)
    if clocks is None:
        clocks = list(case.clocks.running())
    windows = {c.name for c in case.procedure_def.clocks if c.window}
    return [clock for clock in clocks if clock.name not in windows]


def expected(case: Case):
    """When the matter is due to be handled: the due instant of the procedure's handling
    clock (the one an extension moves) while it runs; unknown before the case is
    dispatched, while it is suspended and once it is handled."""
    handling = case.procedure_def.extended_clock
    return next((c.due_at for c in _running(case) if c.name == handling), None)


def notice(case: Case) -> str | None:
    """The step under way and its time limit, e.g. "Dispatch: within 2 working hours, by
    2026-11-27 10:30 (《北京市接诉即办工作条例》…)"."""
    if is_closed(case):
        return None
    clocks = sorted(_running(case), key=lambda c: c.due_at)
    if not clocks:
        return None
    clock = clocks[0]
    spec = case.procedure_def.by_clock.get(clock.name)
    text = _("%(step)s: within %(limit)s %(unit)s, by %(due)s") % {
        "step": spec.label if spec else clock.name,
        "limit": f"{clock.limit:g}",
        "unit": Unit(clock.unit).label,
        "due": f"{timezone.localtime(clock.due_at):%Y-%m-%d %H:%M}",
    }
    return f"{text} ({clock.legal_basis})" if clock.legal_basis else text


def _status_notes(case: Case) -> str:
    if case.merged_into_id:
        return _("Merged into %(number)s") % {"number": case.merged_into.number}
    return str(case.get_state_display())


def _address(case: Case, general: bool) -> str | None:
    """Most specific first, as the standard asks: the address given, the grid, the
    street. A generalised address names the street only."""
    parts = [] if general else [redact(case.address.strip()), _name(case.grid)]
    parts.append(_name(case.street))
    return ", ".join(part for part in parts if part) or None


def _name(region) -> str:
    return region.name if region is not None else ""


def record(case: Case) -> dict:
    """The published record of ``case`` (see ``public.py`` for what is withheld)."""
    zone = timezone.get_current_timezone()
    general = generalised(case)
    closed = is_closed(case)
    category = case.category
    body = case.responsible_body
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(case),
        "service_name": category.name if category else None,
        "service_code": category.code if category else None,
        "description": None if general else redact(case.description),
        "agency_responsible": body.name if body is not None else None,
        "service_notice": notice(case),
        "requested_datetime": format_w3c(case.created, zone),
        "updated_datetime": format_w3c(
            case.closed_at if closed and case.closed_at else case.updated, zone
        ),
        "expected_datetime": format_w3c(expected(case), zone),
        "address": _address(case, general),
        "address_id": None,
        "zipcode": None,
        "lat": None if general else case.lat,
        "long": None if general else case.lon,
        "media_url": None,
    }
