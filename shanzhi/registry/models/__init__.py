"""The grid registry (人地物事组织): people, households, places, things, organisations,
and the personal-data access log. One module per concept; all models are importable
from here."""

from shanzhi.registry.models.accesslog import AccessKind, PersonalDataAccess
from shanzhi.registry.models.common import EffectiveDated, validate_grid
from shanzhi.registry.models.organisations import Organisation, OrganisationKind
from shanzhi.registry.models.people import (
    CareTag,
    CareTagKind,
    Household,
    HouseholdMember,
    Person,
    PersonRecord,
    RegistrationType,
    Relation,
    Sex,
)
from shanzhi.registry.models.places import (
    COMPONENT_CLASSES,
    COMPONENT_TRANSITIONS,
    RENTAL_USES,
    Building,
    BuildingUse,
    Component,
    ComponentState,
    Dwelling,
    DwellingUse,
    Tenancy,
)

__all__ = [
    "COMPONENT_CLASSES",
    "COMPONENT_TRANSITIONS",
    "RENTAL_USES",
    "AccessKind",
    "Building",
    "BuildingUse",
    "CareTag",
    "CareTagKind",
    "Component",
    "ComponentState",
    "Dwelling",
    "DwellingUse",
    "EffectiveDated",
    "Household",
    "HouseholdMember",
    "Organisation",
    "OrganisationKind",
    "Person",
    "PersonRecord",
    "PersonalDataAccess",
    "RegistrationType",
    "Relation",
    "Sex",
    "Tenancy",
    "validate_grid",
]
from shanzhi.registry.io.models import ImportIssue, ImportJob  # noqa: F401
from shanzhi.registry.rounds.models import ProposedChange, RoundsConfig, Visit, VisitPlan  # noqa: F401
