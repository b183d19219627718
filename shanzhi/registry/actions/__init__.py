"""The only code that changes the registry, split by concept. Each ``do_*`` runs in one
transaction, checks the actor's area (``access``), validates with translated messages,
and writes an audit event. Updates take the version they were based on and raise
``EditConflict`` instead of overwriting a newer change."""

from shanzhi.registry.actions.common import EditConflict
from shanzhi.registry.actions.households import (
    do_add_household_member,
    do_change_household_head,
    do_create_household,
    do_remove_household_member,
)
from shanzhi.registry.actions.organisations import do_create_organisation, do_update_organisation
from shanzhi.registry.actions.people import (
    DeregistrationReason,
    do_add_care_tag,
    do_deregister_person,
    do_end_care_tag,
    do_move_person,
    do_register_person,
    do_set_id_number,
    do_update_person,
)
from shanzhi.registry.actions.places import (
    do_create_building,
    do_create_component,
    do_create_dwelling,
    do_end_tenancy,
    do_start_tenancy,
    do_update_building,
    do_update_component,
    do_update_dwelling,
)
from shanzhi.registry.actions.privacy import (
    AnonymisationReason,
    PeopleExport,
    do_anonymise_person,
    do_export_people,
    do_reveal_field,
)

__all__ = [
    "AnonymisationReason",
    "DeregistrationReason",
    "EditConflict",
    "PeopleExport",
    "do_add_care_tag",
    "do_add_household_member",
    "do_anonymise_person",
    "do_change_household_head",
    "do_create_building",
    "do_create_component",
    "do_create_dwelling",
    "do_create_household",
    "do_create_organisation",
    "do_deregister_person",
    "do_end_care_tag",
    "do_end_tenancy",
    "do_export_people",
    "do_move_person",
    "do_register_person",
    "do_remove_household_member",
    "do_reveal_field",
    "do_set_id_number",
    "do_start_tenancy",
    "do_update_building",
    "do_update_component",
    "do_update_dwelling",
    "do_update_organisation",
    "do_update_person",
]
