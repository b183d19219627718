"""Importing grids (or other org units) from a GeoJSON FeatureCollection.

Every feature is checked like a unit entered by hand. Any error in any feature rolls the
whole import back, and the errors are reported per feature, so nothing is half-imported.
"""

import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shanzhi.org.actions import do_save_region
from shanzhi.org.models import Level, Region


@dataclass
class FeatureError:
    number: int  # 1-based position in the collection
    label: str  # the feature's code or name, when it has one
    messages: list[str]


class GridImportError(Exception):
    def __init__(self, errors: list[FeatureError]):
        super().__init__(f"{len(errors)} feature(s) refused")
        self.errors = errors


def _features(data) -> list[dict]:
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise GridImportError(
                [FeatureError(0, "", [_("The file is not valid JSON: %s") % exc])]
            ) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GridImportError(
            [FeatureError(0, "", [_("The file must be a GeoJSON FeatureCollection.")])]
        )
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise GridImportError([FeatureError(0, "", [_("The FeatureCollection has no features.")])])
    return features


def _region_for(feature, default_parent: Region | None) -> Region:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValidationError(_("This item is not a GeoJSON Feature."))
    props = feature.get("properties") or {}
    code = str(props.get("code") or "").strip()
    name = str(props.get("name") or "").strip()
    if not code or not name:
        raise ValidationError(_("Each feature needs the properties “code” and “name”."))
    level = str(props.get("level") or Level.GRID)
    if level not in Level.values:
        raise ValidationError(_("Unknown level “%(level)s”.") % {"level": level})
    parent = default_parent
    if props.get("parent"):
        parent = Region.objects.filter(code=str(props["parent"]).strip()).first()
        if parent is None:
            raise ValidationError(
                _("The parent unit %(code)s does not exist.") % {"code": props["parent"]}
            )
    if parent is None:
        raise ValidationError(_("No parent unit: give “parent” in the feature or choose one."))
    region = Region.objects.filter(code=code).first() or Region(code=code)
    region.level, region.name, region.parent = level, name, parent
    region.geometry = feature.get("geometry")
    if props.get("households") not in (None, ""):
        try:
            region.households = int(props["households"])
        except (TypeError, ValueError):
            raise ValidationError(_("“households” must be a whole number.")) from None
    return region


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {m}" if field != "__all__" else m
            for field, ms in exc.message_dict.items()
            for m in ms
        ]
    return list(exc.messages)


def do_import_grids(data, *, actor, parent: Region | None = None, note: str = "") -> list[Region]:
    """Create or update the units in a FeatureCollection; all or nothing."""
    features = _features(data)
    errors: list[FeatureError] = []
    saved: list[Region] = []
    with transaction.atomic():
        for number, feature in enumerate(features, 1):
            props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
            label = str(props.get("code") or props.get("name") or "")
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
