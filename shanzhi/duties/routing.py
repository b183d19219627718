"""Who handles a matter: the dispatch catalogue read for one category and one place.

The case engine calls ``resolve`` at intake and ``time_limit`` when it starts a clock. Both
only read. The rules:

- The most specific active rule wins: a rule for the category itself before one for its
  major class; among those, a rule for the deepest area containing the case (grid →
  community → street → district) before a rule without an area.
- The lead body is the rule's named body, or else the active body of the rule's lead kind
  that serves the case's area at that kind's level (the street office of the case's
  street, the residents' committee of its community).
- A matter the duty lists give to a functional department never goes to a street or
  community body (国办函〔2025〕66号). ``DispatchRule.clean`` refuses such rules; ``resolve``
  checks again, so that data changed behind the rules' back (a duty item added after the
  rule) sends the case to manual dispatch instead of to the wrong level.
- Whenever no body can be chosen with certainty the lead is ``None``: the case goes to the
  manual dispatch queue, never nowhere, and ``reason`` says why.

Both read an in-memory copy of what routing needs (``Snapshot``: categories, the
department-owned set, active rules, active bodies by kind and region, regions above the
grids, active time limits), built in a few queries and kept per process. Every write to
those tables bumps ``CatalogueVersion`` (signals in ``duties.apps``); a process compares
versions at most every ``CHECK_INTERVAL_S`` seconds (one single-row read) and rebuilds
when they differ, and drops its copy at once after a write of its own.
"""

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shanzhi.duties.models import (
    OWNER_BODY_KINDS,
    CatalogueVersion,
    DispatchRule,
    DutyItem,
    MatterCategory,
    Owner,
    TimeLimit,
    Urgency,
)
from shanzhi.org.models import BODY_LEVELS, Body, BodyKind, Level, Region

DEPARTMENT_KINDS = frozenset(OWNER_BODY_KINDS[Owner.DEPARTMENT])
CHECK_INTERVAL_S = 5.0


class Snapshot:
    """What routing reads, loaded once: read-only, shared by the threads of a process."""

    def __init__(self):
        self.categories = {c.pk: c for c in MatterCategory.objects.all()}
        self.department_owned = set(
            DutyItem.objects.giving_to_departments().values_list("category_id", flat=True)
        )
        self.rules = defaultdict(list)
        for rule in (
            DispatchRule.objects.filter(is_active=True)
            .select_related("category", "area", "lead_body__region")
            .prefetch_related("assisting__region")
        ):
            self.rules[rule.category_id].append(rule)
        self.bodies = defaultdict(list)
        for body in Body.objects.active().select_related("region").order_by("pk"):
            self.bodies[(body.kind, body.region_id)].append(body)
        # Everything above the grids (a grid's ancestors are never grids).
        self.regions = Region.objects.exclude(level=Level.GRID).defer("geometry").in_bulk()
        self.limits = defaultdict(list)
        for limit in TimeLimit.objects.filter(is_active=True).select_related(
            "article__law", "category"
        ):
            self.limits[(limit.procedure, limit.clock)].append(limit)

    def lineage(self, category: MatterCategory) -> list[MatterCategory]:
        """The category, then its major class (most specific first)."""
        chain, node = [category], category
        while node.parent_id is not None and len(chain) < 5:
            node = self.categories.get(node.parent_id)
            if node is None:
                break
            chain.append(node)
        return chain

    def ancestors(self, region: Region) -> list[Region]:
        ids = [int(part) for part in region.path.strip("/").split("/")[:-1] if part]
        if any(i not in self.regions for i in ids):
            return region.ancestors()
        return [self.regions[i] for i in ids]


_lock = threading.Lock()
_state = {"version": None, "snapshot": None, "checked": 0.0}


def _current_version() -> int:
    return CatalogueVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def snapshot() -> Snapshot:
    now = time.monotonic()
    if _state["snapshot"] is not None and now - _state["checked"] < CHECK_INTERVAL_S:
        return _state["snapshot"]
    with _lock:
        version = _current_version()
        if _state["snapshot"] is None or version != _state["version"]:
            _state["snapshot"] = Snapshot()
            _state["version"] = version
        _state["checked"] = now
        return _state["snapshot"]


