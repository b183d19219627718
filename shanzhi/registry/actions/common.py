"""Building blocks of the registry's actions: version checks (optimistic concurrency),
applying a dict of changes, effective dates, and closing effective-dated rows."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core.actions import save_audited


class EditConflict(ValidationError):
    """The change was prepared from an older version than the stored one: someone else
    changed the record meanwhile. Nothing is overwritten; the caller shows both."""

    def __init__(self, obj, based_on: int, current: int):
        super().__init__(
            _(
                "%(object)s was changed by someone else after you read it (you read version "
                "%(based)s, it is now at version %(current)s). Reload it and make your change "
                "again."
            )
            % {"object": obj, "based": based_on, "current": current},
            code="conflict",
        )
        self.obj = obj
        self.based_on = based_on
        self.current = current


def actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def lock(obj):
    """The stored row of ``obj``, locked until the transaction ends."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def check_version(stored, based_on: int | None) -> None:
    if based_on is not None and based_on != stored.version:
        raise EditConflict(stored, based_on, stored.version)


def apply_changes(obj, changes: dict, allowed) -> list[str]:
    """Set ``changes`` (field name → value; a related object or its primary key) on
    ``obj``; the names of the fields whose value differs. Unknown names are a
    programming error, not bad input."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"not changeable here: {', '.join(sorted(unknown))}")
    changed = []
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            if isinstance(value, models.Model):
                value = value.pk
            if getattr(obj, field.attname) != value:
                setattr(obj, field.attname, value)
                changed.append(name)
        elif getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def update_audited(obj, changes: dict, allowed, *, actor, action: str, based_on, note, check=None):
    """Lock the stored row, check its version, apply ``changes``, validate, save with a
    new version and write the audit event. ``check(stored, changed)`` runs before the
    save for the rules that need the other rows. Returns the saved row."""
    stored = lock(obj)
    check_version(stored, obj.version if based_on is None else based_on)
    changed = apply_changes(stored, changes, allowed)
    if not changed:
        return stored
    if check is not None:
        check(stored, changed)
    stored.version += 1
    save_audited(stored, actor=actor, action=action, note=note, scope_path=lambda o: o.path)
    return stored


def effective_day(day, *, not_before=None, field: str = "valid_from"):
    """The day a change takes effect: today by default, never in the future, never
    before the current row began (``not_before``)."""
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise ValidationError({field: _("The date lies in the future.")})
    if not_before is not None and day < not_before:
        raise ValidationError(
            {
                field: _(
                    "The change cannot take effect before %(date)s, when the current record "
                    "took effect."
                )
                % {"date": not_before.isoformat()}
            }
        )
    return day


def close(row, day) -> None:
    """End an effective-dated row on ``day`` (it is no longer in effect from that day)."""
    row.valid_to = day
    row.closed_at = timezone.now()
    type(row)._default_manager.filter(pk=row.pk).update(valid_to=day, closed_at=row.closed_at)
