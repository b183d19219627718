"""The only code that changes integrations, and the API's idempotent intake. Each
action runs in one transaction and writes its audit event; a token is returned once, to
be shown once, and only its hash is stored."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shanzhi.api.models import IdempotencyKey, Integration
from shanzhi.cases.engine import do_create_case
from shanzhi.core import audit
from shanzhi.core.actions import diff, snapshot
from shanzhi.lib import apitokens
from shanzhi.org.access import require_structure_editor
from shanzhi.org.actions import do_save_membership
from shanzhi.org.models import Membership
from shanzhi.org.people import do_save_person

# What an administrator may change on an integration after creating it. Its role and
# area stay: an integration acting elsewhere is a new integration with a new token.
CHANGEABLE = ("name", "description", "scopes", "rate_limit", "is_active")


def _audit_snapshot(integration: Integration) -> dict:
    data = snapshot(integration)
    for secret in ("token_hash", "window_start", "window_count", "last_used"):
        data.pop(secret, None)
    return data


@transaction.atomic
def do_create_integration(integration: Integration, *, actor, note: str = "") -> tuple:
    """Create an integration, its service account and (with a role) the membership that
    gives the account its role; ``(integration, token)``. The actor must administer the
    area the integration acts for (``None``: the system, e.g. a management command)."""
    if integration.pk is not None:
        raise ValueError("do_create_integration creates; use do_update_integration")
    region = integration.unit_region
    require_structure_editor(actor, region)
    token, key_id = apitokens.new_token()
    integration.token_hash = apitokens.token_hash(token)
    integration.key_id = key_id
    integration.created_by = actor if getattr(actor, "is_authenticated", False) else None
    user = get_user_model()(username=f"api-{key_id}", real_name=integration.name[:50])
    integration.user = user
    integration.full_clean(exclude=["user"])
    user.set_unusable_password()
    do_save_person(
        user,
        actor=actor,
        note=_("Service account of integration %(name)s") % {"name": integration.name},
    )
    integration.user = user
    if integration.role:
        membership = Membership(
            user=user,
            role=integration.role,
            region=integration.region,
            body=integration.body,
            title=_("Integration"),
        )
        integration.membership = do_save_membership(membership, actor=actor, note=note)
    integration.save()
    audit.record(
        actor,
        "api.integration.create",
        integration,
        after=_audit_snapshot(integration),
        note=note,
        scope_path=region.path if region else "",
    )
    return integration, token


@transaction.atomic
def do_update_integration(integration: Integration, *, actor, note: str = "") -> Integration:
    """Change the name, description, scopes, rate limit or active flag."""
    stored = Integration.objects.select_related("region", "body__region").get(pk=integration.pk)
    region = stored.unit_region
    require_structure_editor(actor, region)
    for field in ("role", "region_id", "body_id", "user_id", "token_hash"):
        if getattr(integration, field) != getattr(stored, field):
            raise ValidationError(
                _("An integration keeps its role and area; create a new one to act elsewhere.")
            )
    integration.full_clean()
    integration.save(update_fields=list(CHANGEABLE))
    before, after = diff(_audit_snapshot(stored), _audit_snapshot(integration))
    audit.record(
        actor,
        "api.integration.update",
        integration,
        before=before,
        after=after,
        note=note,
        scope_path=region.path if region else "",
    )
    return integration


@transaction.atomic
def do_rotate_integration_token(integration: Integration, *, actor, note: str = "") -> str:
    """Issue a new token; the old one stops working at once. Returns the new token."""
    region = integration.unit_region
    require_structure_editor(actor, region)
    token, key_id = apitokens.new_token()
    old_key = integration.key_id
    Integration.objects.filter(pk=integration.pk).update(
        token_hash=apitokens.token_hash(token), key_id=key_id
    )
    integration.token_hash, integration.key_id = apitokens.token_hash(token), key_id
    audit.record(
        actor,
        "api.integration.rotate",
        integration,
        before={"key_id": old_key},
        after={"key_id": key_id},
        note=note,
        scope_path=region.path if region else "",
    )
    return token


class KeyReused(Exception):
    """The idempotency key was used before for another request."""


def do_create_case_once(make_intake, *, integration, key: str, fingerprint: str, render):
    """Register a case under an idempotency key: ``(case or None, status, response)``.

    The first request with a key registers the case (``make_intake()`` is its input,
    read only when the key is new) and stores ``render(case)`` under
    the key in the same transaction. A request with a key already stored gets the stored
    answer (``case`` is then None) if it is the same request, and ``KeyReused`` if not.
    Two requests with the same key at once: the database lets one key row in, the other
    transaction rolls back whole (its case too) and answers from the stored row.
    """
    stored = _stored_answer(integration, key, fingerprint)
    if stored is not None:
        return None, *stored
    intake = make_intake()
    try:
        with transaction.atomic():
            case = do_create_case(intake, actor=integration.user)
            response = render(case)
            IdempotencyKey.objects.create(
                integration=integration,
                key=key,
                fingerprint=fingerprint,
                case=case,
                response=response,
            )
    except IntegrityError:
        stored = _stored_answer(integration, key, fingerprint)
        if stored is None:
            raise
        return None, *stored
    return case, 201, response


def _stored_answer(integration, key, fingerprint):
    row = (
        IdempotencyKey.objects.filter(integration=integration, key=key)
        .only("fingerprint", "status_code", "response")
        .first()
    )
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise KeyReused(key)
    return row.status_code, row.response
