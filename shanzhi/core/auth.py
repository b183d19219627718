"""Signing in: by username or mobile number, with failed attempts throttled per account.

django-axes counts failures under a key. The key must name the account a login resolves
to, not the text typed: "+86 139-…", "0086139…" and "139…" are one account, and five
failures spread over five spellings are five failures of that account.
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q, Sum
from django.utils import timezone

from shanzhi.lib import identity


def resolve_account(username: str | None):
    """The account a sign-in name designates (username, else mobile number), or None."""
    text = (username or "").strip()
    if not text:
        return None
    query = Q(username=text)
    if identity.is_valid_mobile(text):
        query |= Q(phone=identity.normalize_mobile(text))
    return get_user_model().objects.filter(query).order_by("pk").first()


class UsernameOrPhoneBackend(ModelBackend):
    """Sign in with the username or the registered mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = resolve_account(username)
        if user is None:
            # Spend the same time as a real check so that timing does not reveal accounts.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def throttle_key(request, credentials=None) -> str:
    """``AXES_USERNAME_CALLABLE``: "user:<pk>" for a name that resolves to an account,
    otherwise the name normalised the way the backend reads it."""
    if credentials:
        raw = credentials.get("username")
    else:
        raw = getattr(request, "POST", {}).get("username")
    text = str(raw or "").strip()
    user = resolve_account(text)
    if user is not None:
        return f"user:{user.pk}"
    if identity.is_valid_mobile(text):
        return identity.normalize_mobile(text)
    return text[:255]


def client_ip(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the address failures are counted against.

    Behind the reverse proxy every request comes from the proxy, so the client is the
    address the proxy appended to X-Forwarded-For: the last entry. Earlier entries are
    whatever the client sent and cannot be trusted.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not settings.BEHIND_PROXY:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if not hops:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-1]))
    except ValueError:
        return remote


def address_failures(ip: str | None) -> int:
    """Failed sign-ins from one address, over every account, within the cool-off."""
    if not ip:
        return 0
    from axes.models import AccessAttempt

    since = timezone.now() - timedelta(seconds=settings.AXES_COOLOFF_TIME.total_seconds())
    total = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def failure_limit(request, credentials=None) -> int:
    """``AXES_FAILURE_LIMIT``: failures allowed for one account from one address.

    An address that has failed ``LOGIN_ADDRESS_FAILURE_LIMIT`` times in all (trying many
    accounts, a few guesses each) is refused outright until the cool-off ends.
    """
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    if address_failures(ip) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return 0
    return settings.LOGIN_FAILURE_LIMIT
