"""Shared building blocks for ``do_*`` actions."""

from django.db import models

from shanzhi.core import audit


def snapshot(obj: models.Model) -> dict:
    """The audited state of a model instance: its concrete, non-secret field values, with
    the fields a model lists in ``AUDIT_MASKED_FIELDS`` (name → mask function) masked."""
    masked = getattr(type(obj), "AUDIT_MASKED_FIELDS", {})
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name.endswith("_encrypted") or field.name == "password":
            continue
        value = field.value_from_object(obj)
        if field.name in masked and value:
            value = masked[field.name](value)
        data[field.attname] = value
    return data


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, so that an audit event reads as what happened."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def save_audited(
    obj: models.Model, *, actor, action: str, note: str = "", scope_path=None, after_save=None
):
    """Validate and save ``obj`` and write its audit event; call inside the action's atomic.

    ``after_save(obj)`` runs before the event is written (e.g. to derive fields that need
    the new primary key); ``scope_path`` is a string or a function of the saved object.
    """
    before = {}
    if obj.pk is not None:
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk))
    obj.full_clean()
    obj.save()
    if after_save is not None:
        after_save(obj)
    old, new = diff(before, snapshot(obj))
    scope = scope_path(obj) if callable(scope_path) else (scope_path or "")
    return audit.record(actor, action, obj, before=old, after=new, note=note, scope_path=scope)
