"""Notifications: written to the outbox inside the action's transaction, delivered by a
background task once the transaction commits (so nothing is sent for a rolled-back
change, and nothing is lost if the sender is down)."""

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from shanzhi.core.models import Notification, NotificationChannel


def notify(users, subject: str, body: str = "", url: str = "", channels=None) -> list[int]:
    """Queue one message per user and channel; returns the outbox ids."""
    channels = channels or settings.NOTIFICATION_CHANNELS
    rows = []
    for user in {u.pk: u for u in users if u is not None}.values():
        for channel in channels:
            if channel == NotificationChannel.EMAIL and not user.email:
                continue
            if channel == NotificationChannel.SMS and not user.phone:
                continue
            rows.append(
                Notification(
                    recipient=user, channel=channel, subject=subject[:200], body=body, url=url
                )
            )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.channel != NotificationChannel.IN_APP]
    if ids:
        from shanzhi.core.tasks import deliver_notifications

        transaction.on_commit(lambda: deliver_notifications.enqueue(ids))
    return [n.pk for n in created]


class LoggingSmsBackend:
    """The SMS gateway interface: ``send(phone, text)``. This backend only logs; a
    deployment points ``SHANZHI_SMS_BACKEND`` at its operator's gateway client."""

    def send(self, phone: str, text: str) -> None:
        import logging

        logging.getLogger("shanzhi.sms").info("SMS to %s: %s", phone, text)


def sms_backend():
    return import_string(settings.SMS_BACKEND)()
