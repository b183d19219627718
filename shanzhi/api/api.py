"""The JSON API, version 1, mounted at ``/api/v1/`` (docs/api.md). The OpenAPI document
is at ``openapi.json`` and its pages at ``docs``."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from shanzhi.api import calls, cases, errors, reference, registry
from shanzhi.api.auth import TokenAuth


class Utf8JsonRenderer(JSONRenderer):
    """Chinese text as UTF-8 (JSON's own encoding), readable as it is, rather than as
    \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Shanzhi API",
    version="1",
    description=(
        "Cases, the matter catalogue, grids and bodies of Shanzhi for other systems. "
        "Authenticate with `Authorization: Bearer <token>` (a token per integration); "
        "errors are JSON objects with a stable `code`, a translated `message` and "
        "`details`. See docs/api.md."
    ),
    urls_namespace="api_v1",
    auth=TokenAuth(),
    renderer=Utf8JsonRenderer(),
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    # The documentation page's script sets inline styles; nothing else of the API is HTML.
    docs_decorator=csp_update({"style-src": [UNSAFE_INLINE]}),
)
errors.install(api)
api.add_router("", cases.router)
api.add_router("", reference.router)
api.add_router("", calls.router)
api.add_router("", registry.router)
