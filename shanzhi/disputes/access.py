"""Who may see and do what with risk reports, screening campaigns, committees, disputes
and early warnings. Everything follows the org tree: a role counts at the unit where it
is held and below. One access helper per object type turns "not in your area" into 404
and "in your area but not yours to change" into 403; actions check again, so that a view
that forgets cannot write outside the actor's area."""

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from shanzhi.core.roles import Role
from shanzhi.org.access import scope_of

GRID_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
# Who reads risk reports, checklists and the heat map of an area.
RISK_READERS = GRID_ROLES | {
    Role.COMMUNITY_STAFF,
    Role.STREET_STAFF,
    Role.STREET_DISPATCHER,
    Role.LEADER,
    Role.AUDITOR,
}
# Who reports a risk (信访信息预报): the grid's workers, community and street staff.
RISK_REPORTERS = GRID_ROLES | {Role.COMMUNITY_STAFF, Role.STREET_STAFF}
# Who closes one: those who follow it up for the community and the street.
RISK_CLOSERS = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.STREET_DISPATCHER, Role.LEADER}
)
# Who starts and closes a screening campaign, and turns findings into cases.
PLANNERS = RISK_CLOSERS
# Who reads mediation committees and registers disputes.
MEDIATION_READERS = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.STREET_DISPATCHER, Role.LEADER, Role.AUDITOR}
)
DISPUTE_REGISTRARS = GRID_ROLES | {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.STREET_DISPATCHER}
# Who keeps a committee's membership: the staff of the unit that set it up.
COMMITTEE_KEEPERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})
WARNING_READERS = frozenset(
    {Role.LEADER, Role.STREET_DISPATCHER, Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.AUDITOR}
)
WARNING_ACKNOWLEDGERS = frozenset({Role.LEADER, Role.STREET_DISPATCHER})


def roots(user, roles) -> list[str]:
    """The subtrees where ``user`` holds one of ``roles``."""
    scope = scope_of(user)
    return [path for path, held in scope.roles_at.items() if path and held & roles]


def area_filter(user, roles, lookup: str = "path") -> Q:
    """Rows whose ``lookup`` path lies where ``user`` holds one of ``roles``."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if scope_of(user).everything:
        return Q()
    paths = roots(user, roles)
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in paths))


def holds_at(user, path: str, roles) -> bool:
    """``user`` holds one of ``roles`` at ``path`` or above it (a superuser always)."""
    if not getattr(user, "is_authenticated", False) or not path:
        return False
    scope = scope_of(user)
    return scope.everything or bool(scope.roles_over(path) & roles)


def campaign_filter(user) -> Q:
    from shanzhi.disputes.models import GridChecklist

    if getattr(user, "is_authenticated", False) and scope_of(user).everything:
        return Q()
    mine = GridChecklist.objects.filter(checklist_filter(user)).values("campaign_id")
    return area_filter(user, RISK_READERS) | Q(pk__in=mine)


def checklist_filter(user) -> Q:
    from shanzhi.disputes.models import GridChecklist

    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    assigned = GridChecklist.workers.through.objects.filter(user_id=user.pk).values(
        "gridchecklist_id"
    )
    return area_filter(user, RISK_READERS) | Q(pk__in=assigned)


def _found(queryset, pk, missing: str):
    try:
        obj = queryset.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        raise Http404(missing)
    return obj


def access_risk_report(user, pk, *, for_write: bool = False):
    from shanzhi.disputes.models import RiskReport

    report = _found(
        RiskReport.objects.visible_to(user).select_related("grid", "street", "reported_by"),
        pk,
        _("No such risk report in your area."),
    )
    if for_write and not holds_at(user, report.path, RISK_CLOSERS):
        raise PermissionDenied(_("Community and street staff close risk reports."))
    return report


def access_campaign(user, pk, *, for_write: bool = False):
    from shanzhi.disputes.models import Campaign

    campaign = _found(
        Campaign.objects.visible_to(user).select_related("area", "created_by"),
        pk,
        _("No such screening campaign in your area."),
    )
    if for_write and not holds_at(user, campaign.path, PLANNERS):
        raise PermissionDenied(_("Only community and street staff run screening campaigns."))
    return campaign


def may_fill(user, checklist) -> bool:
    """The grid workers the checklist was given to, and the grid's workers and leaders."""
    if not getattr(user, "is_authenticated", False):
        return False
    if scope_of(user).everything or holds_at(user, checklist.path, GRID_ROLES):
        return True
    return checklist.workers.filter(pk=user.pk).exists()


def may_convert(user, checklist) -> bool:
    """Turning a finding into a case: whoever filled it, and the staff who run screening."""
    return may_fill(user, checklist) or holds_at(user, checklist.path, PLANNERS)


def access_checklist(user, pk, *, for_write: bool = False):
    from shanzhi.disputes.models import GridChecklist

    checklist = _found(
        GridChecklist.objects.visible_to(user).select_related("campaign", "grid"),
        pk,
        _("No such checklist in your area."),
    )
    if for_write and not may_fill(user, checklist):
        raise PermissionDenied(_("This checklist was given to the grid's workers."))
    return checklist


def access_committee(user, pk, *, for_write: bool = False):
    from shanzhi.disputes.models import Committee

    committee = _found(
        Committee.objects.visible_to(user).select_related("body__region"),
        pk,
        _("No such mediation committee in your area."),
    )
    if for_write and not holds_at(user, committee.path, COMMITTEE_KEEPERS):
        raise PermissionDenied(
            _("The staff of the community or street that set up the committee keep it.")
        )
    return committee


def access_warning(user, pk, *, for_write: bool = False):
    from shanzhi.disputes.models import EarlyWarning

    warning = _found(
        EarlyWarning.objects.visible_to(user).select_related("street", "grid", "category"),
        pk,
        _("No such warning in your area."),
    )
    if for_write and not holds_at(user, warning.path, WARNING_ACKNOWLEDGERS):
        raise PermissionDenied(_("The street's leaders and dispatchers acknowledge warnings."))
    return warning


def access_dispute(user, number: str):
    """A mediation case the user may see, with its dispute: (case, dispute)."""
    from shanzhi.cases.access import access_case
    from shanzhi.disputes.models import Dispute

    case = access_case(user, number)
    dispute = (
        Dispute.objects.filter(case=case).select_related("committee", "grid").first()
        if case.procedure == "mediation"
        else None
    )
    if dispute is None:
        raise Http404(_("No such dispute in your area."))
    dispute.case = case
    return case, dispute


def handles(user, case) -> bool:
    """Acts for the body mediating the case (its committee's residents' committee or
    street office): the party that records sessions, agreements and outcomes."""
    from shanzhi.cases.access import parties_of
    from shanzhi.cases.procedure import Party

    return Party.HANDLER in parties_of(user, case)


def grids_for(user, roles):
    """Active grids where ``user`` holds one of ``roles``, for the forms' choices."""
    from shanzhi.org.models import Region

    return (
        Region.objects.active()
        .grids()
        .filter(area_filter(user, roles))
        .defer("geometry")
        .order_by("code")
    )
