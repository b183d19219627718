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
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from shanzhi.duties.models import (
    OWNER_BODY_KINDS,
    DispatchRule,
    MatterCategory,
    Owner,
    TimeLimit,
    Urgency,
)
from shanzhi.org.models import BODY_LEVELS, Body, BodyKind, Level, Region

DEPARTMENT_KINDS = frozenset(OWNER_BODY_KINDS[Owner.DEPARTMENT])


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
    return category.is_department_owned()


def area_chain(region: Region | None) -> list[Region]:
    """The region and its ancestors, deepest first."""
    if region is None:
        return []
    return [region, *reversed(region.ancestors())]


def matching_rules(category: MatterCategory, region: Region | None) -> list[DispatchRule]:
    """Active rules that apply to the category at the place, most specific first."""
    lineage = category.lineage()
    chain = area_chain(region)
    category_rank = {c.pk: i for i, c in enumerate(lineage)}
    area_rank = {r.pk: i for i, r in enumerate(chain)}
    rules = (
        DispatchRule.objects.filter(is_active=True, category__in=lineage)
        .filter(Q(area__isnull=True) | Q(area__in=chain))
        .select_related("category", "area", "lead_body__region")
        .prefetch_related("assisting__region")
    )
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
    bodies = list(Body.objects.active().filter(kind=rule.lead_kind, region=unit)[:2])
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
    lineage = category.lineage() if category is not None else []
    urgencies = [urgency] if urgency == Urgency.NORMAL else [urgency, Urgency.NORMAL]
    limits = (
        TimeLimit.objects.filter(
            is_active=True, procedure=procedure, clock=clock, urgency__in=urgencies
        )
        .filter(Q(category__in=lineage) | Q(category__isnull=True))
        .select_related("article__law", "category")
    )
    category_rank = {c.pk: i for i, c in enumerate(lineage)}

    def rank(limit: TimeLimit):
        return (
            urgencies.index(limit.urgency),
            category_rank[limit.category_id] if limit.category_id else len(lineage),
            limit.pk,
        )

    return min(limits, key=rank, default=None)
