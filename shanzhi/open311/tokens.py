"""Tokens of GeoReport's token flow (``tokens/{token}``).

Servers that cannot register a request at once hand out a token and tell the request's
id later. Shanzhi registers every request at once, so a token is issued with the id: it
is the case number signed with the deployment's secret key (``SECRET_KEY``; tokens
signed with a key listed in ``SECRET_KEY_FALLBACKS`` still resolve). Nothing is stored:
a token resolves as long as its case exists, and a token that Shanzhi did not sign
resolves to nothing.
"""

from django.core import signing

_SALT = "shanzhi.open311.token"


def issue(number: str) -> str:
    return signing.Signer(salt=_SALT).sign(number)


def resolve(token: str) -> str | None:
    """The case number a token was issued for, or None."""
    try:
        return signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return None
