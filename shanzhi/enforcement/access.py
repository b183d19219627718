"""Who works on, reads and manages delegated enforcement.

- Work on a street's cases (take steps): the street's enforcement team — members of its
  comprehensive enforcement brigade, the street's staff — and officers whose certificate
  covers the street or one of its delegated matters.
- Read: leaders of the street or the district; the delegating department reads the cases
  of its matters.
- Manage the matter list, the evaluations and the officers: the district's
  administrators and leaders; the delegating department evaluates its own matters.
Everyone else is answered "not found" (404), as for a number that does not exist.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.core.roles import Role
from shanzhi.org.access import scope_of
from shanzhi.org.models import Body, BodyKind, Level, Region

NOT_FOUND = gettext_lazy("No such enforcement case within your reach.")


def team_of(street: Region) -> Body | None:
    return Body.objects.filter(
        region=street, kind=BodyKind.ENFORCEMENT_BRIGADE, is_active=True
    ).first()


def _officer_streets(user) -> set[int]:
    from shanzhi.enforcement.models import DelegatedMatter, Officer

    streets: set[int] = set()
    for officer in Officer.objects.filter(user=user, revoked=False).prefetch_related(
        "streets", "matters"
    ):
        streets |= {s.pk for s in officer.streets.all()}
        matter_ids = [m.pk for m in officer.matters.all()]
        streets |= set(
            DelegatedMatter.streets.through.objects.filter(
                delegatedmatter_id__in=matter_ids
            ).values_list("region_id", flat=True)
        )
    return streets


def works_on(user, street: Region) -> bool:
    """Takes steps on the cases of ``street``: its street staff and the members of its
    enforcement team, those the engine lets act for the team. An officer whose
    certificate covers the street but who is not of its team reads its cases and may be
    named on their steps, but does not take them."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    if scope.everything:
        return True
    if Role.STREET_STAFF in scope.roles_at.get(street.path, set()):
        return True
    team = team_of(street)
    return team is not None and team.pk in scope.handling_body_ids


def reads(user, ecase) -> bool:
    if works_on(user, ecase.street) or ecase.street_id in _officer_streets(user):
        return True
    scope = scope_of(user)
    # Leaders read; the dispatch centre reads the cases it sends to the team.
    if scope.roles_over(ecase.street.path) & {Role.LEADER, Role.STREET_DISPATCHER}:
        return True
    return ecase.matter.department_id in scope.body_ids


def visible_cases(user):
    """The enforcement cases ``user`` may open."""
    from shanzhi.enforcement.models import EnforcementCase

    qs = EnforcementCase.objects.select_related("case", "matter", "street", "team")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = scope_of(user)
    if scope.everything:
        return qs
    streets = set(_officer_streets(user))
    for path, roles in scope.roles_at.items():
        if roles & {Role.STREET_STAFF, Role.LEADER, Role.STREET_DISPATCHER}:
            streets |= set(
                Region.objects.filter(path__startswith=path, level=Level.STREET).values_list(
                    "pk", flat=True
                )
            )

    return qs.filter(
        Q(street_id__in=streets)
        | Q(team_id__in=scope.handling_body_ids)
        | Q(matter__department_id__in=scope.body_ids)
    )


def access_enforcement_case(user, number: str, *, for_write: bool = False):
    from shanzhi.enforcement.models import EnforcementCase

    ecase = (
        EnforcementCase.objects.select_related(
            "case", "matter__department", "street", "team", "source_case", "device"
        )
        .filter(case__number=number)
        .first()
    )
    if ecase is None or not reads(user, ecase):
        raise Http404(NOT_FOUND)
    if for_write and not works_on(user, ecase.street):
        raise PermissionDenied(_("You may read this case but not take its steps."))
    return ecase


def streets_worked(user) -> list[Region]:
    """The streets whose cases ``user`` may register and work on (``works_on``), read
    at once: a few queries, however many streets the city has."""
    if not getattr(user, "is_authenticated", False):
        return []
    streets = Region.objects.filter(level=Level.STREET, is_active=True).defer("geometry")
    scope = scope_of(user)
    if scope.everything:
        return list(streets)
    staff_paths = [path for path, roles in scope.roles_at.items() if Role.STREET_STAFF in roles]
    teams = Body.objects.filter(
        pk__in=scope.handling_body_ids, kind=BodyKind.ENFORCEMENT_BRIGADE, is_active=True
    ).values("region_id")
    return list(streets.filter(Q(path__in=staff_paths) | Q(pk__in=teams)))


def may_manage(user) -> bool:
    """Keeps the matter list and the officers: the district's administrators and
    leaders."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    if scope.everything:
        return True
    district_roles = set()
    for path, roles in scope.roles_at.items():
        if path.count("/") <= 2:
            district_roles |= roles
    return bool(district_roles & {Role.ADMINISTRATOR, Role.LEADER})


def require_manage(user) -> None:
    if not may_manage(user):
        raise Http404(_("Not found."))


def may_evaluate(user, matter) -> bool:
    """District leaders and administrators, and the delegating department (Art. 24)."""
    if may_manage(user):
        return True
    scope = scope_of(user)
    return matter.department_id in scope.body_ids


def delegating_department_ids(user) -> set[int]:
    """The departments ``user`` belongs to that delegate matters to streets: they read
    the cases of their matters and evaluate the delegation."""
    from shanzhi.enforcement.models import DelegatedMatter

    ids = scope_of(user).body_ids
    if not ids:
        return set()
    return set(
        DelegatedMatter.objects.filter(department_id__in=ids).values_list(
            "department_id", flat=True
        )
    )
