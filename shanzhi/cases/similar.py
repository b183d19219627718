"""Possible duplicates while a case is being registered: ``GET /cases/similar/`` answers
an htmx fragment listing the open cases most like what has been typed so far
(``duplicates.similar_cases``), among those the user may see, as in the work queues.
Staff only; nothing is changed."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from shanzhi.cases.duplicates import similar_cases
from shanzhi.duties.models import MatterCategory
from shanzhi.org.access import scope_of

LIMIT = 5


class SimilarForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, max_length=10_000
    )
    category = forms.ModelChoiceField(
        MatterCategory.objects.all(), label=gettext_lazy("Category"), required=False
    )
    lon = forms.FloatField(
        label=gettext_lazy("Longitude"), required=False, min_value=-180, max_value=180
    )
    lat = forms.FloatField(
        label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90
    )
    phone = forms.CharField(label=gettext_lazy("Requester phone"), required=False, max_length=20)

    def clean(self):
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None) and not self.errors:
            raise forms.ValidationError(_("Give both longitude and latitude, or neither."))
        return data


@require_safe
@login_required
def similar(request):
    """The fragment. Parameters: title, description, category (an id), lon and lat
    (WGS84), phone (or requester_phone, the intake form's name for it)."""
    if not scope_of(request.user).is_staff:
        raise PermissionDenied(_("Only staff see possible duplicates."))
    data = request.GET.copy()
    if not data.get("phone") and data.get("requester_phone"):
        data["phone"] = data["requester_phone"]
    form = SimilarForm(data)
    if not form.is_valid():
        errors = [
            f"{form.fields[name].label}: {error}" if name in form.fields else error
            for name, messages in form.errors.items()
            for error in messages
        ]
        return render(request, "cases/similar.html", {"errors": errors}, status=400)
    query = form.cleaned_data
    candidates = []
    if query["title"].strip() or query["description"].strip() or query["phone"].strip():
        candidates = similar_cases(
            title=query["title"],
            description=query["description"],
            category=query["category"],
            lon=query["lon"],
            lat=query["lat"],
            phone=query["phone"],
            limit=LIMIT,
            user=request.user,
        )
    return render(request, "cases/similar.html", {"candidates": candidates})
