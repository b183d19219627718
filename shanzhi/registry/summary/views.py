"""Summary pages of the registry: population and housing of an area on a day, with
charts and their tables; the cases on a person's card. Thin: parse, check access, query,
render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from shanzhi.org.models import Region
from shanzhi.registry.access import access_person, may_read_at
from shanzhi.registry.summary.access import (
    SUMMARY_LEVELS,
    access_summary_area,
    care_kinds,
    summary_roots,
)
from shanzhi.registry.summary.charts import chart_data
from shanzhi.registry.summary.forms import AsOfForm
from shanzhi.registry.summary.person_cases import cases_for_person
from shanzhi.registry.summary.queries import area_summary


@require_safe
@login_required
def index(request):
    roots = summary_roots(request.user)
    under = {}
    children = Region.objects.filter(parent__in=roots, level__in=SUMMARY_LEVELS)
    for child in children.order_by("code"):
        under.setdefault(child.parent_id, []).append(child)
    rows = [(root, under.get(root.pk, [])) for root in roots]
    return render(request, "registry/summary/index.html", {"rows": rows})


@require_safe
@login_required
def area(request, code):
    region = access_summary_area(request.user, code)
    form = AsOfForm(request.GET or None)
    context = {"region": region, "form": form, "trail": _trail(request.user, region)}
    if request.GET and not form.is_valid():
        return render(request, "registry/summary/area.html", context, status=400)
    data = form.cleaned_data if request.GET else {}
    day = data.get("on") or timezone.localdate()
    # Figures are always computed as known at one instant, shown and linked, so that the
    # same page can be made again later with the same numbers.
    known_at = data.get("known") or timezone.now()
    summary = area_summary(
        region, day=day, known_at=known_at, care_kinds=care_kinds(request.user, region)
    )
    local = timezone.localtime(known_at)
    context.update(
        summary=summary,
        charts=chart_data(summary),
        permalink="?" + urlencode({"on": day.isoformat(), "known": local.isoformat()}),
        known_local=local,
        today=day == timezone.localdate(),
    )
    return render(request, "registry/summary/area.html", context)


def _trail(user, region):
    """The units above ``region`` whose summaries the viewer may open."""
    return [unit for unit in region.ancestors() if may_read_at(user, unit.path)]


@require_safe
@login_required
def person_cases(request, pk):
    person = access_person(request.user, pk)
    context = {"person": person, "person_cases": cases_for_person(request.user, person)}
    template = (
        "registry/summary/person_cases_list.html"
        if request.headers.get("HX-Request")
        else "registry/summary/person_cases_page.html"
    )
    return render(request, template, context)
