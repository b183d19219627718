"""Token authentication, scopes and the rate limit of the machine interfaces.

``authenticate_token`` is shared by every interface that takes an integration's token
(the JSON API reads it from ``Authorization: Bearer``; Open311 from ``api_key``).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from shanzhi.api.errors import ApiError, Code
from shanzhi.api.models import Integration
from shanzhi.lib import apitokens, ratewindow

WINDOW_SECONDS = 60


def authenticate_token(token: str, *, now=None) -> Integration | None:
    """The active integration holding ``token``, with its request counted against its
    rate limit; None for a token that is wrong, unknown or switched off. Raises
    ``ApiError`` (429) when the integration's allowance for this minute is used up."""
    if apitokens.key_id(token) is None:
        return None
    integration = (
        Integration.objects.active()
        .select_related("user")
        .filter(token_hash=apitokens.token_hash(token))
        .first()
    )
    if integration is None:
        return None
    now = now or timezone.now()
    start, wait = ratewindow.window(now.timestamp(), WINDOW_SECONDS)
    counted = Integration.objects.count_request(
        integration.pk, window_start=start, limit=integration.rate_limit, now=now
    )
    if not counted:
        raise ApiError(
            429,
            Code.RATE_LIMITED,
            _("Too many requests: at most %(n)d a minute for this integration.")
            % {"n": integration.rate_limit},
            details={"limit": integration.rate_limit, "retry_after": wait},
            headers={"Retry-After": str(wait), "X-RateLimit-Limit": str(integration.rate_limit)},
        )
    return integration


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the request then acts as the integration's
    service account, so the pages' access helpers apply to it unchanged."""

    def authenticate(self, request, token):
        integration = authenticate_token(token.strip())
        if integration is None:
            return None
        request.user = integration.user
        return integration


def require_scope(request, scope: str) -> Integration:
    integration = request.auth
    if not integration.has_scope(scope):
        raise ApiError(
            403,
            Code.INSUFFICIENT_SCOPE,
            _("This integration's token does not carry the scope %(scope)s.") % {"scope": scope},
            details={"required": scope, "granted": list(integration.scopes)},
        )
    return integration
