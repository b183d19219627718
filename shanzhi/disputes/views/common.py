"""What the views share: turning an action's refusal into form errors or messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from shanzhi.disputes.access import RISK_READERS, roots
from shanzhi.org.access import scope_of


def add_errors(form, exc: ValidationError) -> None:
    """Put an action's errors on the form: on their field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def tell_errors(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc))


def form_messages(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def require_staff_reader(user, roles=RISK_READERS) -> None:
    """List pages are for those with one of ``roles`` somewhere (or a superuser)."""
    if not (scope_of(user).everything or roots(user, roles)):
        raise PermissionDenied(_("These pages are for grid, community and street staff."))
