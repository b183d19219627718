"""Showing a requester's full phone number to an officer whose duty needs it
(``privacy.do_reveal_requester``): a POST with the purpose, answered with the number —
a fragment for htmx, a small page otherwise."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shanzhi.cases.access import access_case
from shanzhi.cases.privacy import PURPOSES, do_reveal_requester


class RevealForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why do you need the full number?"),
        choices=[("", "—"), *PURPOSES.items()],
        error_messages={"required": _("Choose why you need the requester's full number.")},
    )


@require_POST
@login_required
def reveal_requester(request, number):
    case = access_case(request.user, number)
    form = RevealForm(request.POST)
    context = {"case": case, "form": form, "phone": None, "error": None}
    status = 200
    if not form.is_valid():
        context["error"] = " ".join(e for errors in form.errors.values() for e in errors)
        status = 400
    else:
        try:
            context["phone"] = do_reveal_requester(
                case, actor=request.user, purpose=form.cleaned_data["purpose"]
            )
        except PermissionDenied as exc:
            context["error"] = str(exc)
            status = 403
    template = (
        "cases/reveal_fragment.html" if request.headers.get("HX-Request") else "cases/reveal.html"
    )
    return render(request, template, context, status=status)
