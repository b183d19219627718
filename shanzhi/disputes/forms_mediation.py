"""Forms of committees and of the mediation of a dispute."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shanzhi.cases.forms import BootstrapForm
from shanzhi.cases.models import Channel
from shanzhi.disputes.access import COMMITTEE_KEEPERS, DISPUTE_REGISTRARS, area_filter, grids_for
from shanzhi.disputes.forms import (
    DATE,
    DATETIME,
    DATETIME_FORMATS,
    GridChoiceField,
    registry_people,
)
from shanzhi.disputes.models import (
    AgreementKind,
    CommitteeMember,
    DisputeCategory,
    DisputeScale,
    MemberRole,
    MemberSex,
    PartyKind,
    Performance,
    Remedy,
)
from shanzhi.org.models import Body, BodyKind

PARTY_ROWS = 4
MEMBER_ROWS = 12


class DisputeForm(BootstrapForm):
    grid = GridChoiceField(None, label=_("Grid"))
    channel = forms.ChoiceField(
        label=_("How it came"),
        choices=[
            (c, label) for c, label in Channel.choices if c in ("visit", "phone", "web", "patrol")
        ],
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("The dispute"), widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label=_("Kind of dispute"), choices=DisputeCategory.choices)
    scale = forms.ChoiceField(label=_("Scale"), choices=DisputeScale.choices)
    people_involved = forms.IntegerField(label=_("People involved"), min_value=1, max_value=100000)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["grid"].queryset = grids_for(user, DISPUTE_REGISTRARS)
        for n in range(1, PARTY_ROWS + 1):
            required = n <= 2
            self.fields[f"party_{n}_name"] = forms.CharField(
                label=_("Party %(n)d") % {"n": n}, max_length=100, required=required
            )
            self.fields[f"party_{n}_kind"] = forms.ChoiceField(
                label=_("Person or organisation"), choices=PartyKind.choices, required=False
            )
            self.fields[f"party_{n}_phone"] = forms.CharField(
                label=_("Phone"), max_length=20, required=False
            )
            self.fields[f"party_{n}_address"] = forms.CharField(
                label=_("Address"), max_length=200, required=False
            )
            self.fields[f"party_{n}_person"] = forms.CharField(
                label=_("Registry number"), max_length=12, required=False
            )
            for name in ("name", "kind", "phone", "address", "person"):
                field = self.fields[f"party_{n}_{name}"]
                css = (
                    "form-select form-select-sm"
                    if name == "kind"
                    else "form-control form-control-sm"
                )
                field.widget.attrs.setdefault("class", css)

    def party_rows(self):
        for n in range(1, PARTY_ROWS + 1):
            yield [
                self[f"party_{n}_{name}"] for name in ("name", "kind", "phone", "address", "person")
            ]

    def clean(self):
        data = super().clean()
        for n in range(1, PARTY_ROWS + 1):
            try:
                people = registry_people(self.user, data.get(f"party_{n}_person", ""))
            except forms.ValidationError as exc:
                self.add_error(f"party_{n}_person", exc)
                continue
            if len(people) > 1:
                self.add_error(f"party_{n}_person", _("One registry number per party."))
            data[f"party_{n}_person"] = people[0] if people else None
        return data

    def parties(self):
        from shanzhi.disputes.actions.mediation import PartyInput

        data = self.cleaned_data
        return [
            PartyInput(
                name=data.get(f"party_{n}_name", ""),
                kind=data.get(f"party_{n}_kind") or PartyKind.PERSON,
                phone=data.get(f"party_{n}_phone", ""),
                address=data.get(f"party_{n}_address", ""),
                person=data.get(f"party_{n}_person"),
            )
            for n in range(1, PARTY_ROWS + 1)
        ]


class CommitteeForm(BootstrapForm):
    body = forms.ModelChoiceField(Body.objects.none(), label=_("Set up by"))
    name = forms.CharField(label=_("Name"), max_length=100)
    term_start = forms.DateField(label=_("Term from"), required=False, widget=DATE)
    term_end = forms.DateField(label=_("Term until"), required=False, widget=DATE)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = (
            Body.objects.active()
            .filter(kind__in=(BodyKind.RESIDENTS_COMMITTEE, BodyKind.STREET_OFFICE))
            .filter(area_filter(user, COMMITTEE_KEEPERS, "region__path"))
            .select_related("region")
            .order_by("region__path", "name")
        )
        members = list(committee.members.filter(is_active=True)) if committee else []
        for n in range(1, MEMBER_ROWS + 1):
            member = members[n - 1] if n <= len(members) else None
            self.fields[f"member_{n}_id"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, initial=member.pk if member else None
            )
            self.fields[f"member_{n}_name"] = forms.CharField(
                label=_("Name"),
                max_length=50,
                required=False,
                initial=member.name if member else "",
            )
            self.fields[f"member_{n}_role"] = forms.ChoiceField(
                label=_("Role"),
                choices=[("", "—"), *MemberRole.choices],
                required=False,
                initial=member.role if member else "",
            )
            self.fields[f"member_{n}_sex"] = forms.ChoiceField(
                label=_("Sex"),
                choices=[("", "—"), *MemberSex.choices],
                required=False,
                initial=member.sex if member else "",
            )
            for name in ("name", "role", "sex"):
                field = self.fields[f"member_{n}_{name}"]
                css = (
                    "form-control form-control-sm"
                    if name == "name"
                    else "form-select form-select-sm"
                )
                field.widget.attrs["class"] = css

    def member_rows(self):
        for n in range(1, MEMBER_ROWS + 1):
            yield [self[f"member_{n}_{name}"] for name in ("id", "name", "role", "sex")]

    def members(self):
        from shanzhi.disputes.actions.committees import MemberInput

        data = self.cleaned_data
        return [
            MemberInput(
                name=data.get(f"member_{n}_name", ""),
                role=data.get(f"member_{n}_role", ""),
                sex=data.get(f"member_{n}_sex", ""),
                pk=data.get(f"member_{n}_id"),
            )
            for n in range(1, MEMBER_ROWS + 1)
            if (data.get(f"member_{n}_name") or "").strip()
        ]


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class AcceptForm(BootstrapForm):
    committee = forms.ModelChoiceField(None, label=_("Mediation committee"))
    mediators = MemberChoiceField(
        CommitteeMember.objects.none(),
        label=_("Mediators"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    lead = forms.ModelChoiceField(CommitteeMember.objects.none(), label=_("Lead mediator"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        members = CommitteeMember.objects.filter(committee__in=committees, is_active=True)
        self.fields["mediators"].queryset = members.select_related("committee")
        self.fields["lead"].queryset = members


class SessionForm(BootstrapForm):
    held_at = forms.DateTimeField(label=_("Held"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    place = forms.CharField(label=_("Place"), max_length=200)
    attendees = forms.CharField(label=_("Present"), max_length=500)
    notes = forms.CharField(label=_("Record"), widget=forms.Textarea(attrs={"rows": 4}))


class PeriodForm(BootstrapForm):
    days = forms.IntegerField(label=_("Days the parties agreed to add"), min_value=1, max_value=365)
    agreement = forms.CharField(
        label=_("How the parties agreed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AgreementForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    facts = forms.CharField(
        label=_("Facts, matters in dispute and each side's responsibility"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    terms = forms.CharField(label=_("Terms agreed"), widget=forms.Textarea(attrs={"rows": 4}))
    performance = forms.CharField(
        label=_("How and by when they are performed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConcludeForm(BootstrapForm):
    at = forms.DateTimeField(
        label=_("Signed or reached on"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )


class EndForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Why mediation ends"), widget=forms.Textarea(attrs={"rows": 2})
    )
    remedy = forms.ChoiceField(
        label=_("Other remedy the parties were told of"), choices=Remedy.choices
    )
    remedy_detail = forms.CharField(label=_("The remedy named"), max_length=200)


class FollowUpForm(BootstrapForm):
    performance = forms.ChoiceField(label=_("Performance"), choices=Performance.choices)
    note = forms.CharField(
        label=_("What the visit found"), widget=forms.Textarea(attrs={"rows": 2})
    )
    evaluation = forms.TypedChoiceField(
        label=_("The parties' evaluation"),
        choices=[("", "—"), *((n, str(n)) for n in range(5, 0, -1))],
        coerce=int,
        empty_value=None,
        required=False,
    )


class ConfirmationForm(BootstrapForm):
    requested_on = forms.DateField(label=_("Applied on"), widget=DATE)
    court = forms.CharField(label=_("Court"), max_length=100)
