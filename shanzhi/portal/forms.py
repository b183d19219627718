from django import forms
from django.utils.translation import gettext_lazy as _

from shanzhi.cases.models import Satisfaction
from shanzhi.lib import receipts


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        help_text=_("As on your receipt, e.g. SR2026011500000123."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    suffix = forms.CharField(
        label=_("Last four digits of your phone number"),
        max_length=8,
        help_text=_("Of the phone number you gave when you reported the matter."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean_number(self):
        number = receipts.normalize_number(self.cleaned_data["number"])
        if not receipts.is_case_number(number):
            raise forms.ValidationError(
                _(
                    "This is not a case number: it is two letters and sixteen or more "
                    "digits, as on your receipt."
                )
            )
        return number

    def clean_suffix(self):
        suffix = receipts.normalize_suffix(self.cleaned_data["suffix"])
        if not receipts.is_suffix(suffix):
            raise forms.ValidationError(_("Enter exactly four digits, 0–9."))
        return suffix


class RatingForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling?"),
        choices=Satisfaction.choices,
        coerce=int,
        error_messages={
            "required": _("Choose one of the five ratings."),
            "invalid_choice": _("Choose one of the five ratings."),
        },
    )
