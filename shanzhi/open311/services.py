"""Services: the matter catalogue as GeoReport services.

Each minor class in use is a service (``service_code`` = the category's code, ``group``
= its major class), except the matters another channel handles: emergencies (a request
naming one is answered with the number to call), petitions and lawsuits. Every service
has the same two attributes, both real fields of a case: the kind of request (the five
kinds of 12345, 北京接诉即办条例) and whether the requester's identity is kept
confidential.
"""

import re

from django.utils.translation import gettext as _

from shanzhi.cases.forms import category_choices
from shanzhi.cases.models import RequestKind
from shanzhi.duties.models import MatterCategory, Redirect

KIND, CONFIDENTIAL = "kind", "confidential"
_ATTRIBUTE = re.compile(r"attribute\[([^\]]*)\](\[\])?")


def offered():
    """The categories offered as services, by code."""
    return category_choices().filter(redirect=Redirect.NONE).order_by("code")


def service(category: MatterCategory) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.hint or None,
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join([category.parent.name, str(category.get_kind_display())]),
        "group": category.parent.name,
    }


def _choices() -> dict[str, list[tuple[str, str]]]:
    return {
        KIND: [(key, str(label)) for key, label in RequestKind.choices],
        CONFIDENTIAL: [("false", _("No")), ("true", _("Yes"))],
    }


def definition(category: MatterCategory) -> dict:
    descriptions = {
        KIND: _("The kind of request: consultation, help, complaint, report or suggestion."),
        CONFIDENTIAL: _(
            "Keep the requester's identity confidential: it is shown only to those who "
            "handle the request, and the request's description and exact place are not "
            "published."
        ),
    }
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": code,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": None,
                "order": order,
                "description": descriptions[code],
                "values": [{"key": key, "name": name} for key, name in values],
            }
            for order, (code, values) in enumerate(_choices().items(), start=1)
        ],
    }


def attribute_fields(names) -> set[str]:
    """The form fields among ``names`` that carry attributes (``attribute[code]``)."""
    return {name for name in names if _ATTRIBUTE.fullmatch(name)}


def parse_attributes(form) -> tuple[dict[str, str], list[str]]:
    """The attribute values of a POSTed request (``attribute[kind]=complaint``) and the
    errors found in them."""
    values, errors = {}, []
    choices = _choices()
    for name in sorted(attribute_fields(form.keys())):
        code = _ATTRIBUTE.fullmatch(name).group(1)
        given = [v.strip() for v in form.getlist(name) if v.strip()]
        if code not in choices:
            errors.append(
                _("attribute[%(code)s]: this service has no such attribute.") % {"code": code}
            )
            continue
        if not given:
            continue
        if len(given) > 1 or code in values:
            errors.append(_("attribute[%(code)s]: choose one value.") % {"code": code})
            continue
        keys = [key for key, _name in choices[code]]
        if given[0] not in keys:
            errors.append(
                _("attribute[%(code)s]: choose one of %(keys)s.")
                % {"code": code, "keys": ", ".join(keys)}
            )
            continue
        values[code] = given[0]
    return values, errors
