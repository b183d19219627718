"""Public pages (公示): the matter catalogue, the power-and-responsibility list, the street
duty list, the dispatch catalogue, the time-limit table and the laws they cite, each item
with its change history. No sign-in, plain server-rendered HTML, read-only."""

from itertools import groupby

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from shanzhi.core.audit import action_label
from shanzhi.core.models import AuditEvent
from shanzhi.duties import statutory
from shanzhi.duties.models import (
    Article,
    CalendarOverride,
    DispatchRule,
    DutyItem,
    DutyType,
    Law,
    ListKind,
    MatterCategory,
    TimeLimit,
    Unit,
    Urgency,
)
from shanzhi.org.models import BodyKind, Level

# The kinds of item that have a public history page, by URL segment.
HISTORY_KINDS = {
    "law": Law,
    "article": Article,
    "category": MatterCategory,
    "duty": DutyItem,
    "rule": DispatchRule,
    "limit": TimeLimit,
    "calendar": CalendarOverride,
}
_KIND_OF_MODEL = {model: kind for kind, model in HISTORY_KINDS.items()}

# Readable names of the procedures and clocks known today; others show their code.
PROCEDURE_LABELS = {
    "service_request": gettext_lazy("Service request (12345)"),
    "grid_event": gettext_lazy("Grid event"),
    "petition": gettext_lazy("Petition (信访)"),
}
CLOCK_LABELS = {
    "dispatch": gettext_lazy("Dispatch"),
    "handle": gettext_lazy("Handling"),
    "objection": gettext_lazy("Objection to a dispatch"),
    "verify": gettext_lazy("Verification"),
    "check": gettext_lazy("Check after handling"),
}


def history_url(obj) -> str:
    return reverse("duties:history", args=[_KIND_OF_MODEL[type(obj)], obj.pk])


def _articles_prefetch():
    return Prefetch("articles", queryset=Article.objects.select_related("law"))


@require_safe
def index(request):
    counts = {
        "categories": MatterCategory.objects.filter(is_active=True).count(),
        "power": DutyItem.objects.filter(is_active=True, list_kind=ListKind.POWER).count(),
        "street": DutyItem.objects.filter(is_active=True, list_kind=ListKind.STREET_DUTY).count(),
        "rules": DispatchRule.objects.filter(is_active=True).count(),
        "limits": TimeLimit.objects.filter(is_active=True).count(),
        "laws": Law.objects.filter(is_active=True).count(),
    }
    return render(request, "duties/index.html", {"counts": counts})


@require_safe
def catalogue(request):
    children = MatterCategory.objects.filter(is_active=True).order_by("code")
    majors = (
        MatterCategory.objects.filter(is_active=True, parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=children, to_attr="minor_classes"))
        .order_by("code")
    )
    return render(request, "duties/catalogue.html", {"majors": majors})


@require_safe
def power_list(request):
    items = (
        DutyItem.objects.filter(is_active=True, list_kind=ListKind.POWER)
        .select_related("category", "department")
        .prefetch_related(_articles_prefetch())
    )
    level_order = {level: i for i, level in enumerate(Level.values)}
    kind_order = {kind: i for i, kind in enumerate(BodyKind.values)}

    def key(item):
        return (level_order[item.level], kind_order[item.body_kind])

    groups = []
    for (_level, _kind), members in groupby(sorted(items, key=lambda i: (*key(i), i.title)), key):
        members = list(members)
        groups.append(
            {
                "kind": members[0].get_body_kind_display(),
                "level": members[0].get_level_display(),
                "items": sorted(
                    members, key=lambda i: (i.department.name if i.department else "", i.title)
                ),
            }
        )
    return render(request, "duties/power_list.html", {"groups": groups})


@require_safe
def street_duties(request):
    items = (
        DutyItem.objects.filter(is_active=True, list_kind=ListKind.STREET_DUTY)
        .select_related("category", "department")
        .prefetch_related(_articles_prefetch())
        .order_by("title")
    )
    groups = []
    for duty_type in DutyType:
        members = [i for i in items if i.duty_type == duty_type]
        groups.append({"type": duty_type, "label": duty_type.label, "items": members})
    return render(request, "duties/street_duties.html", {"groups": groups})


@require_safe
def dispatch_catalogue(request):
    rules = (
        DispatchRule.objects.filter(is_active=True)
        .select_related("category", "area", "lead_body")
        .prefetch_related("assisting")
        .order_by("category__code", "area__code")
    )
    return render(request, "duties/dispatch.html", {"rules": rules})


@require_safe
def time_limits(request):
    limits = list(
        TimeLimit.objects.filter(is_active=True)
        .select_related("category", "article__law")
        .order_by("procedure", "clock", "category__code", "urgency")
    )
    urgency_order = {u: i for i, u in enumerate(Urgency.values)}
    limits.sort(
        key=lambda t: (
            t.procedure,
            t.clock,
            t.category.code if t.category_id else "",
            urgency_order.get(t.urgency, 9),
        )
    )
    for limit in limits:
        limit.procedure_label = PROCEDURE_LABELS.get(limit.procedure, limit.procedure)
        limit.clock_label = CLOCK_LABELS.get(limit.clock, limit.clock)
    ceilings = [
        {
            "procedure": PROCEDURE_LABELS.get(s.procedure, s.procedure),
            "clock": CLOCK_LABELS.get(s.clock, s.clock),
            "value": s.value,
            "unit": Unit(s.unit).label,
            "basis": s.legal_basis,
        }
        for s in statutory.registered()
    ]
    return render(request, "duties/time_limits.html", {"limits": limits, "ceilings": ceilings})


@require_safe
def laws(request):
    items = (
        Law.objects.filter(is_active=True)
        .prefetch_related(Prefetch("articles", queryset=Article.objects.order_by("sort", "number")))
        .order_by("level", "name")
    )
    return render(request, "duties/laws.html", {"laws": items})


@require_safe
def history(request, kind: str, pk: int):
    model = HISTORY_KINDS.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(model, pk=pk)
    events = AuditEvent.objects.for_object(obj).order_by("-seq")
    resolver = _ValueResolver(model)
    rows = [
        {
            "event": event,
            "label": action_label(event.action),
            "changes": resolver.changes(event.before, event.after),
        }
        for event in events
    ]
    return render(
        request,
        "duties/history.html",
        {"obj": obj, "model_name": model._meta.verbose_name, "rows": rows},
    )


class _ValueResolver:
    """Turns the stored before/after values into what a reader understands: field names,
    choice labels, the names of related objects."""

    def __init__(self, model):
        self.fields = {}
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) or field.many_to_many:
                self.fields[getattr(field, "attname", field.name)] = field
        self._cache = {}

    def changes(self, before: dict, after: dict) -> list[tuple[str, str, str]]:
        rows = []
        for key in after:
            if key == "id":
                continue
            field = self.fields.get(key)
            label = str(field.verbose_name) if field is not None else key
            rows.append((label, self.show(field, before.get(key)), self.show(field, after[key])))
        return rows

    def show(self, field, value) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if field is None:
            return str(value)
        if field.many_to_many:
            return "、".join(self._related(field, pk) for pk in value)
        if field.is_relation:
            return self._related(field, value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return str(value)

    def _related(self, field, pk) -> str:
        key = (field.related_model, pk)
        if key not in self._cache:
            obj = field.related_model._default_manager.filter(pk=pk).first()
            self._cache[key] = str(obj) if obj is not None else f"#{pk}"
        return self._cache[key]
