"""Screening campaigns (矛盾纠纷排查): start one over a street or community with the things
to check and a due date, one checklist per grid given to its grid workers; fill a
checklist (on a phone); turn what was found into a dispute for mediation or a case of the
engine; close the campaign."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.cases.models import Channel
from shanzhi.core import audit
from shanzhi.core.notify import notify
from shanzhi.core.roles import Role
from shanzhi.disputes.access import PLANNERS, holds_at, may_convert, may_fill
from shanzhi.disputes.actions.mediation import TEXT_MAX, do_register_dispute
from shanzhi.disputes.models import (
    Campaign,
    CampaignStatus,
    ChecklistItem,
    ChecklistStatus,
    FindingKind,
    GridChecklist,
    ItemResult,
)
from shanzhi.disputes.places import located
from shanzhi.org.models import Level, Membership, Region

MAX_ITEMS = 50
ITEM_MAX = 200


def _clean_items(items) -> list[str]:
    cleaned, seen = [], set()
    for text in items:
        text = " ".join((text or "").split())
        if not text or text in seen:
            continue
        if len(text) > ITEM_MAX:
            raise ValidationError(
                {
                    "items": _("An item is at most %(n)d characters: %(item)s…")
                    % {"n": ITEM_MAX, "item": text[:20]}
                }
            )
        seen.add(text)
        cleaned.append(text)
    if not cleaned:
        raise ValidationError({"items": _("List at least one thing to check.")})
    if len(cleaned) > MAX_ITEMS:
        raise ValidationError({"items": _("At most %(n)d items.") % {"n": MAX_ITEMS}})
    return cleaned


def _grid_workers(grid) -> list:
    """The grid's workers; its leaders when it has none."""
    for roles in ((Role.GRID_WORKER,), (Role.GRID_LEADER,)):
        users = [
            m.user
            for m in Membership.objects.active()
            .filter(region=grid, role__in=roles)
            .select_related("user")
        ]
        if users:
            return users
    return []


def do_start_campaign(
    *,
    actor,
    area: Region,
    title: str,
    due: date,
    items,
    instructions: str = "",
    grids=None,
    now=None,
) -> Campaign:
    """One checklist per active grid of ``area`` (or of ``grids``, all within it), given
    to the grid's workers, who are told."""
    now = now or timezone.now()
    if area is None or area.level not in (Level.STREET, Level.COMMUNITY) or not area.is_active:
        raise ValidationError({"area": _("Choose an active street or community.")})
    if not holds_at(actor, area.path, PLANNERS):
        raise PermissionDenied(_("Only community and street staff run screening campaigns."))
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the campaign a title.")
    if due is None or due < timezone.localdate(now):
        errors["due"] = _("The due date must not lie in the past.")
    if len(instructions or "") > TEXT_MAX:
        errors["instructions"] = _("At most %(n)d characters.") % {"n": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    items = _clean_items(items)
    in_area = Region.objects.active().grids().filter(path__startswith=area.path)
    if grids is None:
        chosen = list(in_area.defer("geometry"))
    else:
        chosen = list(grids)
        outside = [g for g in chosen if not g.path.startswith(area.path) or g.level != Level.GRID]
        if outside:
            raise ValidationError(
                {
                    "grids": _("%(grid)s is not a grid of %(area)s.")
                    % {"grid": outside[0], "area": area}
                }
            )
    if not chosen:
        raise ValidationError(
            {"grids": _("There is no grid to screen in %(area)s.") % {"area": area}}
        )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            area=area,
            path=area.path,
            title=title[:120],
            instructions=(instructions or "").strip(),
            items=items,
            due=due,
            created_by=actor,
            created=now,
        )
        told = []
        for grid in chosen:
            checklist = GridChecklist.objects.create(campaign=campaign, grid=grid, path=grid.path)
            workers = _grid_workers(grid)
            checklist.workers.set(workers)
            ChecklistItem.objects.bulk_create(
                ChecklistItem(checklist=checklist, position=n, text=text)
                for n, text in enumerate(items, 1)
            )
            told.extend((worker, checklist) for worker in workers)
        audit.record(
            actor,
            "screening.campaign",
            campaign,
            after={"area": area.code, "grids": len(chosen), "items": len(items), "due": due},
            scope_path=campaign.path,
        )
        with translation.override(settings.LANGUAGE_CODE):
            due_text = formats.date_format(due, "DATE_FORMAT")
            for worker, checklist in told:
                notify(
                    [worker],
                    _("Screening in %(grid)s by %(date)s: %(title)s")
                    % {"grid": checklist.grid.name, "date": due_text, "title": campaign.title},
                    campaign.instructions,
                    reverse("disputes:checklist", args=[checklist.pk]),
                )
    return campaign


def do_close_campaign(campaign: Campaign, *, actor, now=None) -> Campaign:
    now = now or timezone.now()
    if not holds_at(actor, campaign.path, PLANNERS):
        raise PermissionDenied(_("Only community and street staff run screening campaigns."))
    with transaction.atomic():
        closed = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.OPEN).update(
            status=CampaignStatus.CLOSED, closed_at=now
        )
        if not closed:
            raise ValidationError(_("This campaign is already closed."))
        campaign.refresh_from_db()
        pending = campaign.checklists.filter(status=ChecklistStatus.PENDING).count()
        audit.record(
            actor,
            "screening.close",
            campaign,
            after={"status": CampaignStatus.CLOSED, "checklists_not_filled": pending},
            scope_path=campaign.path,
        )
    return campaign


def do_submit_checklist(
    checklist: GridChecklist, *, actor, results: dict, extra=(), note: str = "", now=None
) -> GridChecklist:
    """Answer every item of a grid's checklist: nothing found, or what was found (a note
    is then required); ``extra`` are things found that the list did not ask about. A
    filled checklist may be filled again while the campaign is open, except the findings
    already turned into cases."""
    now = now or timezone.now()
    if not may_fill(actor, checklist):
        raise PermissionDenied(_("This checklist was given to the grid's workers."))
    if checklist.campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("The campaign is closed: its checklists no longer change."))
    items = {item.pk: item for item in checklist.items.filter(extra=False)}
    errors = []
    answers = {}
    for pk, item in items.items():
        result, text = results.get(pk, (ItemResult.UNCHECKED, ""))
        text = (text or "").strip()
        if result not in (ItemResult.NOTHING, ItemResult.FOUND):
            errors.append(_("Answer every item: %(item)s") % {"item": item.text})
        elif result == ItemResult.FOUND and not text:
            errors.append(_("Say what was found: %(item)s") % {"item": item.text})
        elif len(text) > TEXT_MAX:
            errors.append(
                _("At most %(n)d characters: %(item)s") % {"n": TEXT_MAX, "item": item.text}
            )
        elif item.case_id and (result, text) != (item.result, item.note):
            errors.append(
                _("Already turned into a case, so it stays as it is: %(item)s")
                % {"item": item.text}
            )
        answers[pk] = (result, text)
    extra = [" ".join((e or "").split()) for e in extra]
    extra = [e for e in extra if e]
    if any(len(e) > TEXT_MAX for e in extra):
        errors.append(_("At most %(n)d characters.") % {"n": TEXT_MAX})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for pk, (result, text) in answers.items():
            ChecklistItem.objects.filter(pk=pk, case__isnull=True).update(result=result, note=text)
        last = checklist.items.order_by("-position").values_list("position", flat=True).first() or 0
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                checklist=checklist,
                position=last + n,
                text=text[:ITEM_MAX],
                extra=True,
                result=ItemResult.FOUND,
                note=text,
            )
            for n, text in enumerate(extra, 1)
        )
        GridChecklist.objects.filter(pk=checklist.pk).update(
            status=ChecklistStatus.SUBMITTED,
            submitted_by=actor,
            submitted_at=now,
            note=(note or "").strip()[:TEXT_MAX],
        )
        checklist.refresh_from_db()
        found = checklist.items.filter(result=ItemResult.FOUND).count()
        audit.record(
            actor,
            "screening.submit",
            checklist,
            after={"items": len(answers), "found": found, "extra": len(extra)},
            scope_path=checklist.path,
        )
        if found:
            campaign = checklist.campaign
            with translation.override(settings.LANGUAGE_CODE):
                notify(
                    [campaign.created_by],
                    _("%(n)d findings in %(grid)s: %(title)s")
                    % {"n": found, "grid": checklist.grid.name, "title": campaign.title},
                    "",
                    reverse("disputes:checklist", args=[checklist.pk]),
                )
    return checklist


def do_convert_finding(
    item: ChecklistItem,
    *,
    actor,
    kind: str,
    title: str,
    description: str,
    category=None,
    lon=None,
    lat=None,
    dispute: dict | None = None,
    now=None,
):
    """Turn a finding into a dispute for mediation (``dispute``: its category, scale,
    people involved and parties) or a grid event or service request of the engine. The
    case is placed in the checklist's grid."""
    now = now or timezone.now()
    checklist = item.checklist
    if not may_convert(actor, checklist):
        raise PermissionDenied(
            _("Whoever filled the checklist, or community or street staff, do this.")
        )
    if item.result != ItemResult.FOUND:
        raise ValidationError(_("Only something found becomes a case."))
    if item.case_id:
        raise ValidationError(_("This finding is already a case."))
    if kind not in FindingKind.values:
        raise ValidationError({"kind": _("Choose what the finding becomes.")})
    if kind == FindingKind.GRID_EVENT and category is None:
        raise ValidationError({"category": _("A grid event needs its category.")})
    grid = checklist.grid
    with transaction.atomic():
        if kind == FindingKind.DISPUTE:
            facts = dispute or {}
            made = do_register_dispute(
                actor=actor,
                grid=grid,
                title=title,
                description=description,
                channel=Channel.PATROL,
                lon=lon,
                lat=lat,
                now=now,
                **facts,
            )
            case = made.case
        else:
            point_lon, point_lat, address = located(grid, lon, lat)
            case = do_create_case(
                Intake(
                    procedure=kind,
                    channel=Channel.PATROL,
                    title=(title or "").strip(),
                    description=(description or "").strip(),
                    category=category,
                    lon=point_lon,
                    lat=point_lat,
                    address=address,
                ),
                actor=actor,
                now=now,
            )
        linked = ChecklistItem.objects.filter(pk=item.pk, case__isnull=True).update(
            case=case, converted_by=actor, converted_at=now
        )
        if not linked:
            raise ValidationError(_("This finding is already a case."))
        audit.record(
            actor,
            "screening.finding",
            checklist,
            after={"item": item.pk, "kind": kind, "case": case.number},
            scope_path=checklist.path,
        )
    item.refresh_from_db()
    return case
