"""Many in-platform messages written at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shanzhi.core.models import Notification, NotificationChannel, NotificationStatus
from shanzhi.core.notify import notify_in_app

pytestmark = pytest.mark.django_db


def test_messages_are_written_with_the_model_defaults(persona):
    leader, resident = persona("leader"), persona("resident")
    before = timezone.now()
    written = notify_in_app(
        [
            (leader.pk, "超期：" + "长" * 300, "“办理”时限已届满。", "/cases/SR1/"),
            (resident.pk, "second", "", ""),
        ]
    )
    assert written == 2
    long, short = (
        Notification.objects.get(recipient=leader),
        Notification.objects.get(recipient=resident),
    )
    assert long.subject == ("超期：" + "长" * 300)[:200]  # the column's length, as notify()
    assert (long.body, long.url) == ("“办理”时限已届满。", "/cases/SR1/")
    assert (short.subject, short.body, short.url) == ("second", "", "")
    for message in (long, short):
        assert message.channel == NotificationChannel.IN_APP
        assert message.status == NotificationStatus.PENDING
        assert message.read_at is None and message.sent_at is None and message.error == ""
        assert before - timedelta(seconds=1) <= message.created <= timezone.now()
    assert [n.subject for n in leader.notifications.all()] == [long.subject]  # in the inbox


def test_nothing_to_write():
    count = Notification.objects.count()
    assert notify_in_app([]) == 0
    assert notify_in_app(iter(())) == 0
    assert Notification.objects.count() == count
