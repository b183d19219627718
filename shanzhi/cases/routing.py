"""Locating and routing a case, and telling the people concerned.

A case is located by its point (point-in-grid index) or, failing that, by the street
named in its address; a case located nowhere is still kept, in the district's manual
dispatch queue. The dispatch catalogue then proposes the responsible body.
"""

import dataclasses
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from shanzhi.cases.access import BODY_KIND_REGION_ROLES, implicated_body_ids, not_implicated
from shanzhi.cases.procedure import Audience
from shanzhi.core.notify import notify, notify_phone
from shanzhi.core.roles import Role
from shanzhi.duties import routing as catalogue
from shanzhi.lib import geo
from shanzhi.org import geoindex
from shanzhi.org.models import BodyKind, Level, Membership, Region

STREET_LEVEL_KINDS = (
    BodyKind.STREET_OFFICE,
    BodyKind.ENFORCEMENT_BRIGADE,
    BodyKind.RESIDENTS_COMMITTEE,
    BodyKind.GRID_COUNCIL,
)


@dataclass
class Place:
    lon: float | None
    lat: float | None
    grid: Region | None
    street: Region | None
    unit: Region | None  # the most specific unit found: grid, community or street
    scope_path: str
    note: str


def _district() -> Region:
    return Region.objects.active().filter(level=Level.DISTRICT).order_by("pk").first()


def locate(lon, lat, address: str, *, gcj02: bool = False) -> Place:
    grid = None
    note = ""
    if lon is not None and lat is not None:
        if gcj02:
            lon, lat = geo.gcj02_to_wgs84(lon, lat)
        grid = geoindex.grid_at(lon, lat)
        if grid is None:
            note = _("The point lies outside every grid.")
    if grid is not None:
        street = next((r for r in catalogue.area_chain(grid) if r.level == Level.STREET), None)
        return Place(lon, lat, grid, street, grid, grid.path, note)
    named = [
        unit
        for unit in Region.objects.active().filter(level__in=(Level.STREET, Level.COMMUNITY))
        if address and unit.name in address
    ]
    if named:
        # The most specific unit the address names: a community before its street.
        unit = max(named, key=lambda u: (u.level == Level.COMMUNITY, len(u.name)))
        street = unit if unit.level == Level.STREET else unit.parent
        found = _("Located by the address (%(name)s).") % {"name": unit.name}
        return Place(lon, lat, None, street, unit, unit.path, f"{note} {found}".strip())
    district = _district()
    note = (note + " " + _("Not located: in the manual dispatch queue.")).strip()
    return Place(lon, lat, None, None, None, district.path if district else "/", note)


def propose(category, region, accused=None) -> catalogue.Dispatch:
    """The dispatch catalogue's proposal; a report (举报) never goes to the body it
    names (``accused``) or a body worked by the same people, as lead or assisting body."""
    if category is None:
        return catalogue.Dispatch(
            owner=None,
            lead=None,
            assisting=(),
            rule=None,
            reason=_("No category chosen: the dispatcher decides."),
        )
    proposal = catalogue.resolve(category, region)
    if accused is None:
        return proposal
    implicated = implicated_body_ids(accused)
    assisting = tuple(b for b in proposal.assisting if b.pk not in implicated)
    if proposal.lead is not None and proposal.lead.pk in implicated:
        return catalogue.Dispatch(
            owner=proposal.owner,
            lead=None,
            assisting=assisting,
            rule=proposal.rule,
            reason=_(
                "The catalogue names %(body)s, the body this report is about; a report is "
                "never routed to the body reported on: the dispatch centre chooses."
            )
            % {"body": proposal.lead.name},
        )
    return dataclasses.replace(proposal, assisting=assisting)


def body_people(body):
    """Everyone who acts for a body: its members, and for street and community bodies
    the staff of that street or community."""
    memberships = Membership.objects.active().filter(body=body)
    roles = BODY_KIND_REGION_ROLES.get(body.kind)
    if roles:
        memberships = memberships | Membership.objects.active().filter(
            region=body.region, role__in=roles
        )
    return [m.user for m in memberships.select_related("user")]


def _leaders_of(region):
    return [
        m.user
        for m in Membership.objects.active()
        .filter(region=region, role__in=(Role.LEADER, Role.STREET_DISPATCHER))
        .select_related("user")
    ]


