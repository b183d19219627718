"""Forms of the petition pages: they parse and check shapes; the rules of the regulation
are checked by the actions, whose errors the views put on the fields."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanzhi.cases.forms import AttachmentsField, BootstrapForm, category_choices
from shanzhi.cases.models import Satisfaction
from shanzhi.lib import identity as ids
from shanzhi.org.access import scope_of
from shanzhi.org.models import Body, Level, Region
from shanzhi.petitions import access
from shanzhi.petitions.identity import Person
from shanzhi.petitions.models import (
    Delivery,
    Outcome,
    PetitionChannel,
    PetitionClass,
    PetitionerKind,
    Remedy,
    ReviewOutcome,
)
from shanzhi.petitions.steps import NOT_ACCEPT_BASES

_ID_TOKEN = re.compile(r"^[0-9]{17}[0-9Xx]$")


def parse_people(text: str) -> list[Person]:
    """One person a line: a name, then optionally an ID number."""
    people = []
    for line in (text or "").splitlines():
        tokens = [t for t in re.split(r"[\s,，、;；]+", line.strip()) if t]
        if not tokens:
            continue
        number = tokens.pop() if len(tokens) > 1 and _ID_TOKEN.match(tokens[-1]) else ""
        people.append(Person(" ".join(tokens), number))
    return people


def places_for(user):
    """Streets and communities a petition of ``user``'s area may be about."""
    units = Region.objects.active().filter(level__in=(Level.STREET, Level.COMMUNITY))
    return scope_of(user).filter_regions(units).defer("geometry").order_by("path")


class PlaceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if obj.level == Level.STREET else f"— {obj.name}"


