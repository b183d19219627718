"""Notifications: written to the outbox inside the action's transaction, delivered by a
background task once the transaction commits (so nothing is sent for a rolled-back
change, and nothing is lost if the sender is down)."""

from django.conf import settings
from django.db import connections, router, transaction
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


def notify_in_app(messages) -> int:
    """Queue many in-platform messages at once; ``messages`` yields ``(recipient id,
    subject, body, url)``. Returns how many were written.

    For sweeps that write tens of thousands of messages: one prepared ``INSERT`` run for
    all rows (``executemany``) instead of model instances and ``bulk_create``, which
    compiles SQL for every row and, on SQLite, splits the rows into statements of at most
    999 parameters. The other columns get the model's defaults (created now, waiting).
    In-platform messages need no delivery, so no task is queued; the caller chooses the
    recipients (no de-duplication here).
    """
    rows = [
        (recipient_id, NotificationChannel.IN_APP.value, subject[:200], body, url)
        for recipient_id, subject, body, url in messages
    ]
    if not rows:
        return 0
    connection = connections[router.db_for_write(Notification)]
    given = ("recipient", "channel", "subject", "body", "url")
    meta = Notification._meta
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.name not in given]
    fields = [meta.get_field(name) for name in given] + rest
    tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Identifiers come from the model, quoted; every value goes as a parameter.
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [row + tail for row in rows])
    return len(rows)


class LoggingSmsBackend:
    """The SMS gateway interface: ``send(phone, text)``. This backend only logs; a
    deployment points ``SHANZHI_SMS_BACKEND`` at its operator's gateway client."""

    def send(self, phone: str, text: str) -> None:
        import logging

        logging.getLogger("shanzhi.sms").info("SMS to %s: %s", phone, text)


def sms_backend():
    return import_string(settings.SMS_BACKEND)()
