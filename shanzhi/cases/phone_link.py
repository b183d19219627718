"""The requester of a case who has no account — a caller who gave a phone number —
proven by their phone: a link sent by text message only to the number they gave.

When a step the requester is told of leaves the case waiting for their rating, the text
message to a caller carries a signed link (``rating_link``). Whoever opens it holds the
phone the number belongs to, so the tracking page lets them rate in the requester's
place: the engine's requester step, taken by ``PhoneRequester`` — a party to that one
case only, with no account, recorded in the audit log without an actor and with a note.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from shanzhi.cases.procedure import Party
from shanzhi.lib import identity

SALT = "shanzhi.cases.phone_link"


def link_seconds() -> int:
    """How long a link in a text message stays valid (the evaluation period, generously)."""
    return int(getattr(settings, "RATING_LINK_SECONDS", 30 * 86400))


@dataclass(frozen=True)
class PhoneRequester:
    """Acts as the requester of ``case_id`` and of nothing else (``access.parties_of``)."""

    case_id: int
    phone: str
    is_authenticated = False  # not a user: no account, no other rights
    is_active = True
    pk = None

    def is_requester_of(self, case) -> bool:
        given = identity.normalize_mobile(case.requester_phone or "")
        return (
            case.pk == self.case_id
            and case.requester_id is None
            and not case.anonymous
            and bool(given)
            and given == identity.normalize_mobile(self.phone)
        )


def token_for(case) -> str:
    return signing.dumps(
        {"case": case.pk, "phone": identity.normalize_mobile(case.requester_phone or "")},
        salt=SALT,
        compress=True,
    )


def requester_for_token(token: str):
    """(case id, PhoneRequester) for a valid link; ``None`` for a forged or stale one."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=link_seconds())
    except signing.BadSignature:  # also an expired link
        return None
    if not isinstance(data, dict) or not isinstance(data.get("case"), int):
        return None
    return PhoneRequester(case_id=data["case"], phone=str(data.get("phone", "")))


def rating_link(case) -> str:
    """The path of the link for a text message (the gateway adds the portal's address)."""
    return reverse("track_link", args=[token_for(case)])


def evaluation_step(case):
    """The requester's rating step the case's procedure offers now, or None (not yet
    replied, already rated, or a procedure without one)."""
    for transition in case.procedure_def.available(case.state):
        if (
            Party.REQUESTER in transition.parties
            and "satisfaction" in transition.needs
            and not transition.only_if_dissatisfied
        ):
            return transition
    return None
