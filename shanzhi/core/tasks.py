"""Background tasks of the core app (run by the django-tasks worker)."""

from django.utils import timezone
from django_tasks import task

from shanzhi.core.audit import verify_chain
from shanzhi.core.models import AuditHead


@task()
def verify_audit_chain() -> dict:
    """Recompute the whole audit chain; a long log takes a while, so it runs in the worker."""
    broken = verify_chain()
    return {
        "intact": broken is None,
        "events": AuditHead.objects.get(pk=1).last_seq,
        "broken_seq": broken.seq if broken else None,
        "reason": broken.reason if broken else "",
        "checked_at": timezone.now().isoformat(),
    }


@task()
def deliver_notifications(ids: list[int]) -> dict:
    """Send queued email and text messages; in-platform ones need no delivery."""
    from django.core.mail import send_mail

    from shanzhi.core.models import Notification, NotificationChannel, NotificationStatus
    from shanzhi.core.notify import sms_backend, sms_text

    sent = failed = 0
    pending = Notification.objects.filter(pk__in=ids, status=NotificationStatus.PENDING)
    for message in pending.select_related("recipient"):
        try:
            if message.channel == NotificationChannel.EMAIL:
                send_mail(message.subject, message.body, None, [message.recipient.email])
            elif message.channel == NotificationChannel.SMS:
                phone = message.phone or message.recipient.phone
                sms_backend().send(phone, sms_text(message))
        except Exception as exc:  # a failed delivery is recorded, not raised
            Notification.objects.filter(pk=message.pk).update(
                status=NotificationStatus.FAILED, error=str(exc)[:300]
            )
            failed += 1
        else:
            Notification.objects.filter(pk=message.pk).update(
                status=NotificationStatus.SENT, sent_at=timezone.now()
            )
            sent += 1
    return {"sent": sent, "failed": failed}
