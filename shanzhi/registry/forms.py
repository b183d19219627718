"""Forms of the registry pages: the people search and the purpose of a reveal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shanzhi.org.models import Region
from shanzhi.registry.protection import PURPOSES


class GridChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        help_text=_("A full ID number or phone number (exact), or part of a name."),
    )
    grid = GridChoiceField(
        label=_("Grid"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    former = forms.BooleanField(label=_("Include people who left"), required=False)

    def __init__(self, *args, grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        if grids is not None:
            self.fields["grid"].queryset = grids


class GridForm(forms.Form):
    grid = GridChoiceField(
        label=_("Grid"),
        queryset=Region.objects.none(),
        empty_label=_("Choose a grid"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        if grids is not None:
            self.fields["grid"].queryset = grids


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("id_number", _("ID number")), ("phone", _("Phone"))],
        error_messages={"invalid_choice": _("This value cannot be shown in full.")},
    )
    purpose = forms.ChoiceField(
        label=_("Why do you need the full value?"),
        choices=[("", "—"), *PURPOSES.items()],
        error_messages={
            "required": _("Choose why you need the full value."),
            "invalid_choice": _("Choose why you need the full value."),
        },
    )