class PetitionForm(BootstrapForm):
    """What a petitioner says, on the office's form and the online form alike."""

    petition_class = forms.ChoiceField(label=_("Class"), choices=PetitionClass.choices)
    subject = forms.CharField(label=_("Subject"), max_length=120)
    request = forms.CharField(
        label=_("Request (请求)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    facts = forms.CharField(
        label=_("Facts and reasons (事实和理由)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
    )
    place = PlaceField(
        Region.objects.none(),
        label=_("Where the matter is"),
        required=False,
        empty_label=_("The whole district"),
    )
    accused = forms.CharField(
        label=_("Person or body accused"),
        max_length=500,
        required=False,
        help_text=_("For an accusation (检举控告) only."),
    )
    accused_body = forms.ModelChoiceField(
        Body.objects.active().order_by("region__path", "name"),
        label=_("Body accused, if it is one of the platform's bodies"),
        required=False,
        empty_label=_("— none of them —"),
        help_text=_(
            "Everyone who works for or with it is kept from the petition: it never sees "
            "who petitions or what about."
        ),
    )
    name = forms.CharField(label=_("Name of the petitioner"), max_length=100, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    anonymous = forms.BooleanField(label=_("Anonymous accusation"), required=False)
    files = AttachmentsField(label=_("Material (photos or PDF)"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = (
            places_for(user)
            if user is not None
            else Region.objects.active().filter(level__in=(Level.STREET, Level.COMMUNITY))
        )


class RegisterForm(PetitionForm):
    """The petition office registers a petition from any channel."""

    channel = forms.ChoiceField(label=_("Channel"), choices=PetitionChannel.choices)
    received_at = forms.DateTimeField(
        label=_("Received"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for now."),
    )
    postmark_date = forms.DateField(
        label=_("Postmark date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    fax_number = forms.CharField(label=_("Fax number"), max_length=30, required=False)
    online_reference = forms.CharField(label=_("Online reference"), max_length=60, required=False)
    visit_place = forms.CharField(label=_("Place of the visit"), max_length=100, required=False)
    visit_record = forms.CharField(
        label=_("Record of the visit (接谈记录)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    petitioner_kind = forms.ChoiceField(
        label=_("Petitioner"), choices=PetitionerKind.choices, initial="person"
    )
    representatives = forms.CharField(
        label=_("Representatives of a group visit (at most 5)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One a line: name and ID number."),
    )
    accompanying = forms.CharField(
        label=_("Others who came with them"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One a line: name and, if known, ID number."),
    )
    account = forms.CharField(
        label=_("The petitioner's platform account (username or mobile)"),
        max_length=150,
        required=False,
        help_text=_("They then follow the petition and evaluate it online (Art. 21)."),
    )
    category = forms.ModelChoiceField(
        category_choices(), label=_("Field (category)"), required=False
    )
    letter = forms.FileField(label=_("Scanned letter or received fax"), required=False)
    envelope = forms.FileField(label=_("Envelope"), required=False)
    answer_as_repeat = forms.BooleanField(
        label=_(
            "The same matter is handled or finally decided: register it and answer it "
            "as not accepted, with the rule"
        ),
        required=False,
    )

    field_order = [
        "channel",
        "received_at",
        "petition_class",
        "petitioner_kind",
        "name",
        "id_number",
        "phone",
        "address",
        "anonymous",
        "account",
    ]

    def clean_account(self):
        value = self.cleaned_data.get("account", "").strip()
        if not value:
            return None
        phone = ids.normalize_mobile(value)
        found = (
            get_user_model()
            .objects.filter(Q(username=value) | Q(phone=phone), is_active=True)
            .first()
        )
        if found is None:
            raise forms.ValidationError(_("No account with this username or mobile number."))
        return found

    def clean_letter(self):
        upload = self.cleaned_data.get("letter")
        if upload:
            AttachmentsField().clean([upload])
        return upload

    def clean_envelope(self):
        upload = self.cleaned_data.get("envelope")
        if upload:
            AttachmentsField().clean([upload])
        return upload


class ReviewRequestForm(BootstrapForm):
    reasons = forms.CharField(
        label=_("Why the answer is not accepted"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    requested_at = forms.DateTimeField(
        label=_("Request received"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for now."),
    )
    postmark_date = forms.DateField(
        label=_("Postmark of a request by letter"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class StepForm(forms.Form):
    """Everything a step may carry; each step reads what it needs."""

    note = forms.CharField(required=False, max_length=5000)
    body = forms.ModelChoiceField(Body.objects.active(), required=False)
    assisting = forms.ModelMultipleChoiceField(Body.objects.active(), required=False)
    extension = forms.IntegerField(required=False, min_value=1, max_value=30)
    satisfaction = forms.TypedChoiceField(
        choices=[("", "—"), *Satisfaction.choices], coerce=int, required=False, empty_value=None
    )
    outcome = forms.CharField(required=False, max_length=16)
    findings = forms.CharField(required=False, max_length=10000)
    opinion = forms.CharField(required=False, max_length=10000)
    basis = forms.CharField(required=False, max_length=300)
    channel = forms.CharField(required=False, max_length=200)
    remedy = forms.CharField(required=False, max_length=16)
    delivery = forms.CharField(required=False, max_length=12)


class RevealForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why do you need to read them?"),
        choices=[("", "—"), *access.PURPOSES.items()],
        error_messages={"required": _("Choose why you need to read them.")},
    )


class LeaderForm(forms.Form):
    leader = forms.ModelChoiceField(get_user_model().objects.filter(is_active=True))
    note = forms.CharField(required=False, max_length=1000)


class ClassForm(forms.Form):
    petition_class = forms.ChoiceField(choices=PetitionClass.choices)
    note = forms.CharField(max_length=1000, required=False)


class EvaluationForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )


# Choices the step forms on the petition page offer.
STEP_CHOICES = {
    "outcome": Outcome.choices,
    "review_outcome": ReviewOutcome.choices,
    "remedy": Remedy.choices,
    "delivery": Delivery.choices,
    "basis": list(NOT_ACCEPT_BASES.items()),
}
