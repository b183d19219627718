"""The only code that changes the laws, the duty lists, the catalogues, the time-limit
table and the calendar overrides.

Every change is versioned like a decision log: it needs a note, runs in one transaction,
is validated whole and writes an audit event with the editor, the time and the values
before and after (many-to-many values included). The audit events of an object are its
version history. Only the district's system administrators (or the system itself,
``actor=None``: management commands and the demo loader) may change these lists.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.core.actions import diff, save_audited, snapshot
from shanzhi.core.roles import Role
from shanzhi.duties.models import (
    Article,
    CalendarOverride,
    DispatchRule,
    DutyItem,
    Law,
    MatterCategory,
    TimeLimit,
)
from shanzhi.org.access import scope_of
from shanzhi.org.models import Level, Region


def may_edit_catalogue(user) -> bool:
    """A superuser, or a system administrator held at the district level."""
    scope = scope_of(user)
    if scope.everything:
        return True
    paths = [path for path, roles in scope.roles_at.items() if Role.ADMINISTRATOR in roles]
    return bool(paths) and Region.objects.filter(path__in=paths, level=Level.DISTRICT).exists()


def require_catalogue_editor(actor) -> None:
    """``actor=None`` is the system itself (an operator with shell access)."""
    if actor is None or may_edit_catalogue(actor):
        return
    raise PermissionDenied(
        _("Only a system administrator of the district may change the laws and duty lists.")
    )


def require_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            _(
                "Every change to the laws and duty lists is recorded with a reason; "
                "write the reason for this change."
            ),
            code="note_required",
        )
    return note


def _district_path() -> str:
    district = Region.objects.filter(level=Level.DISTRICT, parent__isnull=True).order_by("pk")
    return district.values_list("path", flat=True).first() or ""


def _start(actor, note: str) -> str:
    require_catalogue_editor(actor)
    return require_note(note)


def _save(obj: models.Model, *, actor, note: str, name: str, scope_path: str = ""):
    note = _start(actor, note)
    action = f"duties.{name}.{'create' if obj.pk is None else 'update'}"
    save_audited(
        obj, actor=actor, action=action, note=note, scope_path=scope_path or _district_path()
    )
    return obj


@transaction.atomic
def do_save_law(law: Law, *, actor, note: str) -> Law:
    return _save(law, actor=actor, note=note, name="law")


@transaction.atomic
def do_save_article(article: Article, *, actor, note: str) -> Article:
    return _save(article, actor=actor, note=note, name="article")


@transaction.atomic
def do_save_category(category: MatterCategory, *, actor, note: str) -> MatterCategory:
    return _save(category, actor=actor, note=note, name="category")


@transaction.atomic
def do_save_time_limit(limit: TimeLimit, *, actor, note: str) -> TimeLimit:
    return _save(limit, actor=actor, note=note, name="time_limit")


@transaction.atomic
def do_save_calendar_override(override: CalendarOverride, *, actor, note: str):
    from shanzhi.duties import calendar

    _save(override, actor=actor, note=note, name="calendar_override")
    # Forget now, so that this transaction already computes with the new day, and again
    # after commit, so that no process keeps a calendar cached in between.
    calendar.forget()
    transaction.on_commit(calendar.forget)
    return override


def _save_with_m2m(obj, *, field: str, values, actor, note: str, name: str, scope_path=""):
    """Save ``obj`` and set its many-to-many ``field`` to ``values`` in one audit event."""
    note = _start(actor, note)
    values = list(values)
    creating = obj.pk is None
    before = {}
    if not creating:
        stored = type(obj)._default_manager.get(pk=obj.pk)
        before = {
            **snapshot(stored),
            field: sorted(getattr(stored, field).values_list("pk", flat=True)),
        }
    obj.full_clean()
    obj.save()
    getattr(obj, field).set(values)
    after = {**snapshot(obj), field: sorted(v.pk for v in values)}
    old, new = diff(before, after)
    action = f"duties.{name}.{'create' if creating else 'update'}"
    audit.record(
        actor,
        action,
        obj,
        before=old,
        after=new,
        note=note,
        scope_path=scope_path or _district_path(),
    )
    return obj


@transaction.atomic
def do_save_duty_item(item: DutyItem, *, articles, actor, note: str) -> DutyItem:
    """Save an item of the power list or the street duty list with its legal bases."""
    return _save_with_m2m(
        item, field="articles", values=articles, actor=actor, note=note, name="duty_item"
    )


def check_assisting(lead_body, assisting) -> None:
    """Assisting bodies are active and differ from the lead body (``None``: none named)."""
    problems = []
    for body in assisting:
        if lead_body is not None and body.pk == lead_body.pk:
            problems.append(_("%(body)s leads the matter; it cannot also assist.") % {"body": body})
        elif not body.is_active:
            problems.append(_("%(body)s is no longer active.") % {"body": body})
    if problems:
        raise ValidationError({"assisting": problems})


@transaction.atomic
def do_save_dispatch_rule(rule: DispatchRule, *, assisting, actor, note: str) -> DispatchRule:
    """Save a rule of the dispatch catalogue with its assisting bodies."""
    require_catalogue_editor(actor)
    assisting = list(assisting)
    check_assisting(rule.lead_body if rule.lead_body_id else None, assisting)
    return _save_with_m2m(
        rule,
        field="assisting",
        values=assisting,
        actor=actor,
        note=note,
        name="dispatch_rule",
        scope_path=rule.area.path if rule.area_id else "",
    )
