"""Forms of risk reports, screening campaigns and findings, and early warnings. Choices
are limited to what the user may act on; the actions check again."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from shanzhi.cases.forms import BootstrapForm, category_choices
from shanzhi.disputes.access import PLANNERS, RISK_READERS, RISK_REPORTERS, area_filter, grids_for
from shanzhi.disputes.models import (
    DisputeCategory,
    DisputeScale,
    FindingKind,
    PartyKind,
    RiskLevel,
    RiskStatus,
)
from shanzhi.org.models import Level, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
PEOPLE_SYNTAX = re.compile(r"^[\s#,，0-9]*$")


def registry_people(user, text: str) -> list:
    """People of the registry named by their numbers ("12, 34" or "#12 #34") that
    ``user`` may read; a number that is not one of them is an error."""
    from shanzhi.registry.models import Person

    text = (text or "").strip()
    if not text:
        return []
    if not PEOPLE_SYNTAX.match(text):
        raise forms.ValidationError(_("Give the registry numbers of the people, like 12, 34."))
    numbers = sorted({int(n) for n in re.findall(r"\d+", text)})
    if len(numbers) > 50:
        raise forms.ValidationError(_("At most 50 people."))
    found = list(Person.objects.visible_to(user).filter(pk__in=numbers))
    missing = set(numbers) - {p.pk for p in found}
    if missing:
        raise forms.ValidationError(
            _("No person %(numbers)s in the registry of your area.")
            % {"numbers": ", ".join(f"#{n}" for n in sorted(missing))}
        )
    return found


class GridChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class RiskReportForm(BootstrapForm):
    grid = GridChoiceField(Region.objects.none(), label=_("Grid"))
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    category = forms.ChoiceField(label=_("Kind of matter"), choices=DisputeCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("What is happening"), widget=forms.Textarea(attrs={"rows": 4})
    )
    people_count = forms.IntegerField(label=_("People involved"), min_value=1, max_value=100000)
    group_petition = forms.BooleanField(label=_("A group petition may follow"), required=False)
    expected_on = forms.DateField(label=_("Expected on"), required=False, widget=DATE)
    people = forms.CharField(
        label=_("People in the registry (their numbers)"),
        required=False,
        help_text=_("Optional: the registry numbers of people involved, like 12, 34."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["grid"].queryset = grids_for(user, RISK_REPORTERS)

    def clean_people(self):
        return registry_people(self.user, self.cleaned_data.get("people", ""))


class RiskFilterForm(forms.Form):
    area = forms.ModelChoiceField(Region.objects.none(), required=False, label=_("Area"))
    level = forms.ChoiceField(choices=[("", _("Any level")), *RiskLevel.choices], required=False)
    status = forms.ChoiceField(choices=[("", _("Any status")), *RiskStatus.choices], required=False)
    category = forms.ChoiceField(
        choices=[("", _("Any kind")), *DisputeCategory.choices], required=False
    )
    group_petition = forms.BooleanField(required=False, label=_("Possible group petition only"))
    since = forms.DateField(required=False, label=_("Reported since"), widget=DATE)
    until = forms.DateField(required=False, label=_("until"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (
            Region.objects.active()
            .filter(level__in=(Level.COMMUNITY, Level.GRID))
            .filter(area_filter(user, RISK_READERS))
            .defer("geometry")
            .order_by("code")
        )
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise forms.ValidationError(_("The end of the period lies before its start."))
        return data


class NoteForm(BootstrapForm):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class CampaignForm(BootstrapForm):
    area = forms.ModelChoiceField(Region.objects.none(), label=_("Street or community"))
    title = forms.CharField(label=_("Title"), max_length=120)
    due = forms.DateField(label=_("Due"), widget=DATE)
    items = forms.CharField(
        label=_("Things to check"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line."),
    )
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (
            Region.objects.active()
            .filter(level__in=(Level.STREET, Level.COMMUNITY))
            .filter(area_filter(user, PLANNERS))
            .defer("geometry")
            .order_by("code")
        )

    def clean_items(self):
        return [line for line in self.cleaned_data["items"].splitlines() if line.strip()]


class FindingForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("It becomes"), choices=FindingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(
        category_choices(),
        label=_("Category (grid event, service request)"),
        required=False,
    )
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    dispute_category = forms.ChoiceField(
        label=_("Kind of dispute"), choices=[("", "—"), *DisputeCategory.choices], required=False
    )
    scale = forms.ChoiceField(
        label=_("Scale"), choices=[("", "—"), *DisputeScale.choices], required=False
    )
    people_involved = forms.IntegerField(
        label=_("People involved"), min_value=1, max_value=100000, required=False
    )
    party_1 = forms.CharField(label=_("First party"), max_length=100, required=False)
    party_2 = forms.CharField(label=_("Second party"), max_length=100, required=False)

    def dispute_facts(self) -> dict:
        from shanzhi.disputes.actions.mediation import PartyInput

        data = self.cleaned_data
        return {
            "category": data.get("dispute_category", ""),
            "scale": data.get("scale", ""),
            "people_involved": data.get("people_involved"),
            "parties": [
                PartyInput(name=data.get(name, ""), kind=PartyKind.PERSON)
                for name in ("party_1", "party_2")
            ],
        }
