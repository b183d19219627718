"""The daily digest: one in-platform message per supervisor per day listing the
anomalies of the cases they may read, linking to the supervision page; none for a clean
district; none on a second run the same day."""

from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from shanzhi.core.models import AuditEvent, Notification, NotificationChannel
from shanzhi.enforcement.actions import do_publish, public_text
from shanzhi.enforcement.digest import send_daily, supervisors
from shanzhi.enforcement.tests.conftest import at
from shanzhi.enforcement.tests.helpers import decided

NOW = at(2025, 9, 20, 9)


def _photo():
    return ("photo", SimpleUploadedFile("scene.jpg", b"\xff\xd8\xff", content_type="image/jpeg"))


def _digests(user=None):
    found = Notification.objects.filter(url=reverse("enforcement:supervision"))
    return found.filter(recipient=user) if user is not None else found


def test_anomalies_reach_the_leader_once(new_case, matter, persona):
    past = new_case(matter, now=at(2025, 6, 1, 9))  # 90 days over (Art. 60)
    near = new_case(matter, now=at(2025, 7, 10, 9))  # nearly over
    leader = persona("leader")
    assert leader in [user for user, _root in supervisors()]
    result = send_daily(now=NOW)
    assert result["sent"] >= 1
    [message] = _digests(leader)
    assert message.channel == NotificationChannel.IN_APP
    assert "2 anomalies" in message.subject and "2025-09-20" in message.subject
    assert past.case.number in message.body and near.case.number in message.body
    assert "Not decided within 90 days of filing." in message.body
    assert "《行政处罚法》第六十条" in message.body
    # The team and the dispatch centre are not supervisors: nothing for them.
    for username in ("zf-officer1", "streetstaff", "dispatcher"):
        assert not _digests(persona(username)).exists()
    event = AuditEvent.objects.get(action="enforcement.digest", object_id=str(leader.pk))
    assert event.after["day"] == "2025-09-20" and event.after["anomalies"] == 2


def test_a_second_run_the_same_day_sends_nothing(new_case, matter, persona):
    new_case(matter, now=at(2025, 6, 1, 9))
    send_daily(now=NOW)
    count = _digests().count()
    again = send_daily(now=at(2025, 9, 20, 17))
    assert again["sent"] == 0 and again["skipped"] >= 1
    assert _digests().count() == count
    # The next day, a new digest.
    assert send_daily(now=at(2025, 9, 21, 9))["sent"] >= 1
    assert _digests(persona("leader")).count() == 2


def test_a_clean_district_sends_none(new_case, matter, officers, officer_user, demo):
    ecase = decided(new_case, matter, officers, officer_user, files=[_photo()])
    do_publish(ecase, actor=officer_user, text=public_text(ecase), now=at(2025, 9, 8, 9))
    result = send_daily(now=at(2025, 9, 9, 9))
    assert result["sent"] == 0
    assert not _digests().exists()
    assert not AuditEvent.objects.filter(action="enforcement.digest").exists()


def test_the_command_runs_once_a_day(new_case, matter, persona):
    new_case(matter, now=at(2025, 6, 1, 9))  # past its 90 days by any later day
    out = StringIO()
    call_command("enforcement_digest", stdout=out)
    assert "Enforcement digests of" in out.getvalue()
    assert _digests(persona("leader")).count() == 1
    out = StringIO()
    call_command("enforcement_digest", stdout=out)
    assert "sent: 0." in out.getvalue()
    assert _digests(persona("leader")).count() == 1
