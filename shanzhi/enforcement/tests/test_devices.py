"""Recording devices (Art. 41): the district's administrators and leaders register a
device and record its legal review, technical review and the publication of its site,
with dates; bad input is refused with a message and stores nothing; others get 404;
the published sites are listed publicly per street."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shanzhi.core.models import AuditEvent
from shanzhi.enforcement.devices import device_dates, do_record_device, do_register_device
from shanzhi.enforcement.models import Device

TODAY = date(2025, 9, 20)


def _register(client, street, code="CAM-DH-0101", site="东湖路与湖滨路交叉口东北角"):
    return client.post(
        reverse("enforcement:devices"), {"code": code, "street": street.pk, "site": site}
    )


def _record(client, device, what, on="2025-09-10", reference=""):
    return client.post(
        reverse("enforcement:device_action", args=[device.pk, what]),
        {"on": on, "reference": reference},
    )


@pytest.mark.parametrize("username", ["admin", "leader"])
def test_register_review_and_publish(client_as, demo, street, username):
    client = client_as(username)
    assert client.get(reverse("enforcement:devices")).status_code == 200
    assert _register(client, street).status_code == 302
    device = Device.objects.get(code="CAM-DH-0101")
    assert device.street == street and not device.usable
    assert AuditEvent.objects.filter(
        action="enforcement.device.register", object_id=str(device.pk)
    ).exists()
    assert _record(client, device, "legal", "2025-09-01", "法审〔2025〕3号").status_code == 302
    assert _record(client, device, "technical", "2025-09-03").status_code == 302
    assert _record(client, device, "published", "2025-09-05").status_code == 302
    device.refresh_from_db()
    assert device.usable
    dates = device_dates(device)
    assert dates["legal"] == date(2025, 9, 1) and dates["legal_reference"] == "法审〔2025〕3号"
    assert dates["technical"] == date(2025, 9, 3)
    assert dates["published"] == date(2025, 9, 5)
    events = AuditEvent.objects.filter(object_type="enforcement.device", object_id=str(device.pk))
    assert set(events.values_list("action", flat=True)) == {
        "enforcement.device.register",
        "enforcement.device.legal",
        "enforcement.device.technical",
        "enforcement.device.published",
    }
    assert all("第四十一条" in e.legal_basis for e in events)
    page = client.get(reverse("enforcement:devices")).content.decode()
    assert "2025-09-05" in page and "法审〔2025〕3号" in page


def test_public_list_shows_published_sites_only(client, demo, street, persona):
    actor = persona("admin")
    shown = do_register_device(code="CAM-PUB-1", street=street, site="湖滨公园北门", actor=actor)
    hidden = do_register_device(code="CAM-HID-1", street=street, site="未公布地点", actor=actor)
    for what, on in (("legal", date(2025, 9, 1)), ("technical", date(2025, 9, 2))):
        do_record_device(shown, what, on=on, actor=actor, today=TODAY)
        do_record_device(hidden, what, on=on, actor=actor, today=TODAY)
    do_record_device(shown, "published", on=date(2025, 9, 4), actor=actor, today=TODAY)
    page = client.get(reverse("enforcement:camera_sites"))  # no login
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-street="{street.code}"' in body
    assert "湖滨公园北门" in body and "2025-09-04" in body
    assert "CAM-HID-1" not in body and "未公布地点" not in body
    assert "第四十一条" in body


@pytest.mark.parametrize("username", ["streetstaff", "zf-officer1", "dispatcher", "resident"])
def test_others_get_404(client_as, demo, street, username):
    client = client_as(username)
    device = Device.objects.get(code="DEMO-CAM-001")
    assert client.get(reverse("enforcement:devices")).status_code == 404
    assert _register(client, street, code="CAM-X").status_code == 404
    assert _record(client, device, "legal").status_code in (404, 405)
    assert not Device.objects.filter(code="CAM-X").exists()


def test_the_action_refuses_a_non_manager(demo, street, persona):
    with pytest.raises(PermissionDenied, match="第四十一条"):
        do_register_device(code="CAM-Y", street=street, site="某处", actor=persona("streetstaff"))
    assert not Device.objects.filter(code="CAM-Y").exists()


@pytest.mark.parametrize(
    ("code", "site", "message"),
    [
        ("", "某处", "Enter the device code."),
        ("DEMO-CAM-001", "某处", "A device with this code is already registered."),
        ("demo-cam-001", "某处", "A device with this code is already registered."),
        ("CAM-Z", "", "Enter the site (设置地点) where the device records."),
        ("C" * 41, "某处", "The device code has at most 40 characters."),
    ],
)
def test_bad_registration(client_as, demo, street, code, site, message):
    before = Device.objects.count()
    page = _register(client_as("admin"), street, code=code, site=site)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert Device.objects.count() == before


def test_registration_needs_a_street(client_as, demo, region):
    district = region("990101")
    page = client_as("admin").post(
        reverse("enforcement:devices"), {"code": "CAM-Q", "street": district.pk, "site": "某处"}
    )
    assert page.status_code == 400 and "Choose the street." in page.content.decode()
    assert not Device.objects.filter(code="CAM-Q").exists()


def test_bad_records(client_as, demo, street, persona):
    actor = persona("admin")
    device = do_register_device(code="CAM-R", street=street, site="某处", actor=actor)
    client = client_as("admin")
    # Published before the reviews (Art. 41).
    page = _record(client, device, "published")
    assert page.status_code == 400 and "第四十一条" in page.content.decode()
    # A date that is not one, a missing date, a date in the future.
    assert (
        "Enter a date as YYYY-MM-DD." in _record(client, device, "legal", "10/09").content.decode()
    )
    assert "Enter a date as YYYY-MM-DD." in _record(client, device, "legal", "").content.decode()
    assert (
        "The date is in the future."
        in _record(client, device, "legal", "2999-01-01").content.decode()
    )
    device.refresh_from_db()
    assert not device.legally_reviewed and not device.site_published
    assert not AuditEvent.objects.filter(action="enforcement.device.legal").exists()
    # Recorded twice; published before the reviews' dates.
    do_record_device(device, "legal", on=date(2025, 9, 10), actor=actor, today=TODAY)
    do_record_device(device, "technical", on=date(2025, 9, 12), actor=actor, today=TODAY)
    with pytest.raises(ValidationError) as twice:
        do_record_device(device, "legal", on=date(2025, 9, 11), actor=actor, today=TODAY)
    assert "already recorded" in str(twice.value)
    with pytest.raises(ValidationError) as early:
        do_record_device(device, "published", on=date(2025, 9, 11), actor=actor, today=TODAY)
    assert "before the reviews passed" in str(early.value)
    assert (
        client.post(
            reverse("enforcement:device_action", args=[device.pk, "nonsense"]), {"on": "2025-09-10"}
        ).status_code
        == 404
    )
    device.refresh_from_db()
    assert not device.site_published
