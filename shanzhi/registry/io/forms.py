"""Forms of the import and export pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shanzhi.org.models import Region
from shanzhi.registry.forms import GridChoiceField
from shanzhi.registry.io.models import ImportKind, ImportMode
from shanzhi.registry.protection import PURPOSES

SELECT = {"class": "form-select"}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The sheet holds"),
        choices=ImportKind.choices,
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("Choose what the sheet holds.")},
    )
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
        error_messages={"required": _("Choose the file to upload.")},
    )


class ModeForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to import"),
        choices=ImportMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how to import the rows."),
            "invalid_choice": _("Choose how to import the rows."),
        },
    )


class AreaField(GridChoiceField):
    pass


class ExportForm(forms.Form):
    area = AreaField(
        label=_("Area"),
        queryset=Region.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("Choose an area of yours.")},
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")],
        widget=forms.Select(attrs=SELECT),
    )
    purpose = forms.ChoiceField(
        label=_("Purpose of the export"),
        choices=[("", "—"), *PURPOSES.items()],
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Choose why you export personal data."),
            "invalid_choice": _("Choose why you export personal data."),
        },
    )
    reveal = forms.MultipleChoiceField(
        label=_("Show in full"),
        required=False,
        choices=[("id_number", _("ID number")), ("phone", _("Phone"))],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Masked unless ticked; the export log records what was shown in full."),
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas


class StatisticsForm(forms.Form):
    area = AreaField(
        label=_("Area"),
        queryset=Region.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("Choose an area of yours.")},
    )
    day = forms.DateField(
        label=_("On the day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        help_text=_("Today if left empty; a past day is counted as the registry has it now."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas
