"""Following an open case instead of reporting the same matter again ("me too", 附议).

The resident report form shows the open cases near the matter being reported that look
like it (``cases/nearby.py``), without their numbers. Each carries a signed token; a
signed-in resident who recognises their matter follows that case with it. A follower
reads the case's outcome as the requester of a merged duplicate does (no requester, no
files, no internal notes: ``access.only_follows``), is told of the steps its requester
is told of (``routing.notify_bodies``), finds it among their cases, and may stop
following it. The number of followers tells the dispatcher and the handling body how
many residents are affected.

Only cases the public may know of are followed: service requests and grid events that
are open, not confidential, not reports about a body (举报) and not consultations.
"""

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.cases.models import Case, Follow, RequestKind
from shanzhi.core import audit

PUBLIC_PROCEDURES = ("service_request", "grid_event")
TOKEN_SALT = "shanzhi.cases.follow"  # noqa: S105 (a signing namespace, not a secret)
# A suggestion is followed while the report form is open, not days later.
TOKEN_SECONDS = 2 * 3600


def is_followable(case: Case) -> bool:
    """A case the public may know of and that is still being handled."""
    return (
        case.procedure in PUBLIC_PROCEDURES
        and not case.confidential
        and case.accused_body_id is None
        and case.kind not in (RequestKind.REPORT, RequestKind.CONSULTATION)
        and case.merged_into_id is None
        and not case.procedure_def.by_state[case.state].final
    )


def follow_token(case: Case) -> str:
    """The token a suggestion carries instead of the case number (not published)."""
    return signing.dumps(case.pk, salt=TOKEN_SALT, compress=True)


def case_for_token(token: str) -> Case:
    """The case a token names; ``ValidationError`` for a forged or stale token."""
    try:
        pk = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This suggestion is out of date: look at the nearby cases again."), code="stale"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This is not a case you were shown."), code="bad_token") from None
    case = Case.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if case is None:
        raise ValidationError(_("This is not a case you were shown."), code="bad_token")
    return case


def follower_count(case: Case) -> int:
    return Follow.objects.filter(case=case).count()


def follows(user, case: Case) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and Follow.objects.filter(case=case, user=user).exists()
    )


def do_follow_case(case: Case, *, actor, now=None) -> Follow:
    """``actor`` follows ``case``. Following twice changes nothing and returns the first
    follow. Refused for one's own case and for a case that is not followable."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Sign in to follow a case."))
    if case.requester_id == actor.pk:
        raise ValidationError(_("This is your own case: you follow it already."), code="own")
    now = now or timezone.now()
    with transaction.atomic():
        # The state is read again inside the transaction: a case closed meanwhile is
        # not followed.
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not is_followable(case):
            raise ValidationError(
                _("This case can no longer be followed: it is closed or not public."),
                code="not_followable",
            )
        existing = Follow.objects.filter(case=case, user=actor).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                follow = Follow.objects.create(case=case, user=actor, created=now)
        except IntegrityError:  # the same click twice, side by side
            return Follow.objects.get(case=case, user=actor)
        audit.record(
            actor,
            "case.follow",
            case,
            after={"followers": Follow.objects.filter(case=case).count()},
            scope_path=case.scope_path,
        )
    return follow


def do_unfollow_case(case: Case, *, actor) -> bool:
    """``actor`` stops following ``case``; False when they did not follow it."""
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(case=case, user=actor).delete()
        if deleted:
            audit.record(
                actor,
                "case.unfollow",
                case,
                after={"followers": Follow.objects.filter(case=case).count()},
                scope_path=case.scope_path,
            )
    return bool(deleted)


def followers_to_tell(case: Case):
    """The active accounts that follow ``case``, other than its requester."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(followed_cases__case=case, is_active=True)
    if case.requester_id:
        users = users.exclude(pk=case.requester_id)
    return list(users.order_by("pk"))
