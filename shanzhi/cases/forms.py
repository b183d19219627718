import re

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shanzhi.cases.models import Channel, RequestKind, Satisfaction
from shanzhi.duties.models import MatterCategory, Urgency
from shanzhi.lib import identity
from shanzhi.org.models import Body

ALLOWED_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > settings.CASE_MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("At most %(n)d files.") % {"n": settings.CASE_MAX_ATTACHMENTS}
            )
        for upload in files:
            if upload.size > settings.CASE_MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than %(mb)d MB.")
                    % {"name": upload.name, "mb": settings.CASE_MAX_ATTACHMENT_BYTES // 2**20}
                )
            if upload.content_type not in ALLOWED_TYPES or not _looks_like(upload):
                raise forms.ValidationError(
                    _("“%(name)s” is not a photo (JPEG, PNG, WebP) or a PDF.")
                    % {"name": upload.name}
                )
        return files


def _looks_like(upload) -> bool:
    """Check the file's first bytes, not only the type the browser claims."""
    head = upload.read(12)
    upload.seek(0)
    return (
        head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or head.startswith(b"%PDF")
    )


def category_choices():
    return MatterCategory.objects.filter(is_active=True, parent__isnull=False).select_related(
        "parent"
    )


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class IntakeForm(BootstrapForm):
    procedure = forms.ChoiceField(
        label=_("Kind of case"),
        choices=[
            ("service_request", _("Service request (12345)")),
            ("grid_event", _("Grid event")),
        ],
    )
    category = forms.ModelChoiceField(
        category_choices(),
        label=_("Category"),
        required=False,
        empty_label=_("I don't know — the dispatcher will decide"),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    kind = forms.ChoiceField(
        label=_("Kind of request"), choices=[("", "—"), *RequestKind.choices], required=False
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    requester_name = forms.CharField(label=_("Requester name"), max_length=50, required=False)
    requester_phone = forms.CharField(label=_("Requester phone"), max_length=20, required=False)
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    confidential = forms.BooleanField(
        label=_("Keep the requester's identity confidential"), required=False
    )
    accused_body = forms.ModelChoiceField(
        Body.objects.active().order_by("region__path", "name"),
        label=_("Body reported on (举报)"),
        required=False,
        empty_label=_("— not a report about a body —"),
        help_text=_(
            "A report about a body is never sent to that body, and the requester's identity "
            "is kept from it."
        ),
    )
    attachments = AttachmentsField(label=_("Photos or files"), required=False)

    def clean_requester_phone(self):
        phone = self.cleaned_data.get("requester_phone", "").strip()
        if phone and not re.fullmatch(r"\+?[0-9][0-9\- ]{4,19}", phone):
            raise forms.ValidationError(_("This is not a phone number."))
        return identity.normalize_mobile(phone) if identity.is_valid_mobile(phone) else phone

    def clean(self):
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None):
            raise forms.ValidationError(_("Give both longitude and latitude, or neither."))
        return data


class CategorySelect(forms.Select):
    """A category select whose options carry the plain-language hint and, for matters
    handled elsewhere, the emergency number, so the page can show them before submit."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        category = getattr(value, "instance", None)
        if category is not None:
            option["attrs"]["data-hint"] = category.hint
            if category.redirect:
                option["attrs"]["data-redirect"] = category.get_redirect_display()
                option["attrs"]["data-emergency-number"] = category.emergency_number
        return option


class ResidentReportForm(IntakeForm):
    """What a signed-in resident fills in: the platform knows who they are."""

    gcj02 = forms.BooleanField(
        label=_("The coordinates come from a Chinese map app (GCJ-02)"), required=False
    )
    field_order = ["category", "title", "description", "address", "lon", "lat", "gcj02"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget = CategorySelect(
            attrs={"class": "form-select"}, choices=self.fields["category"].choices
        )
        # Completed from the registry's building addresses (registry/suggest.py).
        self.fields["address"].widget.attrs.update(
            {
                "data-address-suggest": reverse("registry:addresses"),
                "data-lon-input": "id_lon",
                "data-lat-input": "id_lat",
            }
        )
        for name in (
            "procedure",
            "channel",
            "kind",
            "requester_name",
            "requester_phone",
            "urgency",
        ):
            del self.fields[name]


class ActionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.ModelChoiceField(Body.objects.active(), label=_("Body"), required=False)
    assisting = forms.ModelMultipleChoiceField(
        Body.objects.active(), label=_("Assisting bodies"), required=False
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=Satisfaction.choices,
        coerce=int,
        required=False,
        empty_value=None,
    )
    extension = forms.FloatField(
        label=_("Extension (in the clock's unit)"), required=False, min_value=0.5
    )
    target = forms.CharField(label=_("Merge into case number"), max_length=24, required=False)
    category = forms.ModelChoiceField(category_choices(), label=_("New category"), required=False)


class SuperviseForm(BootstrapForm):
    deadline = forms.DateTimeField(
        label=_("Answer by"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerSupervisionForm(BootstrapForm):
    note = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
