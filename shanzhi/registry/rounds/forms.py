"""Forms of the rounds pages: planning visits, recording one on a phone with the changes
found, deciding on a proposed change, and the community's setting.

The changes found on a visit are small forms, one per kind and person, left empty when
nothing changed; each checks its values with ``changes.check_values``, the same check
the action makes, so the worker sees the reason next to the field."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.lib import images
from shanzhi.registry.forms import GridChoiceField
from shanzhi.registry.models import (
    CareTag,
    CareTagKind,
    Dwelling,
    Household,
    HouseholdMember,
    Person,
    PersonRecord,
    RegistrationType,
    Relation,
)
from shanzhi.registry.rounds import changes
from shanzhi.registry.rounds.actions import Proposal
from shanzhi.registry.rounds.models import CARE_VISIT_KINDS, ChangeKind, Outcome, VisitPurpose

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


def _styled(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.RadioSelect):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class LabelledChoiceField(forms.ModelMultipleChoiceField):
    """Choices labelled from a dict prepared with a few queries, not one per row."""

    def __init__(self, *args, labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = labels or {}

    def label_from_instance(self, obj):
        return self.labels.get(obj.pk) or str(obj)


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _invalid(what):
    return {
        "invalid_choice": what,
        "invalid_pk_value": what,
    }


def household_labels(households) -> dict[int, str]:
    heads = {
        m.household_id: m.person_id
        for m in HouseholdMember.objects.current().filter(
            household__in=households, relation=Relation.HEAD
        )
    }
    names = dict(
        PersonRecord.objects.current()
        .filter(person_id__in=heads.values())
        .values_list("person_id", "name")
    )
    return {
        h.pk: " · ".join(p for p in (h.number, h.address, names.get(heads.get(h.pk), "")) if p)
        for h in households
    }


def dwelling_labels(dwellings) -> dict[int, str]:
    return {d.pk: f"{d.address} · {d.get_use_display()}" for d in dwellings}


def care_people(grid, kinds):
    """People of ``grid`` with a current care tag of ``kinds``, and their labels."""
    tags = CareTag.objects.current().filter(
        person__grid=grid, kind__in=sorted(kinds), person__anonymised_at__isnull=True
    )
    by_person = {}
    for tag in tags:
        by_person.setdefault(tag.person_id, []).append(tag.get_kind_display())
    names = dict(
        PersonRecord.objects.current()
        .filter(person_id__in=by_person)
        .values_list("person_id", "name")
    )
    labels = {pk: f"{names.get(pk, '')} · {'、'.join(kinds)}" for pk, kinds in by_person.items()}
    return Person.objects.filter(pk__in=by_person).order_by("pk"), labels


class PlanGridForm(forms.Form):
    grid = GridChoiceField(
        label=_("Grid"),
        queryset=None,
        empty_label=_("Choose a grid"),
        error_messages={"invalid_choice": _("You do not plan visits in this grid.")},
    )

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        _styled(self)


class PlanForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why"),
        choices=VisitPurpose.choices,
        error_messages={"required": _("Choose why the visits are made.")},
    )
    care_kind = forms.ChoiceField(label=_("Care need (for a care visit)"), required=False)
    worker = WorkerChoiceField(
        label=_("By whom"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose a grid worker or grid leader of this grid."),
            "invalid_choice": _("Choose a grid worker or grid leader of this grid."),
        },
    )
    due = forms.DateField(
        label=_("Visit by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the date to visit by."),
            "invalid": _("Enter the date to visit by as YYYY-MM-DD."),
        },
    )
    households = LabelledChoiceField(
        label=_("Households"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_invalid(_("“%(value)s” is not a household of this grid.")),
    )
    dwellings = LabelledChoiceField(
        label=_("Dwellings"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_invalid(_("“%(value)s” is not a dwelling of this grid.")),
    )
    people = LabelledChoiceField(
        label=_("People with a care tag"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_invalid(_("“%(value)s” is not a person with a care tag in this grid.")),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, grid, workers, care_kinds, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [k for k in CARE_VISIT_KINDS if k in care_kinds]
        self.fields["care_kind"].choices = [("", "—")] + [(k, CareTagKind(k).label) for k in kinds]
        self.fields["worker"].queryset = workers
        households = list(
            Household.objects.filter(grid=grid, dissolved_on__isnull=True).order_by("address", "pk")
        )
        dwellings = list(
            Dwelling.objects.filter(grid=grid, is_active=True)
            .select_related("building")
            .order_by("address_key", "pk")
        )
        people, person_labels = care_people(grid, kinds)
        fields = self.fields
        fields["households"].queryset = Household.objects.filter(
            pk__in=[h.pk for h in households]
        ).order_by("address", "pk")
        fields["households"].labels = household_labels(households)
        fields["dwellings"].queryset = Dwelling.objects.filter(
            pk__in=[d.pk for d in dwellings]
        ).order_by("address_key", "pk")
        fields["dwellings"].labels = dwelling_labels(dwellings)
        fields["people"].queryset = people
        fields["people"].labels = person_labels
        self.fields["due"].initial = timezone.localdate()
        _styled(self)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the visit cancelled?"),
        max_length=200,
        error_messages={"required": _("Say why the visit is cancelled.")},
    )


# --- Recording a visit --------------------------------------------------------------


class RecordForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={
            "required": _("Choose the outcome of the visit."),
            "invalid_choice": _("Choose the outcome of the visit."),
        },
    )
    visited_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Enter when the visit took place."),
            "invalid": _("Enter the date and time of the visit."),
        },
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    place = forms.CharField(label=_("Where"), required=False, max_length=200)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        _styled(self)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        if photo.size > settings.CASE_MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                _("The photo is larger than %(mb)d MB.")
                % {"mb": settings.CASE_MAX_ATTACHMENT_BYTES // 2**20}
            )
        if photo.content_type not in PHOTO_TYPES or not images.is_photo(photo):
            raise ValidationError(_("The file is not a photo (JPEG, PNG or WebP)."))
        return photo


class ProposalForm(forms.Form):
    """One kind of change to one target; empty when nothing changed. With ``keep`` (the
    encrypted values of a stored proposal), an empty phone or ID number field keeps the
    proposed one: for staff editing a change without seeing those values in full."""

    kind: str = ""
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, target, care_kinds=(), keep=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target, self.care_kinds, self.keep = target, set(care_kinds), keep or {}
        self.fields["based_on"].initial = target.version
        _styled(self)

    def entered(self) -> dict:
        data = self.cleaned_data
        return {k: v for k, v in data.items() if k != "based_on" and v not in ("", None, False)}

    def is_empty(self) -> bool:
        return not self.entered()

    def values(self) -> dict:
        values = self.entered()
        for key, value in self.keep.items():
            values.setdefault(key, value)
        return values

    def clean(self):
        data = super().clean()
        if self.errors or self.is_empty():
            return data
        try:
            changes.check_values(self.kind, self.target, self.values(), care_kinds=self.care_kinds)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
            else:
                self.add_error(None, exc)
        return data

    def proposal(self) -> Proposal | None:
        if self.is_empty():
            return None
        return Proposal(
            kind=self.kind,
            target=self.target,
            values=self.values(),
            based_on=self.cleaned_data.get("based_on"),
        )


class PhoneChangeForm(ProposalForm):
    kind = ChangeKind.PHONE
    phone = forms.CharField(
        label=_("New phone number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class MovedOutForm(ProposalForm):
    kind = ChangeKind.MOVED_OUT
    moved = forms.BooleanField(
        label=_("Has moved out of the area"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def values(self) -> dict:
        return {}


class CareNeedForm(ProposalForm):
    kind = ChangeKind.CARE_NEED
    care_kind = forms.ChoiceField(label=_("Care need noticed"), required=False)
    note = forms.CharField(label=_("What was noticed"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [k for k in CARE_VISIT_KINDS if k in self.care_kinds]
        self.fields["care_kind"].choices = [("", "—")] + [(k, CareTagKind(k).label) for k in kinds]


class NewPersonForm(ProposalForm):
    """A person found living there who is not registered yet."""

    registration_default = RegistrationType.REGISTERED
    name = forms.CharField(label=_("Name"), required=False, max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    registration_type = forms.ChoiceField(
        label=_("Registration"), choices=RegistrationType.choices, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_type"].initial = self.registration_default

    def entered(self) -> dict:
        # The registration type alone (it has a default) is not a proposal.
        entered = super().entered()
        return entered if set(entered) - {"registration_type"} else {}


class NewMemberForm(NewPersonForm):
    kind = ChangeKind.NEW_MEMBER
    relation = forms.ChoiceField(
        label=_("Relation to the head"),
        choices=[("", "—")] + [c for c in Relation.choices if c[0] != Relation.HEAD],
        required=False,
    )
    field_order = ["name", "relation", "id_number", "phone", "registration_type"]


class NewTenantForm(NewPersonForm):
    kind = ChangeKind.NEW_TENANT
    registration_default = RegistrationType.FLOATING


class HazardForm(ProposalForm):
    kind = ChangeKind.HAZARD
    text = forms.CharField(
        label=_("Hazard found (fire, gas, electricity, crowding …)"),
        required=False,
        max_length=changes.HAZARD_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


FORMS = {
    ChangeKind.PHONE: PhoneChangeForm,
    ChangeKind.MOVED_OUT: MovedOutForm,
    ChangeKind.CARE_NEED: CareNeedForm,
    ChangeKind.NEW_MEMBER: NewMemberForm,
    ChangeKind.NEW_TENANT: NewTenantForm,
    ChangeKind.HAZARD: HazardForm,
}
# The kinds a staff member can edit before applying (a move-out has no values).
EDITABLE = {k for k in FORMS if k != ChangeKind.MOVED_OUT}


# --- Deciding on a change -----------------------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the change rejected?"),
        max_length=300,
        error_messages={"required": _("Say why the change is rejected.")},
    )


class ConfigForm(forms.Form):
    community = forms.ModelChoiceField(
        queryset=None,
        error_messages={"invalid_choice": _("You do not keep the registry of this community.")},
    )
    workers_apply_directly = forms.BooleanField(
        label=_("Grid workers' changes apply without confirmation"), required=False
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