def forget() -> None:
    """Drop this process's copy; the next read rebuilds it (tests roll back writes)."""
    with _lock:
        _state.update(version=None, snapshot=None, checked=0.0)


def catalogue_changed(**_kwargs) -> None:
    """Signal receiver: a routing input changed. Other processes see the new version;
    this one forgets its copy now and again once the change is committed."""
    updated = CatalogueVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        CatalogueVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    forget()
    transaction.on_commit(forget)


@dataclass(frozen=True)
class Dispatch:
    owner: str | None  # Owner value, None when no rule applies
    lead: Body | None  # None → the case goes to the manual dispatch queue
    assisting: tuple[Body, ...]
    rule: DispatchRule | None
    reason: str  # translated, human explanation for the case timeline

    @property
    def is_manual(self) -> bool:
        return self.lead is None


def department_owned(category: MatterCategory) -> bool:
    """A duty list gives the matter (or its major class) to a functional department: an
    item of a department's power list, or a street item withdrawn (收回)."""
    snap = snapshot()
    return any(c.pk in snap.department_owned for c in snap.lineage(category))


def area_chain(region: Region | None) -> list[Region]:
    """The region and its ancestors, deepest first."""
    if region is None:
        return []
    return [region, *reversed(snapshot().ancestors(region))]


def matching_rules(category: MatterCategory, region: Region | None) -> list[DispatchRule]:
    """Active rules that apply to the category at the place, most specific first."""
    snap = snapshot()
    lineage = snap.lineage(category)
    chain = area_chain(region)
    category_rank = {c.pk: i for i, c in enumerate(lineage)}
    area_rank = {r.pk: i for i, r in enumerate(chain)}
    rules = [
        rule
        for c in lineage
        for rule in snap.rules.get(c.pk, ())
        if rule.area_id is None or rule.area_id in area_rank
    ]
    return sorted(
        rules,
        key=lambda r: (
            category_rank[r.category_id],
            area_rank[r.area_id] if r.area_id else len(chain),
            r.pk,
        ),
    )


def resolve(category: MatterCategory, region: Region | None) -> Dispatch:
    rules = matching_rules(category, region)
    if not rules:
        return _no_rule(category)
    rule = rules[0]
    assisting = _assisting(rule, region)
    lead, problem = _lead(rule, region)
    if lead is not None:
        problem = _wrong_level(category, rule, lead)
        if problem:
            lead = None
    if lead is None:
        return Dispatch(rule.owner, None, assisting, rule, problem)
    values = {"category": rule.category, "owner": rule.get_owner_display(), "lead": lead.name}
    if rule.area_id:
        reason = _(
            "Dispatch rule for %(category)s in %(area)s: a matter for the %(owner)s, led by "
            "%(lead)s."
        ) % {**values, "area": rule.area.name}
    else:
        reason = (
            _("Dispatch rule for %(category)s: a matter for the %(owner)s, led by %(lead)s.")
            % values
        )
    if assisting:
        reason += " " + _("Assisting: %(bodies)s.") % {
            "bodies": "、".join(body.name for body in assisting)
        }
    return Dispatch(rule.owner, lead, assisting, rule, reason)


def _no_rule(category: MatterCategory) -> Dispatch:
    if category.redirect:
        reason = _(
            "%(category)s is handled outside this channel (%(channel)s); no dispatch rule "
            "applies, so the case waits in the manual dispatch queue."
        ) % {"category": category, "channel": category.get_redirect_display()}
    else:
        reason = _(
            "No dispatch rule covers %(category)s here; the case goes to the manual dispatch queue."
        ) % {"category": category}
    return Dispatch(None, None, (), None, reason)


