"""A POSTed GeoReport request, read and checked whole, as the engine's ``Intake``.

Every field is checked before anything is stored and every problem is reported at once,
each as one of the standard's errors. Fields the standard defines but the platform does
not keep are said so in docs/api.md: ``email``, ``device_id`` and ``account_id`` are
accepted and not stored (the integration follows the case it registered); a
``media_url`` is kept as the last line of the case's description.
"""

import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import translation
from django.utils.translation import gettext as _

from shanzhi.cases.engine import Intake
from shanzhi.cases.forms import category_choices
from shanzhi.cases.models import Channel
from shanzhi.duties.models import Redirect
from shanzhi.lib import identity
from shanzhi.lib.open311 import person_name
from shanzhi.open311 import services
from shanzhi.open311.errors import bad_request, not_found

DESCRIPTION_MAX = 4000  # the standard's limit
TITLE_CHARS = 40
FIELDS = (
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
)
# Limits of the case fields they fill.
MAX_CHARS = {"address_string": 200, "phone": 20, "media_url": 500}
NAME_MAX = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_PHONE = re.compile(r"\+?[0-9][0-9\- ]{4,19}")


def _one(form, name: str, errors: list) -> str:
    values = form.getlist(name)
    if len(values) > 1:
        errors.append(_("%(field)s: give it once.") % {"field": name})
    value = values[0] if values else ""
    if _CONTROL.search(value):
        errors.append(_("%(field)s: control characters are not allowed.") % {"field": name})
        return ""
    return value.strip()


def _coordinate(text: str, name: str, bound: float, errors: list) -> float | None:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not -bound <= value <= bound:
        errors.append(
            _("%(field)s: give a number from -%(bound)s to %(bound)s (WGS84 degrees).")
            % {"field": name, "bound": bound}
        )
        return None
    return value


def _title(description: str, fallback: str) -> str:
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    if len(first_line) > TITLE_CHARS:
        first_line = first_line[: TITLE_CHARS - 1] + "…"
    return first_line or fallback


def read(form, *, requester) -> Intake:
    """The intake a POSTed request asks for; ``Open311Error`` with every problem found."""
    errors = []
    unknown = sorted(set(form.keys()) - set(FIELDS) - services.attribute_fields(form.keys()))
    for name in unknown:
        errors.append(_("%(field)s: this field is not known.") % {"field": name})
    value = {name: _one(form, name, errors) for name in FIELDS}
    for name, limit in MAX_CHARS.items():
        if len(value[name]) > limit:
            errors.append(_("%(field)s: at most %(n)s characters.") % {"field": name, "n": limit})

    code, category = value["service_code"], None
    if not code:
        errors.append(_("service_code was not provided."))
    else:
        category = category_choices().filter(code=code).first()
        if category is None:
            raise not_found(_("service_code %(code)s was not found.") % {"code": code})
        if category.redirect not in (Redirect.NONE, Redirect.EMERGENCY):
            # (An emergency is refused by the engine, with the number to call.)
            raise bad_request(
                _("service_code %(code)s is not taken here: %(channel)s.")
                % {"code": code, "channel": category.get_redirect_display()}
            )

    description = value["description"]
    if not description:
        errors.append(_("description: describe the matter."))
    elif len(description) > DESCRIPTION_MAX:
        errors.append(
            _("description: at most %(max)s characters (this one has %(n)s).")
            % {"max": DESCRIPTION_MAX, "n": len(description)}
        )

    lat = lon = None
    if value["lat"] or value["long"]:
        if not (value["lat"] and value["long"]):
            errors.append(_("lat, long: give both latitude and longitude, or neither."))
        else:
            lat = _coordinate(value["lat"], "lat", 90, errors)
            lon = _coordinate(value["long"], "long", 180, errors)
    if value["address_id"]:
        errors.append(
            _("address_id: addresses are not identified here; send lat and long or address_string.")
        )
    elif not (value["lat"] or value["long"] or value["address_string"]):
        errors.append(_("Give the location: lat and long, or address_string."))

    name = person_name(value["first_name"], value["last_name"])
    if len(name) > NAME_MAX:
        errors.append(
            _("first_name, last_name: at most %(n)s characters together.") % {"n": NAME_MAX}
        )
    phone = value["phone"]
    if phone and not _PHONE.fullmatch(phone):
        errors.append(_("phone: this is not a phone number."))
    elif identity.is_valid_mobile(phone):
        phone = identity.normalize_mobile(phone)
    if value["media_url"]:
        try:
            URLValidator(schemes=["http", "https"])(value["media_url"])
        except ValidationError:
            errors.append(_("media_url: give an http or https address."))

    attributes, attribute_errors = services.parse_attributes(form)
    errors += attribute_errors
    if errors:
        raise bad_request(*errors)

    if value["media_url"]:
        with translation.override(settings.LANGUAGE_CODE):  # stored: the deployment's language
            description = f"{description}\n\n{_('Media')}: {value['media_url']}"
    return Intake(
        procedure="service_request",
        channel=Channel.WEB,
        title=_title(value["description"], category.name),
        description=description,
        category=category,
        kind=attributes.get(services.KIND, ""),
        lon=lon,
        lat=lat,
        address=value["address_string"],
        # The integration registers the case for the person who raised it and follows
        # it as its requester, as through the JSON API.
        requester=requester,
        requester_name=name,
        requester_phone=phone,
        confidential=attributes.get(services.CONFIDENTIAL) == "true",
    )


def fingerprint_fields(form) -> dict:
    """The request as the idempotency fingerprint reads it: every field but the key."""
    return {name: form.getlist(name) for name in sorted(form.keys()) if name != "api_key"}
