"""Open311 GeoReport v2 at ``/open311/v2/`` (docs/api.md, "Open311 GeoReport v2").

Every resource answers in XML or JSON by the suffix of its URL (``services.xml``,
``services.json``). Views are thin: read and check the input, find what is asked through
``public.py`` or the catalogue, call the engine, answer; every problem is one of the
standard's errors in the same format.
"""

import functools
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from shanzhi.api.actions import KeyReused, do_create_case_once
from shanzhi.api.auth import authenticate_token
from shanzhi.api.errors import ApiError
from shanzhi.api.models import Scope
from shanzhi.cases.engine import do_create_case
from shanzhi.duties.models import CatalogueVersion
from shanzhi.lib import idempotency
from shanzhi.lib.open311 import to_json, to_xml
from shanzhi.open311 import intake, present, query, services, tokens
from shanzhi.open311.errors import Open311Error, bad_request, forbidden, not_found
from shanzhi.open311.public import access_published_case, published
from shanzhi.org.models import Level, Region

logger = logging.getLogger(__name__)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
ONLY_JURISDICTION = ("jurisdiction_id", "api_key")


def answer(fmt: str, root: str, value, status: int = 200, headers=None) -> HttpResponse:
    data = to_xml(root, value) if fmt == "xml" else to_json(value)
    response = HttpResponse(data, status=status, content_type=CONTENT_TYPES[fmt])
    for name, header in (headers or {}).items():
        response[name] = header
    return response


def open311_view(*methods):
    """GeoReport's answers for a view: its methods only, errors as the standard's list,
    and machine clients need no CSRF token (POST is authenticated by ``api_key``)."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs):
            try:
                allowed = (*methods, "HEAD") if "GET" in methods else methods
                if request.method not in allowed:
                    raise Open311Error(
                        405,
                        _("Use %(methods)s here.") % {"methods": " or ".join(methods)},
                        headers={"Allow": ", ".join(methods)},
                    )
                return view(request, fmt, *args, **kwargs)
            except Open311Error as exc:
                return answer(fmt, "errors", exc.document(), exc.status, exc.headers)
            except RequestDataTooBig:
                error = bad_request(_("The request body is too large."))
                return answer(fmt, "errors", error.document(), error.status)
            except TooManyFieldsSent:
                error = bad_request(_("The request has too many fields."))
                return answer(fmt, "errors", error.document(), error.status)
            except ApiError as exc:  # over the integration's rate limit
                error = Open311Error(exc.status, exc.message)
                return answer(fmt, "errors", error.document(), exc.status, exc.headers)
            except Exception:
                logger.exception("Open311 request failed: %s %s", request.method, request.path)
                error = Open311Error(500, _("Something went wrong on the server."))
                return answer(fmt, "errors", error.document(), error.status)

        return wrapper

    return decorate


def district_code() -> str | None:
    """The one jurisdiction this endpoint serves: the deployment's district."""
    return (
        Region.objects.active()
        .filter(level=Level.DISTRICT)
        .order_by("pk")
        .values_list("code", flat=True)
        .first()
    )


def district_name() -> str:
    return (
        Region.objects.active()
        .filter(level=Level.DISTRICT)
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
        or ""
    )


def check_jurisdiction(params) -> None:
    given = (params.get("jurisdiction_id") or "").strip()
    if given and given != district_code():
        raise not_found(_("jurisdiction_id %(id)s was not found.") % {"id": given})


def refuse_unknown(params, known) -> None:
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise bad_request(
            *(_("%(field)s: this parameter is not known.") % {"field": name} for name in unknown)
        )


