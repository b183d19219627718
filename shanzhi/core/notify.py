"""Notifications: written to the outbox inside the action's transaction, delivered by a
background task once the transaction commits (so nothing is sent for a rolled-back
change, and nothing is lost if the sender is down)."""

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from shanzhi.core.bulkinsert import PreparedInsert
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


def notify_phone(phone: str, subject: str, body: str = "", *, url: str = "") -> int | None:
    """Queue a text message to a phone number with no account behind it (a caller who
    gave a number); sent by the SMS gateway after the transaction commits, with ``url``
    (a path of the portal) appended as a full link (``sms_text``). Returns the outbox id,
    or ``None`` when texting callers is switched off or there is no number."""
    phone = (phone or "").strip()
    if not phone or not settings.SMS_TO_CALLERS:
        return None
    message = Notification.objects.create(
        channel=NotificationChannel.SMS,
        phone=phone[:20],
        subject=subject[:200],
        body=body,
        url=url[:300],
    )
    from shanzhi.core.tasks import deliver_notifications

    transaction.on_commit(lambda: deliver_notifications.enqueue([message.pk]))
    return message.pk


def notify_in_app(messages) -> int:
    """Queue many in-platform messages at once; ``messages`` yields ``(recipient id,
    subject, body, url)``. Returns how many were written.

    For sweeps that write tens of thousands of messages: one prepared ``INSERT`` for all
    of them (``core/bulkinsert.py``) instead of model instances and ``bulk_create``. The
    other columns get the model's defaults (created now, waiting). In-platform messages
    need no delivery, so no task is queued; the caller chooses the recipients (no
    de-duplication here).
    """
    writer = PreparedInsert(Notification, ["recipient_id", "channel", "subject", "body", "url"])
    channel = NotificationChannel.IN_APP.value
    return writer.write(
        (recipient_id, channel, subject[:200], body, url)
        for recipient_id, subject, body, url in messages
    )


class LoggingSmsBackend:
    """The SMS gateway interface: ``send(phone, text)``. This backend only logs; a
    deployment points ``SHANZHI_SMS_BACKEND`` at its operator's gateway client."""

    def send(self, phone: str, text: str) -> None:
        import logging

        logging.getLogger("shanzhi.sms").info("SMS to %s: %s", phone, text)


def sms_backend():
    return import_string(settings.SMS_BACKEND)()


def sms_text(message) -> str:
    """The text a message is sent as: subject, body and, for a path of the portal, the
    link at the portal's public address (``PUBLIC_URL``; without one, no link)."""
    text = f"{message.subject} {message.body}".strip()
    base = getattr(settings, "PUBLIC_URL", "")
    if message.url and base:
        text = f"{text} {base}{message.url}"
    return text
