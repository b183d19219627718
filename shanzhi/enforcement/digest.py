"""The daily digest to the supervisors of delegated enforcement: each leader over a
street with enforcement cases (the street's and the district's) gets, once a day, one
in-platform message listing the anomalies (``supervision.anomalies``) of the cases they
may read, linking to the supervision page. No anomaly, no message.

Once a day: the digest sent to a leader is an audit event (``enforcement.digest``, with
the day); a run finds it and sends nothing more that day. The leader's row is locked
while the check and the sending run, so two hosts running the digest at once send one
message."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from shanzhi.core import audit
from shanzhi.core.models import AuditEvent, NotificationChannel, User
from shanzhi.core.notify import notify
from shanzhi.core.roles import Role
from shanzhi.enforcement import access, supervision
from shanzhi.enforcement import procedures as p
from shanzhi.enforcement.models import EnforcementCase
from shanzhi.org.models import Membership, Region

ACTION = "enforcement.digest"
# At most this many anomalies are listed in the message; the page lists them all.
LISTED = 30

audit.register_actions({ACTION: gettext_lazy("Enforcement digest sent to a supervisor")})


def supervisors() -> list[tuple[User, str]]:
    """Active leaders over a street that has enforcement cases, each with the path of
    their unit (the first, when they lead several)."""
    paths = list(
        Region.objects.filter(
            pk__in=EnforcementCase.objects.values("street_id").distinct()
        ).values_list("path", flat=True)
    )
    found: dict[int, tuple[User, str]] = {}
    memberships = (
        Membership.objects.active()
        .filter(role=Role.LEADER, region__isnull=False, user__is_active=True)
        .select_related("user", "region")
        .order_by("user_id", "region__path")
    )
    for membership in memberships:
        root = membership.region.path
        if root and any(path.startswith(root) for path in paths):
            found.setdefault(membership.user_id, (membership.user, root))
    return list(found.values())


def already_sent(user, day) -> bool:
    return AuditEvent.objects.filter(
        action=ACTION,
        object_type=User._meta.label_lower,
        object_id=str(user.pk),
        after__day=day.isoformat(),
    ).exists()


def message(found, day) -> tuple[str, str]:
    subject = ngettext(
        "Delegated enforcement on %(day)s: %(n)d anomaly to supervise",
        "Delegated enforcement on %(day)s: %(n)d anomalies to supervise",
        len(found),
    ) % {"day": day.isoformat(), "n": len(found)}
    lines = [f"{a.number}: {a.message} ({a.basis})" for a in found[:LISTED]]
    if len(found) > LISTED:
        lines.append(_("… and %(n)d more on the supervision page.") % {"n": len(found) - LISTED})
    return subject, "\n".join(lines)


def send_daily(now=None) -> dict:
    """Send today's digest to every supervisor who has anomalies and has not had it
    yet. Returns ``{"day": …, "sent": n, "skipped": n}`` (skipped: already sent today)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    url = reverse("enforcement:supervision")
    by_case: dict[int, list] = {}
    sent = skipped = 0
    for user, root in supervisors():
        if already_sent(user, day):
            skipped += 1
            continue
        cases = list(supervision.with_records(access.visible_cases(user)).order_by("pk"))
        found = []
        for ecase in cases:
            if ecase.pk not in by_case:
                by_case[ecase.pk] = supervision.anomalies([ecase], now=now)
            found += by_case[ecase.pk]
        if not found:
            continue
        subject, body = message(found, day)
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()
            if already_sent(user, day):
                skipped += 1
                continue
            notify([user], subject, body, url=url, channels=[NotificationChannel.IN_APP])
            audit.record(
                None,
                ACTION,
                user,
                after={
                    "day": day.isoformat(),
                    "anomalies": len(found),
                    "cases": sorted({a.number for a in found}),
                },
                legal_basis=p.ART_47,
                scope_path=root,
            )
        sent += 1
    return {"day": day, "sent": sent, "skipped": skipped}
