"""Actions on user accounts (people who sign in)."""

from django.contrib.auth import password_validation
from django.db import transaction

from shanzhi.core import audit
from shanzhi.core.actions import save_audited
from shanzhi.org.access import require_person_editor
from shanzhi.org.models import Membership, Region


def person_scope_path(person) -> str:
    """Where an account's audit events are read: the area of the first role the person
    holds, or the top of the tree for someone who holds none."""
    membership = (
        Membership.objects.active()
        .filter(user_id=person.pk)
        .select_related("region", "body__region")
        .order_by("pk")
        .first()
    )
    if membership is not None:
        return (membership.region or membership.body.region).path
    root = Region.objects.filter(parent__isnull=True).order_by("code").first()
    return root.path if root else ""


@transaction.atomic
def do_save_person(person, *, actor, id_number: str | None = None, note: str = ""):
    """Create or change an account. ``id_number`` is encrypted; ``None`` keeps it.

    Any administrator may create accounts; changing one needs an administrator of every
    area where the person holds a role (``access.filter_editable_users``)."""
    require_person_editor(actor, person)
    if id_number is not None:
        person.set_id_number(id_number)
    save_audited(
        person,
        actor=actor,
        action="core.user.create" if person.pk is None else "core.user.update",
        note=note,
        scope_path=person_scope_path,
    )
    return person


@transaction.atomic
def do_set_password(person, *, password: str | None, actor, note: str = ""):
    """Set a person's password, or disable password sign-in (``password=None``)."""
    require_person_editor(actor, person)
    if password is None:
        person.set_unusable_password()
    else:
        password_validation.validate_password(password, person)
        person.set_password(password)
    person.save(update_fields=["password"])
    audit.record(
        actor,
        "core.user.set_password",
        person,
        after={"usable_password": password is not None},
        note=note,
        scope_path=person_scope_path(person),
    )
    return person
