from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.duties.models import MatterCategory

# The telephone system's call ids: visible ASCII, as the API takes them.
CALL_ID_MAX = 64
valid_call_id = RegexValidator(
    r"^[\x21-\x7e]*\Z", gettext_lazy("A call id has visible ASCII characters only.")
)


class CallForm(forms.Form):
    requester_phone = forms.CharField(
        label=gettext_lazy("Caller number"), required=False, max_length=20
    )
    requester_name = forms.CharField(
        label=gettext_lazy("Caller name"), required=False, max_length=60
    )
    category = forms.ModelChoiceField(
        MatterCategory.objects.filter(is_active=True).order_by("code"),
        label=gettext_lazy("Category"),
        required=False,
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea)
    address = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=200)
    lon = forms.FloatField(
        label=gettext_lazy("Longitude"), required=False, min_value=-180, max_value=180
    )
    lat = forms.FloatField(
        label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90
    )
    answer = forms.CharField(
        label=gettext_lazy("Answer given"), required=False, widget=forms.Textarea
    )
    # The instant the form was opened (milliseconds since the epoch), for handling time.
    opened_at = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
    # The telephone system's id of the call, from the screen pop (``?call=``).
    call_id = forms.CharField(
        required=False,
        max_length=CALL_ID_MAX,
        widget=forms.HiddenInput,
        validators=[valid_call_id],
    )
    do = forms.ChoiceField(choices=[("answer", "answer"), ("dispatch", "dispatch")])

    def clean(self):
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None) and not self.errors:
            raise forms.ValidationError(_("Give both longitude and latitude, or neither."))
        if data.get("do") == "answer" and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write the answer given to the caller."))
        return data


class ScreenPop(forms.Form):
    """What the telephone system puts in the console's address when it pops the page up
    for a call: ``/console/?call=<call id>&caller=<number>``."""

    call = forms.CharField(required=False, max_length=CALL_ID_MAX, validators=[valid_call_id])
    caller = forms.CharField(required=False, max_length=20)
