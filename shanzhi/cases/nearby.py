"""Open cases near a matter a resident is about to report: ``GET /cases/nearby/``
answers an htmx fragment for the resident report form, so that a matter already being
handled is not reported again.

Public mode (``duplicates.similar_cases(..., user=None)``): no visibility applies and no
phone number is matched, so only what the public case list shows is shown — the title
with numbers masked (``lib.publicdata``), the state and the distance; never the case
number, the requester, the description or the address. Only cases the public may know
of are shown (``follow.is_followable``): no confidential cases, reports about a body
(举报), consultations or cases of other procedures (petitions …). Each carries a signed
token instead of its number, with which the resident may follow it instead of reporting
the same matter again ("me too", ``cases.follow``). Nothing is changed."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shanzhi.cases.duplicates import similar_cases
from shanzhi.cases.follow import follow_token, is_followable
from shanzhi.cases.models import Follow
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import publicdata

LIMIT = 3


class NearbyForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=120)
    description = forms.CharField(label=_("Description"), required=False, max_length=10_000)
    category = forms.ModelChoiceField(
        MatterCategory.objects.filter(is_active=True), label=_("Category"), required=False
    )
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)

    def clean(self):
        # While one of the two is still being typed, search as if there were no point.
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None):
            data["lon"] = data["lat"] = None
        return data


def public_candidates(*, title, description, category, lon, lat) -> list[dict]:
    """The nearby open cases like the matter described, as public rows."""
    if not (title.strip() or description.strip()):
        return []
    rows = []
    # Ask for more than shown: some candidates are not public and are dropped here.
    for candidate in similar_cases(
        title=title,
        description=description,
        category=category,
        lon=lon,
        lat=lat,
        limit=LIMIT * 4,
        user=None,
    ):
        case = candidate.case
        if not is_followable(case):
            continue
        rows.append(
            {
                "title": publicdata.redact(case.title),
                "state": case.get_state_display(),
                "distance_m": candidate.distance_m,
                "token": follow_token(case),
                "pk": case.pk,
            }
        )
        if len(rows) == LIMIT:
            break
    counts = dict(
        Follow.objects.filter(case__in=[row["pk"] for row in rows])
        .values("case")
        .annotate(n=Count("pk"))
        .values_list("case", "n")
    )
    for row in rows:
        row["followers"] = counts.get(row.pop("pk"), 0)
    return rows


@require_safe
@login_required
def nearby(request):
    """The fragment. Parameters: title, description, category (an id), lon and lat (WGS84
    degrees; one without the other is ignored)."""
    form = NearbyForm(request.GET)
    if not form.is_valid():
        errors = [
            f"{form.fields[name].label}: {error}" if name in form.fields else error
            for name, messages in form.errors.items()
            for error in messages
        ]
        return render(request, "cases/nearby.html", {"errors": errors}, status=400)
    query = form.cleaned_data
    rows = public_candidates(
        title=query["title"],
        description=query["description"],
        category=query["category"],
        lon=query["lon"],
        lat=query["lat"],
    )
    return render(request, "cases/nearby.html", {"rows": rows})
