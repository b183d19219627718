"""The day a summary is for, and the instant whose knowledge it reproduces."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AsOfForm(forms.Form):
    on = forms.DateField(
        label=_("Figures for the day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        help_text=_("Empty: today."),
    )
    # Set by the permanent link of a page: the figures as the registry knew them then.
    known = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def clean_on(self):
        day = self.cleaned_data.get("on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The date lies in the future."))
        return day

    def clean_known(self):
        known = self.cleaned_data.get("known")
        if known is not None and known > timezone.now():
            raise forms.ValidationError(_("The time lies in the future."))
        return known
