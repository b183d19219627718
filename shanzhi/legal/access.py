"""Who may see and act on review requests and instruments.

- Legal advisers read the requests of their area (district or street), are given them
  and give the opinions; leaders over the area read them and give them to a reviewer.
- The staff of a body (those who act for it: its members, a street office's street
  staff) draft its instruments, ask for review and read their body's requests.
- Anyone else is answered "not found" (404) for an object out of their scope; a reader
  who may not change an object is refused (403).
"""

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from shanzhi.cases.access import acting_body_ids, parties_of
from shanzhi.cases.procedure import Party
from shanzhi.core.roles import Role
from shanzhi.legal.models import Instrument, ReviewRequest
from shanzhi.org.access import scope_of
from shanzhi.org.models import Body, Membership

# The parties of an engine case who ask for the review of its decision.
REQUESTING_PARTIES = {Party.HANDLER, Party.DISPATCHER, Party.SUPERVISOR}


def _paths(user, role: str) -> list[str]:
    return [p for p, roles in scope_of(user).roles_at.items() if p and role in roles]


def adviser_paths(user) -> list[str]:
    return _paths(user, Role.LEGAL_ADVISER)


def leader_paths(user) -> list[str]:
    return _paths(user, Role.LEADER)


def admin_paths(user) -> list[str]:
    return _paths(user, Role.ADMINISTRATOR)


def _under(path: str, roots: list[str]) -> bool:
    return any(path.startswith(root) for root in roots)


def everything(user) -> bool:
    return scope_of(user).everything


def body_ids_of(user) -> set[int]:
    """The bodies the user acts for: those they are a (handling) member of, and the
    street and community bodies their street or community staff role works."""
    return acting_body_ids(user)


def prefix_filter(lookup: str, roots: list[str]) -> Q:
    if not roots:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{lookup}__startswith": root}) for root in roots))


# --- Review requests ------------------------------------------------------------------


def request_filter(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if everything(user):
        return Q()
    return (
        Q(reviewer=user)
        | Q(requested_by=user)
        | Q(body_id__in=sorted(body_ids_of(user)))
        | prefix_filter("scope_path", adviser_paths(user) + leader_paths(user))
    )


def visible_requests(user):
    return ReviewRequest.objects.filter(request_filter(user))


def access_request(user, number: str) -> ReviewRequest:
    found = (
        visible_requests(user)
        .select_related("case", "draft__instrument__body", "draft__case", "reviewer", "body")
        .filter(case__number=number)
        .first()
    )
    if found is None:
        raise Http404(_("No such review request in your area."))
    return found


def may_review(user, request: ReviewRequest) -> bool:
    """A legal adviser whose area covers the request."""
    return everything(user) or _under(request.scope_path, adviser_paths(user))


def may_assign(user, request: ReviewRequest) -> bool:
    return may_review(user, request) or _under(request.scope_path, leader_paths(user))


def may_request(user, draft) -> bool:
    """The drafting side: staff of the instrument's body, or a handler, dispatcher or
    supervisor of the case whose decision the draft is."""
    if not getattr(user, "is_authenticated", False):
        return False
    if everything(user):
        return True
    if draft.instrument_id:
        return draft.instrument.body_id in body_ids_of(user)
    actors = draft.case.procedure_def.actors  # an owned procedure's own rule, if any
    if actors is not None and not actors(user, draft.case):
        return False
    return bool(parties_of(user, draft.case) & REQUESTING_PARTIES)


def require_request(user, draft) -> None:
    if not may_request(user, draft):
        raise PermissionDenied(
            _("Only those who draft this act may save it or ask for its review.")
        )


def qualified_advisers(scope_path: str):
    """Users holding an active legal-adviser role over the place ``scope_path``."""
    from shanzhi.core.models import User

    parts = [p for p in scope_path.strip("/").split("/") if p]
    ancestors = ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]
    holders = Membership.objects.active().filter(
        role=Role.LEGAL_ADVISER, region__path__in=ancestors
    )
    return User.objects.filter(pk__in=holders.values("user_id"), is_active=True).order_by("pk")


# --- Instruments ----------------------------------------------------------------------


def instrument_filter(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if everything(user):
        return Q()
    return Q(body_id__in=sorted(body_ids_of(user))) | prefix_filter(
        "body__region__path", adviser_paths(user) + leader_paths(user)
    )


def visible_instruments(user):
    return Instrument.objects.filter(instrument_filter(user))


def may_draft(user, instrument: Instrument) -> bool:
    return everything(user) or instrument.body_id in body_ids_of(user)


def access_instrument(user, pk: int, *, for_write: bool = False) -> Instrument:
    found = visible_instruments(user).select_related("body__region").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such instrument in your area."))
    if for_write and not may_draft(user, found):
        raise PermissionDenied(
            _("Only the staff of %(body)s change its instruments.") % {"body": found.body.name}
        )
    return found


def drafting_bodies(user):
    """The bodies whose instruments the user may draft."""
    if everything(user):
        return Body.objects.active().order_by("name")
    return Body.objects.active().filter(pk__in=sorted(body_ids_of(user))).order_by("name")