@open311_view("GET")
def discovery(request, fmt):
    refuse_unknown(request.GET, ())
    changeset = f"{CatalogueVersion.objects.values_list('version', flat=True).first() or 0:012d}"
    root = reverse("open311_discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
    document = {
        "changeset": changeset,
        "contact": _("The system administrators of the platform of %(district)s.")
        % {"district": district_name()},
        "key_service": _(
            "An api_key is the token of an integration; the system administrators create "
            "integrations (docs/api.md)."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri(root),
                "changeset": changeset,
                # The demo district is made up: nothing sent to it is acted upon.
                "type": "test" if settings.DEMO_MODE else "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return answer(fmt, "discovery", document)


@open311_view("GET")
def service_list(request, fmt):
    refuse_unknown(request.GET, ONLY_JURISDICTION)
    check_jurisdiction(request.GET)
    return answer(fmt, "services", [services.service(c) for c in services.offered()])


@open311_view("GET")
def service_definition(request, fmt, code):
    refuse_unknown(request.GET, ONLY_JURISDICTION)
    check_jurisdiction(request.GET)
    category = services.offered().filter(code=code).first()
    if category is None:
        raise not_found(_("service_code %(code)s was not found.") % {"code": code})
    return answer(fmt, "service_definition", services.definition(category))


@open311_view("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        return create_request(request, fmt)
    check_jurisdiction(request.GET)
    found = query.cases(query.read(request.GET))
    return answer(fmt, "service_requests", [present.record(case) for case in found])


@open311_view("GET")
def service_request(request, fmt, number):
    refuse_unknown(request.GET, ONLY_JURISDICTION)
    check_jurisdiction(request.GET)
    return answer(fmt, "service_requests", [present.record(access_published_case(number))])


@open311_view("GET")
def token(request, fmt, token):
    refuse_unknown(request.GET, ONLY_JURISDICTION)
    check_jurisdiction(request.GET)
    number = tokens.resolve(token)
    if number is None or not published().filter(number=number).exists():
        raise not_found(_("token %(token)s was not found.") % {"token": token})
    return answer(fmt, "service_requests", [{"service_request_id": number, "token": token}])


@csrf_exempt
def unknown(request, rest: str = ""):
    fmt = "json" if rest.endswith(".json") else "xml"
    error = not_found(_("No such resource: the resources are listed in discovery.xml."))
    return answer(fmt, "errors", error.document(), error.status)


# --- POST requests -----------------------------------------------------------------------


def _integration(form):
    """The integration whose token is the ``api_key``, allowed to register cases."""
    key = (form.get("api_key") or "").strip()
    if not key:
        raise forbidden(_("api_key was not provided: send the token of an integration."))
    integration = authenticate_token(key)  # raises ApiError (429) over the rate limit
    if integration is None:
        raise forbidden(_("Invalid api_key: send the token of an active integration."))
    if not integration.has_scope(Scope.CASES_WRITE):
        raise forbidden(
            _("This integration's token does not carry the scope %(scope)s.")
            % {"scope": Scope.CASES_WRITE}
        )
    return integration


def _created(case) -> dict:
    # Both the id and a token: a client written for servers that answer with a token
    # gets one it can resolve (docs/api.md).
    return {
        "service_request_id": case.number,
        "token": tokens.issue(case.number),
        "service_notice": present.notice(case),
        "account_id": None,
    }


def create_request(request, fmt):
    if request.content_type not in FORM_TYPES:
        raise bad_request(
            _("Send the request form-encoded (application/x-www-form-urlencoded; charset=utf-8).")
        )
    form = request.POST
    integration = _integration(form)
    if request.FILES:
        raise bad_request(_("Files are not taken here: give a media_url."))
    check_jurisdiction(form)
    posted = intake.read(form, requester=integration.user)
    key = request.headers.get("Idempotency-Key")
    try:
        if key is None:
            case = do_create_case(posted, actor=integration.user)
            return answer(fmt, "service_requests", [_created(case)], status=201)
        if not idempotency.valid_key(key):
            raise bad_request(_("Idempotency-Key: a key has 1 to 255 visible ASCII characters."))
        fingerprint = idempotency.fingerprint(
            "POST", "/open311/v2/requests", intake.fingerprint_fields(form)
        )
        case, _status, body = do_create_case_once(
            lambda: posted,
            integration=integration,
            key=key,
            fingerprint=fingerprint,
            render=_created,
        )
    except ValidationError as exc:
        raise bad_request(*exc.messages) from None
    except KeyReused:
        raise bad_request(_("This Idempotency-Key was already used for another request.")) from None
    headers = {"Idempotent-Replayed": "true"} if case is None else {}
    return answer(fmt, "service_requests", [body], status=201, headers=headers)