def merged_requesters(case):
    """The cases merged into ``case`` whose requesters can be told (an account, or a
    phone number given by a caller who did not stay anonymous), other than its own."""
    from django.db.models import Q

    from shanzhi.cases.models import Case

    merged = Case.objects.filter(merged_into=case).filter(
        Q(requester__isnull=False) | (~Q(requester_phone="") & Q(anonymous=False))
    )
    if case.requester_id:
        merged = merged.exclude(requester_id=case.requester_id)
    elif case.requester_phone:
        merged = merged.exclude(requester__isnull=True, requester_phone=case.requester_phone)
    return merged.select_related("requester").order_by("pk")


def _tell_requester(case, subject: str, note: str, url: str) -> None:
    """In the platform for a requester with an account; by text message to the number a
    caller gave otherwise (nobody is told of an anonymous request). A text message that
    leaves the case waiting for the caller's rating carries the link to rate it
    (``phone_link``)."""
    if case.requester_id:
        notify([case.requester], subject, note, url)
    elif case.requester_phone and not case.anonymous:
        from shanzhi.cases.phone_link import evaluation_step, rating_link

        link = rating_link(case) if evaluation_step(case) is not None else ""
        notify_phone(case.requester_phone, subject, note[:300], url=link)


def notify_bodies(case, action: str, *, note: str = "", target=None) -> None:
    """Tell the audiences the procedure declares for ``action`` (``Transition.tells``);
    never anyone implicated with the body a report is about (``_tell_staff``)."""
    transition = case.procedure_def.by_action.get(action)
    tells = transition.tells if transition is not None else ()
    if not tells:
        return
    url = reverse("case_detail", args=[case.number])
    subject = f"{case.number} {case.title}"
    if Audience.BODY in tells and case.responsible_body_id:
        body = case.responsible_body
        _tell_staff(
            case,
            body_people(body),
            _("New case for %(body)s: %(subject)s") % {"body": body.name, "subject": subject},
            note,
            url,
        )
        if body.kind in STREET_LEVEL_KINDS:
            district = _district()
            _tell_staff(
                case,
                _leaders_of(district),
                _("Copy for supervision: %(subject)s dispatched to %(body)s")
                % {"subject": subject, "body": body.name},
                note,
                url,
            )
        for helper in case.assisting_bodies.all():
            _tell_staff(
                case,
                body_people(helper),
                _("Case to assist for %(body)s: %(subject)s")
                % {"body": helper.name, "subject": subject},
                note,
                url,
            )
    if Audience.DISPATCH_CENTRE in tells:
        street_or_district = case.street or _district()
        _tell_staff(
            case,
            _leaders_of(street_or_district),
            _("To decide — %(action)s: %(subject)s")
            % {"action": transition.label, "subject": subject},
            note,
            url,
        )
    if Audience.REQUESTER in tells:
        _tell_requester(
            case,
            _("Your case %(number)s: %(state)s")
            % {"number": case.number, "state": case.get_state_display()},
            note,
            url,
        )
        # Requesters whose duplicates were merged into this case follow it from then on.
        for merged in merged_requesters(case):
            _tell_requester(
                merged,
                _("Your case %(merged)s, merged into %(number)s: %(state)s")
                % {
                    "merged": merged.number,
                    "number": case.number,
                    "state": case.get_state_display(),
                },
                note,
                url,
            )
        # Residents who chose to follow it ("me too", cases.follow).
        from shanzhi.cases.follow import followers_to_tell

        followers = followers_to_tell(case)
        if followers:
            _tell_staff(
                case,
                followers,
                _("A case you follow, %(number)s: %(state)s")
                % {"number": case.number, "state": case.get_state_display()},
                note,
                url,
            )
    if target is not None:
        _tell_requester(
            target,
            _("Case %(other)s was merged into your case %(number)s")
            % {"other": case.number, "number": target.number},
            note,
            reverse("case_detail", args=[target.number]),
        )


def _tell_staff(case, users, subject: str, note: str, url: str) -> None:
    """Tell ``users`` of a step, leaving out anyone implicated with the body the case
    reports on: they are never told of it."""
    notify(not_implicated(case, users), subject, note, url)
