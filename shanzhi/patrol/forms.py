from django import forms
from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from shanzhi.cases.models import Case
from shanzhi.duties.models import CategoryKind, MatterCategory
from shanzhi.lib import images

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


def event_categories():
    """Active event categories, the ones reported most often first."""
    used = dict(
        Case.objects.filter(category__kind=CategoryKind.EVENT)
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    found = list(
        MatterCategory.objects.filter(
            is_active=True, kind=CategoryKind.EVENT, parent__isnull=False
        ).order_by("code")
    )
    found.sort(key=lambda c: -used.get(c.pk, 0))  # stable: code order among equals
    return found


class PatrolForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        error_messages={"required": _("Take a photo of the event.")},
    )
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, min_value=-90, max_value=90)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=MatterCategory.objects.filter(is_active=True, kind=CategoryKind.EVENT),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose an event category from the list.")},
    )
    note = forms.CharField(label=_("Note (one line)"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = event_categories()
        self.fields["category"].choices = [(c.pk, c.name) for c in categories]
        for name in ("category", "note"):
            self.fields[name].widget.attrs["class"] = (
                "form-select" if name == "category" else "form-control"
            )
        self.fields["photo"].widget.attrs["class"] = "form-control"

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        if photo.size > settings.CASE_MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(
                _("The photo is larger than %(mb)d MB.")
                % {"mb": settings.CASE_MAX_ATTACHMENT_BYTES // 2**20}
            )
        if photo.content_type not in PHOTO_TYPES or not images.is_photo(photo):
            raise forms.ValidationError(_("The file is not a photo (JPEG, PNG or WebP)."))
        return photo
