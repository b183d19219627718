"""Who may see a case and in which capacity (party) a user may act on it.

Visibility follows the org tree like everything else: staff see the cases located in
their area; a department sees the cases its body leads or assists; a requester sees their
own. A report about a body (举报, a 检举控告 petition) is kept from everyone implicated
with that body, whatever their area: they do not see it at all, are never told of it,
and an attempt to open it is refused like any case out of reach and logged (DOMAIN §6;
信访工作条例 Arts. 30, 46). The parties decide which transitions of the procedure a
user may take.
"""

from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from shanzhi.cases.procedure import Party
from shanzhi.core.roles import Role
from shanzhi.org.access import scope_of
from shanzhi.org.models import BodyKind

# Roles that act for a street or community body when that body leads a case.
BODY_KIND_REGION_ROLES = {
    # Not the street's dispatchers: who dispatches and reviews objections does not also
    # handle the case.
    BodyKind.STREET_OFFICE: {Role.STREET_STAFF},
    BodyKind.ENFORCEMENT_BRIGADE: {Role.STREET_STAFF},
    BodyKind.RESIDENTS_COMMITTEE: {Role.COMMUNITY_STAFF},
    BodyKind.COMMAND_CENTRE: {Role.STREET_DISPATCHER},
}
REGION_PARTIES = {
    Party.DISPATCHER: {Role.STREET_DISPATCHER},
    Party.SUPERVISOR: {Role.LEADER},
    Party.COMMUNITY: {Role.COMMUNITY_STAFF},
    Party.GRID_WORKER: {Role.GRID_WORKER, Role.GRID_LEADER},
    Party.LEGAL_ADVISER: {Role.LEGAL_ADVISER},
}


