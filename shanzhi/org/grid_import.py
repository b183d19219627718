"""Importing grids (or other org units) from a GeoJSON FeatureCollection.

Every feature is checked like a unit entered by hand. Any error in any feature rolls the
whole import back, and the errors are reported per feature, so nothing is half-imported.
"""

import json
import math
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from shanzhi.org.actions import do_save_region
from shanzhi.org.models import Level, Region

MAX_BYTES = 5 * 2**20
MAX_FEATURES = 10_000


@dataclass
class FeatureError:
    number: int  # 1-based position in the collection
    label: str  # the feature's code or name, when it has one
    messages: list[str]


class GridImportError(Exception):
    def __init__(self, errors: list[FeatureError]):
        super().__init__(f"{len(errors)} feature(s) refused")
        self.errors = errors


def _file_error(message: str) -> GridImportError:
    return GridImportError([FeatureError(0, "", [message])])


def _reject_constant(name):
    # Python's parser accepts NaN and Infinity, which JSON does not.
    raise ValueError(name)


def _parse(data):
    if len(data) > MAX_BYTES:
        return None, _("The file is larger than %(mb)d MB; split it into smaller files.") % {
            "mb": MAX_BYTES // 2**20
        }
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes | bytearray) else data
    except UnicodeDecodeError:
        return None, _("The file is not UTF-8 text.")
    try:
        return json.loads(text, parse_constant=_reject_constant), None
    except json.JSONDecodeError as exc:
        return None, _(
            "The file is not valid JSON: the error is at line %(line)d, column %(column)d."
        ) % {"line": exc.lineno, "column": exc.colno}
    except ValueError:
        return None, _("The file is not valid JSON: NaN and Infinity are not JSON numbers.")
    except RecursionError:
        return None, _("The file is not valid JSON: it is nested too deeply.")


def _features(data) -> list:
    if isinstance(data, bytes | bytearray | str):
        data, error = _parse(data)
        if error:
            raise _file_error(error)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _file_error(_("The file must be a GeoJSON FeatureCollection."))
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise _file_error(_("The FeatureCollection has no features."))
    if len(features) > MAX_FEATURES:
        raise _file_error(
            _("The file has %(n)d features; at most %(max)d can be imported at once.")
            % {"n": len(features), "max": MAX_FEATURES}
        )
    return features


def _properties(feature) -> dict:
    """The feature's properties; a ValidationError unless it is a Feature with an object
    (or nothing) as properties."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValidationError(_("This item is not a GeoJSON Feature."))
    props = feature.get("properties")
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise ValidationError(_("The feature's properties must be a JSON object."))
    return props


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else str(value if value is not None else "")


def _households(value) -> int:
    """A whole number of households: 320 or "320", never 3.7, true or 1e400."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    raise ValidationError(_("“households” must be a whole number."))


def _region_for(feature, default_parent: Region | None) -> Region:
    props = _properties(feature)
    code, name = _text(props.get("code")), _text(props.get("name"))
    if not code or not name:
        raise ValidationError(_("Each feature needs the properties “code” and “name”."))
    level = _text(props.get("level")) or Level.GRID
    if level not in Level.values:
        raise ValidationError(_("Unknown level “%(level)s”.") % {"level": level[:40]})
    parent = default_parent
    parent_code = _text(props.get("parent"))
    if parent_code:
        parent = Region.objects.filter(code=parent_code).first()
        if parent is None:
            raise ValidationError(
                _("The parent unit %(code)s does not exist.") % {"code": parent_code[:40]}
            )
    if parent is None:
        raise ValidationError(_("No parent unit: give “parent” in the feature or choose one."))
    region = Region.objects.filter(code=code).first() or Region(code=code)
    region.level, region.name, region.parent = level, name, parent
    region.geometry = feature.get("geometry")
    if props.get("households") not in (None, ""):
        region.households = _households(props["households"])
    return region


def _messages(exc: ValidationError) -> list[str]:
    """Each message with the translated name of the field it concerns."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    out = []
    for field, messages in exc.message_dict.items():
        try:
            label = capfirst(Region._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:
            label = None
        for message in messages:
            if label:
                out.append(_("%(field)s: %(message)s") % {"field": label, "message": message})
            else:
                out.append(message)
    return out


def _raw_properties(feature) -> dict:
    props = feature.get("properties") if isinstance(feature, dict) else None
    return props if isinstance(props, dict) else {}


def _code(feature) -> str:
    return _text(_raw_properties(feature).get("code"))


def _label(feature) -> str:
    props = _raw_properties(feature)
    return _text(props.get("code") or props.get("name"))[:40]


def do_import_grids(data, *, actor, parent: Region | None = None, note: str = "") -> list[Region]:
    """Create or update the units in a FeatureCollection; all or nothing."""
    features = _features(data)
    errors: list[FeatureError] = []
    saved: list[Region] = []
    first_with_code: dict[str, int] = {}
    with transaction.atomic():
        for number, feature in enumerate(features, 1):
            label, code = _label(feature), _code(feature)
            if code in first_with_code:
                message = _("The code %(code)s already appears in feature %(first)d.") % {
                    "code": code,
                    "first": first_with_code[code],
                }
                errors.append(FeatureError(number, label, [message]))
                continue
            if code:
                first_with_code[code] = number
            try:
                with transaction.atomic():
                    region = _region_for(feature, parent)
                    do_save_region(region, actor=actor, note=note or _("GeoJSON import"))
                    saved.append(region)
            except ValidationError as exc:
                errors.append(FeatureError(number, label, _messages(exc)))
            except PermissionDenied as exc:
                errors.append(FeatureError(number, label, [str(exc)]))
            except IntegrityError:
                errors.append(
                    FeatureError(number, label, [_("Conflicts with data saved meanwhile.")])
                )
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise GridImportError(errors)
    return saved
