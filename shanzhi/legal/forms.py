"""Forms of the legal review pages: they parse; the actions decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shanzhi.legal.models import INSTRUMENT_KINDS, Outcome

TEXTAREA = {"class": "form-control", "rows": 4}
INPUT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class AssignForm(forms.Form):
    reviewer = UserChoiceField(
        label=_("Reviewer"), queryset=None, widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args, advisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = advisers


class OpinionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.Select(attrs=SELECT)
    )
    reasons = forms.CharField(
        label=_("Reasons"), max_length=10000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    bases = forms.CharField(
        label=_("Legal bases"),
        max_length=2000,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
        help_text=_("The laws and articles the opinion rests on, e.g. 《行政处罚法》第五十八条."),
    )
    changes = forms.CharField(
        label=_("Changes required (修改意见)"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
        help_text=_("For a pass after changes: what the drafter must change."),
    )


class RequestForm(forms.Form):
    reason = forms.CharField(
        label=_("What the reviewer should know"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    text = forms.CharField(
        label=_("Text of the draft"),
        max_length=200000,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 12}),
    )


class InstrumentForm(DraftForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in INSTRUMENT_KINDS],
        widget=forms.Select(attrs=SELECT),
    )
    body = forms.ModelChoiceField(
        label=_("Issuing body"), queryset=None, widget=forms.Select(attrs=SELECT)
    )
    field_order = ["kind", "body", "title", "text"]

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies


class ConsultationForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Consultation starts"), widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Consultation ends"), widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )


class QualificationForm(forms.Form):
    certificate_number = forms.CharField(
        label=_("legal professional qualification certificate number (法律职业资格证书编号)"),
        max_length=40,
        widget=forms.TextInput(attrs=INPUT),
    )
    qualified_on = forms.DateField(
        label=_("qualified on"), widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
