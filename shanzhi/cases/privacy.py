"""The requester's contact details: masked by default, revealed to an officer whose duty
on the case needs them, and every reveal written to the audit log.

State organs process personal information within their statutory duties only
(个人信息保护法 Art. 34); access follows the organisation and is logged, and values are
masked unless the viewer's duty requires the full value (DOMAIN §6). So the case page
shows ``138****5678``; a dispatcher or the handling body's officer who must call the
requester (to clarify, to verify, for the return visit) asks for the full number and
says why, and the reveal is an audit event on the case with that purpose.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.cases.access import may_see_requester, parties_of
from shanzhi.cases.procedure import Party
from shanzhi.core import audit

PURPOSES = {
    "clarify": gettext_lazy("Clarify the request with the requester"),
    "verify": gettext_lazy("Verify the facts or the result with the requester"),
    "return_visit": gettext_lazy("Return visit (回访)"),
}
# The parties whose duty on a case includes calling the requester.
REVEAL_PARTIES = frozenset({Party.DISPATCHER, Party.HANDLER})


def may_reveal(user, case) -> bool:
    return (
        bool(case.requester_phone)
        and not case.anonymous
        and may_see_requester(user, case)
        and bool(parties_of(user, case) & REVEAL_PARTIES)
    )


def do_reveal_requester(case, *, actor, purpose: str) -> str:
    """The requester's full phone number, for ``purpose``; audited."""
    if purpose not in PURPOSES:
        raise ValidationError(_("Choose why you need the requester's full number."))
    if not may_reveal(actor, case):
        raise PermissionDenied(_("Your duty on this case does not include calling the requester."))
    with transaction.atomic():
        audit.record(
            actor,
            "case.reveal_requester",
            case,
            after={"purpose": purpose},
            note=str(PURPOSES[purpose]),
            scope_path=case.scope_path,
        )
    return case.requester_phone
