"""The roles a person can hold in the governance structure.

A role is held through a membership (``org.Membership``): a user × an org unit or body ×
a role. These sets decide what a role may see and change; the org tree decides where.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    GRID_LEADER = "grid_leader", _("Grid leader")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    STREET_DISPATCHER = "street_dispatcher", _("Dispatcher")
    STREET_STAFF = "street_staff", _("Street staff")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    LEADER = "leader", _("Leader / supervisor")
    LEGAL_ADVISER = "legal_adviser", _("Legal adviser")
    SOCIAL_ORGANISATION = "social_org", _("Social organisation")
    ADMINISTRATOR = "admin", _("System administrator")
    AUDITOR = "auditor", _("Auditor")


# Roles that see the governance structure of their unit and everything below it.
STAFF_ROLES = frozenset(Role) - {Role.RESIDENT, Role.SOCIAL_ORGANISATION}
# Staff roles that may read but never change anything.
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
# Roles whose membership of a body lets them act for it on a case (accept, reply, …):
# not those who only read (auditors), advise (legal advisers) or administer.
CASE_HANDLER_ROLES = STAFF_ROLES - READ_ONLY_ROLES - {Role.LEGAL_ADVISER, Role.ADMINISTRATOR}
# Roles allowed to maintain the governance structure (regions, grids, bodies, members).
STRUCTURE_EDITORS = frozenset({Role.ADMINISTRATOR})
# Roles that may read the audit log of their scope.
AUDIT_READERS = frozenset({Role.AUDITOR, Role.ADMINISTRATOR, Role.LEADER})
