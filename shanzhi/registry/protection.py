"""The duty table of the registry: which role may read, change, reveal, export and see
what, written down once.

State organs process personal information only within their statutory duties
(个人信息保护法 Art. 34); sensitive information (ID numbers, health, minors, special
groups) needs extra protection (Art. 28, 55); access follows the organisation hierarchy,
is logged, and values are masked unless the viewer's duty needs the full value (DOMAIN §6).
Every role below is held at an org unit and counts for that unit and everything under it
(``org.access.Scope.roles_over``): a grid worker's duty covers their grid, community staff
their community, street staff their street.

Why these roles:
- Grid workers and grid leaders collect and keep the grid's information and visit people,
  so they read the grid's people and call them; they do not register or change records
  directly: what they find on a round is a proposed change that community staff confirm.
- Community staff (the residents' committee) and street staff keep the registry: they
  register, correct, move and deregister people, keep households, buildings, rented
  dwellings, components and organisations, and need the full ID number for certificates,
  applications and assistance.
- Leaders read their area (supervision); auditors read it to check that access was lawful,
  and read the access log. Neither needs a full ID number or phone number for that.
- Dispatchers, department handlers, legal advisers, administrators, social organisations
  and residents have no duty on the registry and do not see it. (A superuser, who runs the
  platform, holds every duty, and is logged like everyone else.)
"""

from django.utils.translation import gettext_lazy as _

from shanzhi.core.roles import AUDIT_READERS, Role

# Who sees the registry of their area (people masked, places, organisations).
READERS = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.LEADER,
        Role.AUDITOR,
    }
)
# Who registers and changes records of their area.
WRITERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})

# Who may reveal the full value of a masked field, by field.
REVEALERS = {
    "id_number": frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF}),
    "phone": frozenset(
        {Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF}
    ),
    "contact_phone": frozenset(
        {Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF}
    ),
}

# Why a full value may be shown; the reader picks one and it is logged with the reveal.
PURPOSES = {
    "contact": _("Contact the person for a visit or a service"),
    "verify_identity": _("Verify identity for a registration or a certificate"),
    "assistance": _("Social assistance, care or subsidy application"),
    "safety": _("Emergency or public-safety matter"),
    "correction": _("Correct the record at the person's request"),
}

# Who may export personal data of their area (watermarked and logged).
EXPORTERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})

# Who reads the personal-data access log of their area: the readers of the audit log.
ACCESS_LOG_READERS = AUDIT_READERS

_GRID = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
_KEEPERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})

# Care tags (关爱标签), by kind: who sees that a person carries it. Living alone in old
# age and being left behind are what grid workers visit for; disability is health data
# and low income financial data, needed by those who grant assistance (community and
# street) and by the grid worker who visits. Leaders see that an old person lives alone
# (emergencies, heat waves) but count the other tags only in statistics; auditors see none.
CARE_TAG_READERS = {
    "elderly_alone": _GRID | _KEEPERS | {Role.LEADER},
    "left_behind": _GRID | _KEEPERS,
    "disabled": _GRID | _KEEPERS,
    "low_income": _KEEPERS,
}
# Who sets and ends care tags.
CARE_TAG_WRITERS = _KEEPERS


def care_kinds_for(roles) -> set[str]:
    """The care-tag kinds that holders of ``roles`` see."""
    return {kind for kind, readers in CARE_TAG_READERS.items() if readers & set(roles)}
