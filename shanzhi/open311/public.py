"""What anyone may read through Open311, and the one way to fetch it.

GeoReport's queries need no key, so they answer as to the public, by the same rules as
the portal's public list (docs/portal.md) where the standard lets them:

- only service requests and grid events (the matters of the street that the standard is
  about); never petitions, enforcement or other procedures;
- never a report (举报) about a body: it is not published in any form, so the body
  reported on cannot learn of it here (DOMAIN §6);
- never a matter that belongs to another channel (a category handled as an emergency,
  a petition or a lawsuit) nor a case redirected out of 12345 to one: a petition's
  content is not for the public;
- never the requester: no name, no phone, no account;
- a confidential case, any other report and a consultation (a personal question) are
  published generalised: status, service, dates, responsible body and deadline, but not
  the description, the address or the point, only the street; so the integration that
  filed one can still follow its status;
- in other cases' descriptions and addresses, phone, ID and other long numbers and
  e-mail addresses are masked as on the portal (``lib/publicdata.redact``: the first
  three digits only, never the last four, which are the key of the tracking page).

The standard's ``service_request_id`` is the case number, which is not secret (date and
sequence; docs/portal.md, "Brute-force limits").
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from shanzhi.cases.models import Case, Clock, RequestKind
from shanzhi.open311.errors import not_found

PUBLIC_PROCEDURES = ("service_request", "grid_event")
NOT_PUBLISHED_STATES = ("redirected",)
# Kinds of request published generalised, whatever the confidential flag says.
GENERALISED_KINDS = (RequestKind.REPORT, RequestKind.CONSULTATION)
# The columns a published record reads (not the requester, nor the regions' boundaries).
FIELDS = (
    "number",
    "procedure",
    "state",
    "confidential",
    "kind",
    "description",
    "address",
    "lon",
    "lat",
    "created",
    "updated",
    "closed_at",
    "merged_into__number",
    "category__code",
    "category__name",
    "responsible_body__name",
    "grid__name",
    "street__name",
)


def published():
    """The cases Open311 publishes, with what their records read."""
    return (
        Case.objects.filter(procedure__in=PUBLIC_PROCEDURES, accused_body__isnull=True)
        .filter(Q(category__isnull=True) | Q(category__redirect=""))
        .exclude(state__in=NOT_PUBLISHED_STATES)
        .select_related("category", "responsible_body", "grid", "street", "merged_into")
        .only(*FIELDS)
        .prefetch_related(
            Prefetch("clocks", queryset=Clock.objects.running(), to_attr="running_clocks")
        )
    )


def access_published_case(number: str) -> Case:
    """The published case with this number; the standard's 404 otherwise (a case that
    exists but is not published is not found either)."""
    case = published().filter(number=number).first()
    if case is None:
        raise not_found(_("service_request_id %(id)s was not found.") % {"id": number})
    return case


def generalised(case: Case) -> bool:
    """Published without its description, address and point (the module's docstring)."""
    return case.confidential or case.kind in GENERALISED_KINDS
