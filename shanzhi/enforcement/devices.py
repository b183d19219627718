"""Cameras and other recording devices (电子技术监控设备, 《行政处罚法》第四十一条): their
records serve as evidence only after the legal review (法制审核) and the technical review
(技术审核), with their sites published (设置地点向社会公布).

The district's administrators and leaders (``access.may_manage``) register a device and
record each review and the publication with its date and the document it rests on, kept
on the device beside the flags the evidence rules check (``Device.usable``) and audited
(``enforcement.device.*``)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.core import audit
from shanzhi.enforcement import access
from shanzhi.enforcement import procedures as p
from shanzhi.enforcement.models import Device
from shanzhi.org.models import Level

# What may be recorded of a device, in the order the law implies: both reviews, then
# the publication of the site.
RECORDS = {
    "legal": ("legally_reviewed", gettext_lazy("Legal review passed (法制审核)")),
    "technical": ("technically_reviewed", gettext_lazy("Technical review passed (技术审核)")),
    "published": ("site_published", gettext_lazy("Site published (设置地点公布)")),
}
# The fields keeping the day and the reference of each record.
RECORD_FIELDS = {
    "legal": ("legal_review_on", "legal_review_reference"),
    "technical": ("technical_review_on", "technical_review_reference"),
    "published": ("site_published_on", "site_published_reference"),
}
ACTION = "enforcement.device.%s"

audit.register_actions(
    {
        ACTION % "register": gettext_lazy("Recording device registered"),
        ACTION % "legal": gettext_lazy("Recording device: legal review recorded"),
        ACTION % "technical": gettext_lazy("Recording device: technical review recorded"),
        ACTION % "published": gettext_lazy("Recording device: site publication recorded"),
    }
)


def _require_manage(actor) -> None:
    if not access.may_manage(actor):
        raise PermissionDenied(
            _("Devices are kept by the district's administrators and leaders (%(basis)s).")
            % {"basis": p.ART_41}
        )


def do_register_device(*, code: str, street, site: str, actor) -> Device:
    """Register a device of ``street`` at ``site``; it provides no evidence until both
    reviews pass and its site is published (Art. 41)."""
    _require_manage(actor)
    code = (code or "").strip()
    site = (site or "").strip()
    errors = {}
    if not code:
        errors["code"] = _("Enter the device code.")
    elif len(code) > 40:
        errors["code"] = _("The device code has at most 40 characters.")
    elif Device.objects.filter(code__iexact=code).exists():
        errors["code"] = _("A device with this code is already registered.")
    if street is None or street.level != Level.STREET:
        errors["street"] = _("Choose the street.")
    if not site:
        errors["site"] = _("Enter the site (设置地点) where the device records.")
    elif len(site) > 200:
        errors["site"] = _("The site has at most 200 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        device = Device.objects.create(code=code, street=street, site=site)
        audit.record(
            actor,
            ACTION % "register",
            device,
            after={"code": code, "street": street.code, "site": site},
            legal_basis=p.ART_41,
            scope_path=street.path,
        )
    return device


def do_record_device(device: Device, what: str, *, on, reference: str = "", actor, today=None):
    """Record that ``device`` passed its legal or technical review, or that its site was
    published, on the day ``on``. The site is published only after both reviews passed
    (Art. 41)."""
    _require_manage(actor)
    today = today or timezone.localdate()
    if what not in RECORDS:
        raise ValidationError({"what": _("Unknown record of a device.")})
    field, _label = RECORDS[what]
    errors = {}
    if not isinstance(on, date):
        errors["on"] = _("Enter a date as YYYY-MM-DD.")
    elif on > today:
        errors["on"] = _("The date is in the future.")
    reference = (reference or "").strip()
    if len(reference) > 200:
        errors["reference"] = _("The reference has at most 200 characters.")
    if getattr(device, field):
        errors["what"] = _("This is already recorded for the device.")
    elif what == "published" and not (device.legally_reviewed and device.technically_reviewed):
        errors["what"] = _(
            "The site is published once the device passed the legal and the technical "
            "review (%(basis)s)."
        ) % {"basis": p.ART_41}
    elif what == "published" and isinstance(on, date):
        dates = device_dates(device)
        reviewed = [d for d in (dates.get("legal"), dates.get("technical")) if d]
        if reviewed and on < max(reviewed):
            errors["on"] = _("The site cannot be published before the reviews passed.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if getattr(locked, field):
            raise ValidationError({"what": _("This is already recorded for the device.")})
        day_field, reference_field = RECORD_FIELDS[what]
        setattr(locked, field, True)
        setattr(locked, day_field, on)
        setattr(locked, reference_field, reference)
        locked.save(update_fields=[field, day_field, reference_field])
        audit.record(
            actor,
            ACTION % what,
            locked,
            after={"on": on.isoformat(), "reference": reference},
            legal_basis=p.ART_41,
            scope_path=locked.street.path,
        )
    for name in (field, *RECORD_FIELDS[what]):
        setattr(device, name, getattr(locked, name))
    return device


@dataclass
class DeviceRow:
    device: Device
    dates: dict


def device_dates(device: Device) -> dict:
    """The day of each record of ``device`` (``legal``, ``technical``, ``published``)."""
    return _dates_of([device]).get(device.pk, {})


def _dates_of(devices) -> dict[int, dict]:
    found: dict[int, dict] = {}
    for device in devices:
        for what, (day_field, reference_field) in RECORD_FIELDS.items():
            day = getattr(device, day_field)
            if day is not None:
                found.setdefault(device.pk, {})[what] = day
                found[device.pk][f"{what}_reference"] = getattr(device, reference_field)
    return found


def rows(devices) -> list[DeviceRow]:
    devices = list(devices)
    dates = _dates_of(devices)
    return [DeviceRow(d, dates.get(d.pk, {})) for d in devices]


def published_sites():
    """The published camera sites per street (Art. 41), for the public page: only
    devices that passed both reviews and whose site is published."""
    devices = (
        Device.objects.filter(legally_reviewed=True, technically_reviewed=True, site_published=True)
        .select_related("street")
        .order_by("street__code", "code")
    )
    by_street: dict = {}
    for row in rows(devices):
        by_street.setdefault(row.device.street, []).append(row)
    return list(by_street.items())