def case_filter(user) -> Q:
    """The cases ``user`` may see, as a filter (``Case.objects.visible_to``)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    scope = scope_of(user)
    if scope.everything:
        return Q()
    query = Q(requester=user)
    others = [Q(scope_path__startswith=path) for path in scope.region_paths]
    followed = followed_case_ids(user)
    if followed:
        others.append(Q(pk__in=followed))
    if scope.body_ids:
        others.append(
            Q(responsible_body__in=scope.body_ids) | Q(assisting_bodies__in=scope.body_ids)
        )
    if not others:
        return query
    seen = reduce(or_, others)
    kept = kept_body_ids(user)
    if kept:  # reports about these bodies: only the user's own stays theirs
        seen &= ~Q(accused_body__in=sorted(kept))
    return query | seen


def followed_case_ids(user) -> list[int]:
    """Cases a resident follows without being their requester: those their own cases
    were merged into (并单), and those they chose to follow instead of reporting the same
    matter again ("me too", ``cases.follow``), so that they can read how the matter ends."""
    from shanzhi.cases.models import Case, Follow

    merged = (
        Case.objects.filter(requester=user, merged_into__isnull=False)
        .values_list("merged_into_id", flat=True)
        .distinct()[:1000]
    )
    chosen = Follow.objects.filter(user=user).values_list("case_id", flat=True)[:1000]
    return sorted(set(merged) | set(chosen))


def parties_of(user, case) -> set[str]:
    from shanzhi.cases.phone_link import PhoneRequester

    if isinstance(user, PhoneRequester):  # a caller proven by their phone (SMS link)
        return {Party.REQUESTER} if user.is_requester_of(case) else set()
    if not getattr(user, "is_authenticated", False):
        return set()
    scope = scope_of(user)
    if scope.everything:
        return set(Party.ALL)
    parties = set()
    if case.requester_id == user.pk:
        parties.add(Party.REQUESTER)
    roles_here = scope.roles_over(case.scope_path)
    for party, roles in REGION_PARTIES.items():
        if roles_here & roles:
            parties.add(party)
    body = case.responsible_body
    if body is not None and (
        body.pk in scope.handling_body_ids
        or _holds_at(scope, body.region.path, BODY_KIND_REGION_ROLES.get(body.kind, set()))
    ):
        parties.add(Party.HANDLER)
    return parties


def _holds_at(scope, path: str, roles: set[str]) -> bool:
    """The role is held at that unit itself (a street office is worked by its street's
    staff, not by district staff who merely oversee it)."""
    return bool(scope.roles_at.get(path, set()) & roles)


def access_case(user, number: str):
    from shanzhi.cases.models import Case

    case = (
        Case.objects.visible_to(user)
        .select_related("category", "grid", "street", "responsible_body__region", "requester")
        .filter(number=number)
        .distinct()
        .first()
    )
    if case is None:
        _log_kept(user, number)
        raise Http404(_("No such case in your area."))
    readers = case.procedure_def.readers
    if readers is not None and not readers(user, case):
        raise Http404(_("No such case in your area."))
    return case


def _log_kept(user, number: str) -> None:
    """Someone implicated with the body a report is about tried to open it: they were
    refused as for any case out of reach (the answer does not say the report exists), and
    the attempt is logged on the case."""
    from shanzhi.cases.models import Case
    from shanzhi.core import audit

    if not getattr(user, "is_authenticated", False):
        return
    case = (
        Case.objects.filter(number=number, accused_body__isnull=False)
        .select_related("accused_body__region")
        .first()
    )
    if case is None or not is_implicated(user, case.accused_body):
        return
    with transaction.atomic():
        audit.record(
            user,
            "case.refused",
            case,
            after={"accused_body": case.accused_body_id},
            note=_("Refused: implicated with the body reported on."),
            legal_basis="《信访工作条例》第三十条、第四十六条",
            scope_path=case.scope_path,
        )


def only_follows(user, case) -> bool:
    """``user`` sees the case only because they follow it (a duplicate of theirs was
    merged into it, or they chose "me too"): not their case, no role on it. They read its
    outcome, not its requester or files."""
    return not parties_of(user, case) and not scope_of(user).is_staff


def may_see_requester(user, case) -> bool:
    """Who raised a case is known to those who work on it or oversee it; a confidential
    requester only to those who dispatch, handle or oversee it; whoever reports a body
    never to anyone implicated (DOMAIN §6); and someone who merely follows the case (a
    merged duplicate's requester) sees no one else's identity."""
    if case.accused_body_id and is_implicated(user, case.accused_body):
        return False
    if only_follows(user, case):
        return False
    if not case.confidential:
        return True
    return bool(
        parties_of(user, case)
        & {Party.DISPATCHER, Party.HANDLER, Party.SUPERVISOR, Party.REQUESTER}
    )


def implicated_body_ids(accused) -> set[int]:
    """A body reported on, its sub-bodies, and the bodies worked by the same people (a
    street office and the street's enforcement brigade are both worked by its staff)."""
    from shanzhi.org.models import Body

    ids = {accused.pk, *Body.objects.filter(parent=accused).values_list("pk", flat=True)}
    roles = BODY_KIND_REGION_ROLES.get(accused.kind, set())
    kinds = [kind for kind, kind_roles in BODY_KIND_REGION_ROLES.items() if kind_roles & roles]
    if kinds:
        ids |= set(
            Body.objects.filter(region_id=accused.region_id, kind__in=kinds).values_list(
                "pk", flat=True
            )
        )
    return ids


def is_implicated(user, accused, implicated: set[int] | None = None) -> bool:
    """``user`` belongs to, acts for or works at the unit of the body reported on
    (``implicated``: its ``implicated_body_ids``, when already known)."""
    scope = scope_of(user)
    if scope.everything:
        return False
    if implicated is None:
        implicated = implicated_body_ids(accused)
    if implicated & (scope.body_ids | acting_body_ids(user)):
        return True
    # A street or community body: anyone holding a role at that very unit (its leaders,
    # its dispatchers, its staff) works with it.
    return accused.kind in BODY_KIND_REGION_ROLES and bool(scope.roles_at.get(accused.region.path))


def acting_body_ids(user) -> set[int]:
    """The bodies ``user`` acts for on a case: bodies where they hold a handling role,
    and street or community bodies of the units where they hold the matching staff
    role."""
    from shanzhi.org.models import Body

    scope = scope_of(user)
    cached = getattr(user, "_shanzhi_acting_bodies", None)
    if cached is not None and cached[0] is scope:
        return set(cached[1])
    ids = set(scope.handling_body_ids)
    # Only bodies at the units where the user holds a role can be theirs: read those by
    # their unit's path (an index), not every street and community body.
    paths = sorted(path for path, roles in scope.roles_at.items() if path and roles)
    if paths:
        rows = (
            Body.objects.active()
            .filter(kind__in=list(BODY_KIND_REGION_ROLES), region__path__in=paths)
            .values_list("pk", "kind", "region__path")
        )
        for pk, kind, path in rows:
            if _holds_at(scope, path, BODY_KIND_REGION_ROLES[kind]):
                ids.add(pk)
    user._shanzhi_acting_bodies = (scope, frozenset(ids))
    return ids


def kept_body_ids(user) -> set[int]:
    """The bodies ``user`` is implicated with (``is_implicated``), all at once: reports
    about them are kept from the user. Worked out once per scope (a request)."""
    from shanzhi.org.models import Body

    scope = scope_of(user)
    if scope.everything or not scope.is_staff:
        return set()
    cached = getattr(user, "_shanzhi_kept_bodies", None)
    if cached is not None and cached[0] is scope:
        return cached[1]
    mine = scope.body_ids | acting_body_ids(user)
    rows = list(Body.objects.filter(pk__in=mine).values_list("parent_id", "region_id", "kind"))
    # The user's bodies, the bodies those belong to, and the bodies worked by the same
    # people as one of them (the inverse of ``implicated_body_ids``) …
    kept = set(mine) | {parent for parent, _region, _kind in rows if parent}
    same_people = []
    for _parent, region_id, kind in rows:
        roles = BODY_KIND_REGION_ROLES.get(kind, set())
        kinds = [k for k, k_roles in BODY_KIND_REGION_ROLES.items() if k_roles & roles]
        if kinds:
            same_people.append(Q(region_id=region_id, kind__in=kinds))
    # … and the street or community bodies of the units where the user holds a role.
    paths = sorted(path for path, roles in scope.roles_at.items() if path and roles)
    if paths:
        same_people.append(Q(kind__in=list(BODY_KIND_REGION_ROLES), region__path__in=paths))
    if same_people:
        kept |= set(Body.objects.filter(reduce(or_, same_people)).values_list("pk", flat=True))
    user._shanzhi_kept_bodies = (scope, kept)
    return kept


def without_kept_events(user, events):
    """Audit ``events`` without those about the cases kept from ``user``: a report about
    a body is not shown in the audit log to those it is kept from, not even by title."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from shanzhi.cases.models import Case

    kept = kept_body_ids(user)
    if not kept:
        return events
    ids = Case.objects.filter(accused_body_id__in=kept).annotate(key=Cast("pk", CharField()))
    return events.exclude(object_type="cases.case", object_id__in=ids.values("key"))


def not_implicated(case, users) -> list:
    """``users`` without those implicated with the body the case reports on: they are
    never told of it."""
    users = [u for u in users if u is not None]
    if not case.accused_body_id:
        return users
    implicated = implicated_body_ids(case.accused_body)
    return [u for u in users if not is_implicated(u, case.accused_body, implicated)]
