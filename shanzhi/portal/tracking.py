"""Following a case without signing in: the check of a case number and the last four
digits of the requester's phone, the grant it earns, and the requester's rating given
through it (docs/portal.md).

A tracker is not a user. A successful check puts a signed, short-lived grant naming one
case into the session; every page and action of the tracker asks ``access_tracked_case``
for that case and nothing else. The rating goes through the engine's own requester step,
taken in the name of the account that registered the case with that same phone number.
A caller without an account rates through the link the text message about the reply
brings to their phone (``cases.phone_link``): it proves the phone, not just its last
four digits; otherwise the hotline asks for the rating at the return visit (回访).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shanzhi.cases.engine import do_transition
from shanzhi.cases.models import Case
from shanzhi.cases.phone_link import PhoneRequester, evaluation_step, requester_for_token
from shanzhi.lib import identity, receipts
from shanzhi.portal.models import TrackingAttempt

GRANT_KEY = "track_grant"
GRANT_SALT = "shanzhi.portal.tracking"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def grant_seconds() -> int:
    """How long a successful check lets the session read its case and rate it."""
    return _setting("TRACK_GRANT_SECONDS", 30 * 60)


def limits() -> tuple[tuple[str, int, int], ...]:
    """(what is counted, failures allowed, window in seconds): per case number and per
    client address. Failed checks beyond either limit are refused unseen."""
    return (
        ("number", _setting("TRACK_CASE_FAILURES", 10), _setting("TRACK_CASE_WINDOW", 86400)),
        (
            "address",
            _setting("TRACK_ADDRESS_FAILURES", 20),
            _setting("TRACK_ADDRESS_WINDOW", 3600),
        ),
    )


@dataclass
class CheckResult:
    case: Case | None = None
    # Seconds until another check is allowed: the check was refused unseen.
    wait: int = 0


def _wait(attempt: TrackingAttempt, now) -> int:
    """Seconds to wait when the failures counted before this attempt reach a limit."""
    wait = 0
    for field, limit, window in limits():
        value = getattr(attempt, field)
        if value is None:
            continue
        times = list(
            TrackingAttempt.objects.filter(**{field: value}, at__gt=now - timedelta(seconds=window))
            .exclude(pk=attempt.pk)
            .values_list("at", flat=True)
        )
        if len(times) >= limit:
            stamps = [t.timestamp() for t in times]
            wait = max(wait, receipts.retry_after(stamps, now.timestamp(), window, limit))
    return wait


def do_check_receipt(number: str, suffix: str, *, address: str | None, now=None) -> CheckResult:
    """Check a case number against the last four digits of the phone its requester gave.

    The attempt is written before anything is checked, and counted with every other
    attempt in the windows: requests sent side by side count against each other, so no
    burst gets more guesses than the limits allow. A refused attempt is removed (it
    guessed nothing), a successful one too; failed ones stay and count. A wrong number
    and a wrong suffix give the same answer, after the same work."""
    now = now or timezone.now()
    longest = max(window for _field, _limit, window in limits())
    TrackingAttempt.objects.filter(at__lt=now - timedelta(seconds=longest)).delete()
    attempt = TrackingAttempt.objects.create(at=now, address=address, number=number[:24])
    wait = _wait(attempt, now)
    if wait:
        attempt.delete()
        return CheckResult(wait=wait)
    case = Case.objects.filter(number=number).first()
    if case is not None and receipts.suffix_matches(case.requester_phone, suffix):
        attempt.delete()
        return CheckResult(case=case)
    return CheckResult()


def grant(request, case: Case, proof: PhoneRequester | None = None) -> None:
    """Let this session follow ``case`` (and only it) for ``grant_seconds()``; with
    ``proof`` (the link sent to the caller's phone), also rate it as its requester."""
    request.session.cycle_key()  # a new session key: a planted one learns nothing
    data = {"case": case.pk, "number": case.number}
    if proof is not None:
        data["phone"] = proof.phone
    request.session[GRANT_KEY] = signing.dumps(data, salt=GRANT_SALT)


def _grant(request) -> dict | None:
    token = request.session.get(GRANT_KEY)
    if not token:
        return None
    try:
        data = signing.loads(token, salt=GRANT_SALT, max_age=grant_seconds())
    except signing.BadSignature:  # also an expired grant
        return None
    return data if isinstance(data, dict) else None


def phone_proof(request, case: Case) -> PhoneRequester | None:
    """The caller proven by the link sent to their phone, if this session came by it."""
    data = _grant(request) or {}
    if data.get("case") != case.pk or not data.get("phone"):
        return None
    proof = PhoneRequester(case_id=case.pk, phone=data["phone"])
    return proof if proof.is_requester_of(case) else None


def do_open_phone_link(token: str) -> tuple[Case, PhoneRequester] | None:
    """The case and the proven caller a link in a text message names; ``None`` for a
    forged, stale or no longer matching link (the case's number was changed)."""
    proof = requester_for_token(token)
    if proof is None:
        return None
    case = Case.objects.filter(pk=proof.case_id).first()
    if case is None or not proof.is_requester_of(case):
        return None
    return case, proof


def access_tracked_case(request, number: str) -> Case:
    """The case this session's grant names, if it is ``number`` and the grant is fresh;
    ``PermissionDenied`` otherwise."""
    data = _grant(request)
    case = None
    if isinstance(data, dict) and data.get("number") == number:
        case = (
            Case.objects.select_related("category", "street", "grid", "responsible_body")
            .filter(pk=data.get("case"), number=number)
            .first()
        )
    if case is None:
        raise PermissionDenied(
            _(
                "To see this case, enter its number and the last four digits of your "
                "phone number again."
            )
        )
    return case


def tracker_account(case: Case):
    """The account the tracker rates in the name of: the active account that registered
    the case with the same phone number the check was made against. None for a caller
    without an account, and for a case an integration registered for someone else."""
    account = case.requester
    if account is None or not account.is_active or not account.phone:
        return None
    given = identity.normalize_mobile(case.requester_phone or "")
    if not given or identity.normalize_mobile(account.phone) != given:
        return None
    return account


def do_rate_tracked_case(
    case: Case, *, satisfaction: int, proof: PhoneRequester | None = None, now=None
) -> Case:
    """The requester's rating, given on the tracking page: the engine's requester step,
    audited with the channel in its note. Taken in the name of the requester's account,
    or, for a caller without one, by the caller proven by the link sent to their phone
    (``proof``). Refused once the case is rated (the step is no longer available) and
    for a caller who came by case number and phone suffix only."""
    step = evaluation_step(case)
    if step is None:
        raise ValidationError(
            _("This case cannot be rated now: a case is rated once, after the reply.")
        )
    account = tracker_account(case)
    if account is None and proof is not None and proof.is_requester_of(case):
        with translation.override(settings.LANGUAGE_CODE):
            note = _("Rated through the link sent by text message to the requester's phone.")
        return do_transition(
            case, step.action, actor=proof, satisfaction=satisfaction, note=note, now=now
        )
    if account is None:
        raise PermissionDenied(
            _(
                "This case was registered without an account: rate it through the link in "
                "the text message about the reply, or the hotline asks for your rating when "
                "it calls you back (回访)."
            )
        )
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the deployment's
        note = _("Rated on the tracking page (case number and phone suffix checked).")
    return do_transition(
        case, step.action, actor=account, satisfaction=satisfaction, note=note, now=now
    )
