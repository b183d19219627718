"""Who may open a petition, and who may read its petitioner and its material.

Opening follows the case engine (``cases.access``): staff of the area, the bodies that
handle it, the petitioner. Whoever is implicated with the body an accusation is about
never opens it — the engine keeps it from them in every list, page, notice and the API,
and logs their attempts — and is answered exactly as for a number that does not exist,
so that the answer does not tell them an accusation exists.

Reading the petitioner and the material is narrower: only those who register, transfer,
handle or oversee the petition (the dispatch centre, the handling body, the leaders
over the area) and the petitioner. For an accusation (检举控告) they are hidden until
such an officer says why they need them, and every such reading — the page, a document,
a file — is an audit event with its purpose (Arts. 30, 46).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.cases.access import access_case, may_see_requester, parties_of
from shanzhi.cases.procedure import Party
from shanzhi.core import audit
from shanzhi.org.access import scope_of
from shanzhi.petitions import procedures

NOT_FOUND = gettext_lazy(
    "No such petition within your reach. A petition may also be kept from you under "
    "Arts. 30 and 46 of the 信访工作条例."
)
# The parties whose duty on a petition includes reading who petitions and what about.
READERS = frozenset({Party.DISPATCHER, Party.HANDLER, Party.SUPERVISOR})
PURPOSES = {
    "handle": gettext_lazy("Handle the petition (办理)"),
    "verify": gettext_lazy("Verify the facts (核实)"),
    "contact": gettext_lazy("Contact the petitioner (联系信访人)"),
    "supervise": gettext_lazy("Supervise the handling (督办)"),
    "review": gettext_lazy("Review or re-review (复查复核)"),
}


def access_petition(user, number: str):
    """The case of a petition, review or re-review ``user`` may open, with its petition
    (``case.root``); 404 with the same answer for a number that does not exist."""
    try:
        case = access_case(user, number)
    except Http404:
        raise Http404(NOT_FOUND) from None
    if case.procedure not in procedures.KEYS:
        raise Http404(NOT_FOUND)
    case.root = root_of(case)
    if case.root is None:  # registered outside the petition office: no petition record
        raise Http404(NOT_FOUND)
    return case


def root_of(case):
    """The petition a petition, review or re-review case belongs to."""
    from shanzhi.petitions.models import Petition, Review

    if case.procedure == procedures.PETITION:
        return Petition.objects.filter(case=case).select_related("case").first()
    review = Review.objects.filter(case=case).select_related("petition__case").first()
    return review.petition if review is not None else None


def is_petitioner(user, case) -> bool:
    return Party.REQUESTER in parties_of(user, case)


def may_read(user, case) -> bool:
    """May read the petitioner and the material, at all (an accusation: on a reveal)."""
    if is_petitioner(user, case):
        return True
    return bool(parties_of(user, case) & READERS) and may_see_requester(user, case)


def hidden(user, case) -> bool:
    """The petitioner and the material are hidden on the page for ``user`` until
    revealed with a purpose: always for an accusation, except to the petitioner."""
    return case.root.confidential and not is_petitioner(user, case)


def do_reveal(case, *, actor, purpose: str, what: str = "identity") -> None:
    """Record that ``actor`` reads the petitioner and the material of ``case`` for
    ``purpose`` (an audit event); refuse whoever may not."""
    if purpose not in PURPOSES:
        raise ValidationError({"purpose": _("Choose why you need to read them.")})
    if not may_read(actor, case):
        raise PermissionDenied(
            _(
                "Your duty on this petition does not include reading who petitions or the "
                "material (信访工作条例 Arts. 30, 46)."
            )
        )
    log_reading(case, actor=actor, action="petition.reveal", purpose=purpose, what=what)


def log_reading(case, *, actor, action: str, purpose: str, what: str) -> None:
    with transaction.atomic():
        audit.record(
            actor,
            action,
            case,
            after={"purpose": purpose, "what": what},
            note=str(PURPOSES.get(purpose, purpose)),
            legal_basis=procedures.ART_30_46,
            scope_path=case.scope_path,
        )


def may_register(user) -> bool:
    """The petition office registers petitions: a dispatcher (the street's or the
    district's dispatch centre, where petitions are received)."""
    from shanzhi.core.roles import Role

    scope = scope_of(user)
    return scope.everything or Role.STREET_DISPATCHER in scope.roles


def require_register(user) -> None:
    if not may_register(user):
        raise PermissionDenied(
            _("Petitions are registered by the petition office (a dispatcher of the area).")
        )


def may_see_statistics(user) -> bool:
    from shanzhi.core.roles import Role

    scope = scope_of(user)
    return scope.everything or bool(
        scope.roles & {Role.STREET_DISPATCHER, Role.LEADER, Role.AUDITOR}
    )
