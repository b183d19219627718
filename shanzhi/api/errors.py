"""Errors as JSON: ``{"code": …, "message": …, "details": …}``.

``code`` is stable (clients branch on it), ``message`` is translated into the request's
language (``Accept-Language``; Chinese by default), ``details`` says more where there is
more to say: for invalid input, one entry per field with its own translated message.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import errors as ninja_errors

from shanzhi.cases.engine import TransitionConflict

logger = logging.getLogger(__name__)


class Code:
    UNAUTHENTICATED = "unauthenticated"  # 401: no token, a wrong one, or a switched-off one
    INSUFFICIENT_SCOPE = "insufficient_scope"  # 403: the token lacks the scope
    FORBIDDEN = "forbidden"  # 403: the integration's role may not do this here
    NOT_FOUND = "not_found"  # 404: no such object in the integration's area
    MALFORMED_JSON = "malformed_json"  # 400: the body is not JSON
    TOO_LARGE = "too_large"  # 413: the body is too large
    VALIDATION = "validation_error"  # 422: the input breaks a rule
    KEY_REUSED = "idempotency_key_reused"  # 422: the key came before with another request
    CONFLICT = "conflict"  # 409: someone else changed the object first
    RATE_LIMITED = "rate_limited"  # 429: the token's allowance for this minute is used up
    SERVER_ERROR = "server_error"  # 500


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, str(message)
        self.details, self.headers = details, headers or {}


def body(code: str, message, details=None) -> dict:
    return {"code": code, "message": str(message), "details": details}


def field_errors(exc: DjangoValidationError) -> list[dict]:
    """A Django validation error as one entry per message, with its field if it has one."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if name == "__all__" else name, "code": "invalid", "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "code": "invalid", "message": message} for message in exc.messages]


def _pydantic_message(error: dict) -> str:
    """A translated message for the pydantic error types that input can cause."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    messages = {
        "missing": lambda: _("This field is required."),
        "string_too_long": lambda: _("At most %(n)s characters.") % {"n": ctx.get("max_length")},
        "string_too_short": lambda: _("At least %(n)s characters.") % {"n": ctx.get("min_length")},
        "too_long": lambda: _("At most %(n)s items.") % {"n": ctx.get("max_length")},
        "greater_than_equal": lambda: _("At least %(n)s.") % {"n": ctx.get("ge")},
        "greater_than": lambda: _("More than %(n)s.") % {"n": ctx.get("gt")},
        "less_than_equal": lambda: _("At most %(n)s.") % {"n": ctx.get("le")},
        "less_than": lambda: _("Less than %(n)s.") % {"n": ctx.get("lt")},
        "enum": lambda: _("Choose one of: %(values)s.") % {"values": ctx.get("expected")},
        "literal_error": lambda: _("Choose one of: %(values)s.") % {"values": ctx.get("expected")},
        "extra_forbidden": lambda: _("This field is not known."),
        "string_type": lambda: _("Give a text."),
        "bool_type": lambda: _("Give true or false."),
        "bool_parsing": lambda: _("Give true or false."),
        "int_type": lambda: _("Give a whole number."),
        "int_parsing": lambda: _("Give a whole number."),
        "int_from_float": lambda: _("Give a whole number."),
        "float_type": lambda: _("Give a number."),
        "float_parsing": lambda: _("Give a number."),
        "finite_number": lambda: _("Give a finite number."),
        "list_type": lambda: _("Give a list."),
        "datetime_type": lambda: _("Give a date and time (ISO 8601)."),
        "datetime_parsing": lambda: _("Give a date and time (ISO 8601)."),
        "datetime_from_date_parsing": lambda: _("Give a date and time (ISO 8601)."),
        "model_attributes_type": lambda: _("Give a JSON object."),
        "dict_type": lambda: _("Give a JSON object."),
        "model_type": lambda: _("Give a JSON object."),
        "string_pattern_mismatch": lambda: _("Control characters are not allowed."),
        "value_error": lambda: str(ctx.get("error", error.get("msg", ""))),
    }
    make = messages.get(kind)
    return make() if make else error.get("msg", "")


def _field_name(loc) -> str | None:
    """``["body", "payload", "description"]`` → ``"description"``; query and header
    parameters keep their name; list positions stay (``assisting.2``)."""
    parts = [str(p) for p in loc or []]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
        if parts and parts[0] in ("payload", "filters", "data"):
            parts = parts[1:]
    return ".".join(parts) or None


def install(api) -> None:
    """Replace django-ninja's error answers by ours."""

    def answer(request, status, payload, headers=None):
        response = api.create_response(request, payload, status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(ApiError)
    def api_error(request, exc):
        return answer(request, exc.status, body(exc.code, exc.message, exc.details), exc.headers)

    @api.exception_handler(ninja_errors.ValidationError)
    def invalid_input(request, exc):
        details = [
            {
                "field": _field_name(error.get("loc")),
                "code": error.get("type", "invalid"),
                "message": _pydantic_message(error),
            }
            for error in exc.errors
        ]
        return answer(
            request,
            422,
            body(Code.VALIDATION, _("The request is not valid: see details."), details),
        )

    @api.exception_handler(DjangoValidationError)
    def refused_by_rule(request, exc):
        return answer(
            request,
            422,
            body(Code.VALIDATION, _("The request is not valid: see details."), field_errors(exc)),
        )

    @api.exception_handler(ninja_errors.AuthenticationError)
    def unauthenticated(request, exc):
        return answer(
            request,
            401,
            body(
                Code.UNAUTHENTICATED,
                _("Send a valid token of an active integration: Authorization: Bearer <token>."),
            ),
            {"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        return answer(request, 413, body(Code.TOO_LARGE, _("The request body is too large.")))

    @api.exception_handler(ninja_errors.HttpError)
    def http_error(request, exc):
        if isinstance(exc.__cause__, RequestDataTooBig):
            return too_large(request, exc.__cause__)
        if exc.status_code == 400:
            return answer(
                request, 400, body(Code.MALFORMED_JSON, _("The request body is not valid JSON."))
            )
        return answer(request, exc.status_code, body(Code.VALIDATION, str(exc)))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return answer(request, 404, body(Code.NOT_FOUND, str(exc) or _("Not found.")))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        message = str(exc) or _("You may not do this.")
        return answer(request, 403, body(Code.FORBIDDEN, message))

    @api.exception_handler(TransitionConflict)
    def conflict(request, exc):
        return answer(request, 409, body(Code.CONFLICT, str(exc)))

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("API request failed: %s %s", request.method, request.path)
        return answer(
            request, 500, body(Code.SERVER_ERROR, _("Something went wrong on the server."))
        )
