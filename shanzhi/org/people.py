"""Actions on user accounts (people who sign in)."""

from django.db import transaction

from shanzhi.core.actions import save_audited
from shanzhi.org.access import require_structure_editor


@transaction.atomic
def do_save_person(person, *, actor, id_number: str | None = None, note: str = ""):
    """Create or change an account. ``id_number`` is encrypted; ``None`` keeps it."""
    require_structure_editor(actor)
    if id_number is not None:
        person.set_id_number(id_number)
    save_audited(
        person,
        actor=actor,
        action="core.user.create" if person.pk is None else "core.user.update",
        note=note,
    )
    return person