def _lead(rule: DispatchRule, region: Region | None) -> tuple[Body | None, str]:
    if rule.lead_body_id:
        if not rule.lead_body.is_active:
            return None, _(
                "The lead body of the dispatch rule, %(body)s, is no longer active; the case "
                "goes to the manual dispatch queue."
            ) % {"body": rule.lead_body.name}
        if region is not None and not region.path.startswith(rule.lead_body.region.path):
            return None, _(
                "The lead body of the dispatch rule, %(body)s, does not serve %(region)s; the "
                "case goes to the manual dispatch queue."
            ) % {"body": rule.lead_body.name, "region": region.name}
        return rule.lead_body, ""
    kind_label = BodyKind(rule.lead_kind).label
    if region is None:
        return None, _(
            "The case has no location, so the %(kind)s cannot be chosen; the case goes to the "
            "manual dispatch queue."
        ) % {"kind": kind_label}
    levels = BODY_LEVELS[BodyKind(rule.lead_kind)]
    unit = next((r for r in area_chain(region) if r.level in levels), None)
    if unit is None:
        return None, _(
            "%(region)s is not inside a %(levels)s, so no %(kind)s serves it; the case goes to "
            "the manual dispatch queue."
        ) % {
            "region": region.name,
            "levels": " / ".join(str(Level(x).label) for x in levels),
            "kind": kind_label,
        }
    bodies = snapshot().bodies.get((rule.lead_kind, unit.pk), [])
    if not bodies:
        return None, _(
            "No active %(kind)s serves %(unit)s; the case goes to the manual dispatch queue."
        ) % {"kind": kind_label, "unit": unit.name}
    if len(bodies) > 1:
        return None, _(
            "More than one %(kind)s serves %(unit)s; the case goes to the manual dispatch "
            "queue to choose one."
        ) % {"kind": kind_label, "unit": unit.name}
    return bodies[0], ""


def _wrong_level(category: MatterCategory, rule: DispatchRule, lead: Body) -> str:
    """Why the chosen lead must not get the case, or "" when it may."""
    if department_owned(category) and lead.kind not in DEPARTMENT_KINDS:
        return _(
            "The duty lists give %(category)s to a functional department, but the dispatch "
            "rule names %(lead)s; a department's matter is never dispatched to a street or "
            "community (国办函〔2025〕66号), so the case goes to the manual dispatch queue."
        ) % {"category": category, "lead": lead.name}
    if lead.kind not in OWNER_BODY_KINDS.get(rule.owner, ()):
        return _(
            "The dispatch rule gives the matter to a %(owner)s, but its lead %(lead)s is a "
            "%(kind)s; the case goes to the manual dispatch queue."
        ) % {"owner": rule.get_owner_display(), "lead": lead.name, "kind": lead.get_kind_display()}
    return ""


def _assisting(rule: DispatchRule, region: Region | None) -> tuple[Body, ...]:
    """Active assisting bodies that serve an area containing the case: a rule's assisting
    street office helps with cases in its own street only."""
    bodies = []
    for body in rule.assisting.all():
        if not body.is_active or body.pk == rule.lead_body_id:
            continue
        if region is None:
            if body.region.parent_id is not None:
                continue
        elif not region.path.startswith(body.region.path):
            continue
        bodies.append(body)
    return tuple(sorted(bodies, key=lambda b: (b.region.path, b.name)))


def time_limit(
    procedure: str, clock: str, category: MatterCategory | None, urgency: str
) -> TimeLimit | None:
    """The most specific active limit: (category, urgency) → (major class, urgency) →
    (no category, urgency), then the same with the normal urgency."""
    snap = snapshot()
    lineage = snap.lineage(category) if category is not None else []
    urgencies = [urgency] if urgency == Urgency.NORMAL else [urgency, Urgency.NORMAL]
    category_rank = {c.pk: i for i, c in enumerate(lineage)}
    limits = [
        limit
        for limit in snap.limits.get((procedure, clock), ())
        if limit.urgency in urgencies
        and (limit.category_id is None or limit.category_id in category_rank)
    ]

    def rank(limit: TimeLimit):
        return (
            urgencies.index(limit.urgency),
            category_rank[limit.category_id] if limit.category_id else len(lineage),
            limit.pk,
        )

    return min(limits, key=rank, default=None)
