"""Resident units, enterprises and social organisations."""

from django.db import transaction

from shanzhi.core.actions import save_audited
from shanzhi.registry.access import require_grid_in_area, require_writer
from shanzhi.registry.actions.common import lock, update_audited
from shanzhi.registry.models import Organisation

ORGANISATION_FIELDS = (
    "kind",
    "name",
    "uscc",
    "registration_number",
    "legal_representative",
    "has_party_organisation",
    "address",
    "building",
    "contact_name",
    "is_active",
    "grid",
)


@transaction.atomic
def do_create_organisation(
    organisation: Organisation, *, actor, contact_phone: str = "", note: str = ""
) -> Organisation:
    require_grid_in_area(actor, organisation.grid)
    organisation.place_in(organisation.grid)
    organisation.set_contact_phone(contact_phone)
    save_audited(
        organisation,
        actor=actor,
        action="registry.organisation.create",
        note=note,
        scope_path=lambda o: o.path,
    )
    return organisation


@transaction.atomic
def do_update_organisation(
    organisation: Organisation,
    changes: dict,
    *,
    actor,
    based_on: int | None = None,
    note: str = "",
) -> Organisation:
    """Change an organisation. ``changes`` may carry ``contact_phone`` as typed; it is
    stored encrypted."""
    require_writer(actor, organisation.path)
    changes = dict(changes)
    phone = changes.pop("contact_phone", None)

    def check(stored, changed):
        if "grid" in changed:
            stored.place_in(stored.grid)
            require_grid_in_area(actor, stored.grid)

    if phone is not None:
        # The phone is compared on its blind index, so that it counts as a change only
        # when the number itself changes.
        stored = lock(organisation)
        probe = Organisation(contact_phone_index=stored.contact_phone_index)
        probe.set_contact_phone(phone)
        if probe.contact_phone_index != stored.contact_phone_index:
            changes["contact_phone_encrypted"] = probe.contact_phone_encrypted
            changes["contact_phone_index"] = probe.contact_phone_index
            changes["contact_phone_masked"] = probe.contact_phone_masked
    allowed = (
        *ORGANISATION_FIELDS,
        "contact_phone_encrypted",
        "contact_phone_index",
        "contact_phone_masked",
    )
    return update_audited(
        organisation,
        changes,
        allowed,
        actor=actor,
        action="registry.organisation.update",
        based_on=based_on,
        note=note,
        check=check,
    )
