"""Supervision (督办): orders to the responsible body, and the sweep that marks overdue
clocks and escalates them to the level above."""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.cases.access import parties_of
from shanzhi.cases.models import Clock, Supervision
from shanzhi.cases.procedure import Party
from shanzhi.cases.routing import body_people
from shanzhi.core import audit
from shanzhi.core.models import Notification, NotificationChannel
from shanzhi.core.roles import Role
from shanzhi.org.models import Membership, Region


@transaction.atomic
def do_supervise(case, *, actor, deadline, note: str) -> Supervision:
    if case.procedure_def.by_state[case.state].final:
        raise ValidationError(_("The case is finished; there is nothing to supervise."))
    if Party.SUPERVISOR not in parties_of(actor, case):
        raise PermissionDenied(
            _("Only a supervisor over this case's area issues supervision orders.")
        )
    if case.responsible_body_id is None:
        raise ValidationError(_("The case has not been dispatched to a body yet."))
    if deadline <= timezone.now():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the instruction.")})
    order = Supervision.objects.create(
        case=case, issued_by=actor, body=case.responsible_body, deadline=deadline, note=note.strip()
    )
    audit.record(
        actor,
        "case.supervise",
        case,
        after={"body": case.responsible_body.name, "deadline": deadline},
        note=note.strip(),
        scope_path=case.scope_path,
    )
    from shanzhi.core.notify import notify

    notify(
        body_people(case.responsible_body),
        _("Supervision order (督办) on %(number)s") % {"number": case.number},
        note.strip(),
        reverse("case_detail", args=[case.number]),
    )
    return order


def _escalation_region(clock, district) -> Region | None:
    """One level above the responsible body's area (community → street → district); the
    district itself for district departments and for cases not yet dispatched."""
    body = clock.case.responsible_body
    region = body.region if body else clock.case.street
    if region is None:
        return district
    return region.parent if region.parent_id else region


def sweep(now=None, batch: int = 2000) -> dict:
    """Mark running clocks past their due instant as overdue, once, and escalate them.

    Safe on several hosts at once: each batch is claimed with a conditional UPDATE and a
    random token, and only the rows carrying this run's token are processed.
    """
    now = now or timezone.now()
    token = secrets.token_hex(8)
    district = Region.objects.active().filter(level="district").order_by("pk").first()
    marked = notified = 0
    leaders_by_region: dict[int, list] = {}
    while True:
        ids = list(
            Clock.objects.overdue(now)
            .filter(overdue_at__isnull=True)
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        with transaction.atomic():
            # Re-check in the claim itself: a clock stopped, paused or extended since the
            # select is not overdue any more.
            Clock.objects.overdue(now).filter(pk__in=ids, overdue_at__isnull=True).update(
                overdue_at=now, claimed_by=token
            )
            claimed = list(
                Clock.objects.filter(pk__in=ids, claimed_by=token, overdue_at=now).select_related(
                    "case__responsible_body__region", "case__street"
                )
            )
            marked += len(claimed)
            if not settings.ESCALATE_OVERDUE:
                continue
            outbox = []
            for clock in claimed:
                region = _escalation_region(clock, district)
                if region is None:
                    continue
                if region.pk not in leaders_by_region:
                    leaders_by_region[region.pk] = [
                        m.user
                        for m in Membership.objects.active()
                        .filter(region=region, role=Role.LEADER)
                        .select_related("user")
                    ]
                clock.escalated_to = region
                for leader in leaders_by_region[region.pk]:
                    outbox.append(
                        Notification(
                            recipient=leader,
                            channel=NotificationChannel.IN_APP,
                            subject=_("Overdue: %(number)s %(title)s")
                            % {"number": clock.case.number, "title": clock.case.title[:60]},
                            body=_("The %(clock)s limit ran out at %(due)s.")
                            % {
                                "clock": clock.label,
                                "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
                            },
                            url=reverse("case_detail", args=[clock.case.number]),
                        )
                    )
            Clock.objects.bulk_update(claimed, ["escalated_to"], batch_size=1000)
            Notification.objects.bulk_create(outbox, batch_size=1000)
            notified += len(outbox)
    return {"marked": marked, "notified": notified}
