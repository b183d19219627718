"""Following a case without signing in: the check of a case number and the last four
digits of the requester's phone, the grant it earns, and the requester's rating given
through it (docs/portal.md).

A tracker is not a user. A successful check puts a signed, short-lived grant naming one
case into the session; every page and action of the tracker asks ``access_tracked_case``
for that case and nothing else. The rating goes through the engine's own requester step,
taken in the name of the account that registered the case with that same phone number;
a case without such an account (a phone caller's) is rated at the return visit (回访).
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
from shanzhi.cases.procedure import Party
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


def grant(request, case: Case) -> None:
    """Let this session follow ``case`` (and only it) for ``grant_seconds()``."""
    request.session.cycle_key()  # a new session key: a planted one learns nothing
    request.session[GRANT_KEY] = signing.dumps(
        {"case": case.pk, "number": case.number}, salt=GRANT_SALT
    )


def access_tracked_case(request, number: str) -> Case:
    """The case this session's grant names, if it is ``number`` and the grant is fresh;
    ``PermissionDenied`` otherwise."""
    token = request.session.get(GRANT_KEY)
    data = None
    if token:
        try:
            data = signing.loads(token, salt=GRANT_SALT, max_age=grant_seconds())
        except signing.BadSignature:  # also an expired grant
            data = None
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


def evaluation_step(case: Case):
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


def do_rate_tracked_case(case: Case, *, satisfaction: int, now=None) -> Case:
    """The requester's rating, given on the tracking page: the engine's requester step,
    audited with the channel in its note. Refused once the case is rated (the step is no
    longer available) and for a case without the requester's account."""
    step = evaluation_step(case)
    if step is None:
        raise ValidationError(
            _("This case cannot be rated now: a case is rated once, after the reply.")
        )
    account = tracker_account(case)
    if account is None:
        raise PermissionDenied(
            _(
                "This case was registered without an account: the hotline asks for your "
                "rating when it calls you back (回访)."
            )
        )
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the deployment's
        note = _("Rated on the tracking page (case number and phone suffix checked).")
    return do_transition(
        case, step.action, actor=account, satisfaction=satisfaction, note=note, now=now
    )
