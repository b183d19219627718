"""Supervision (督办): orders to the responsible body, and the sweep that marks overdue
clocks and escalates them to the level above."""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shanzhi.cases.access import parties_of
from shanzhi.cases.models import Clock, Supervision
from shanzhi.cases.procedure import Party, get
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


def _escalation_region_id(region_id, district_id, parents) -> int | None:
    """One level above the responsible body's area (community → street → district); the
    district itself for district departments and for cases not yet dispatched."""
    if region_id is None:
        return district_id
    if region_id not in parents:
        parents[region_id] = (
            Region.objects.filter(pk=region_id).values_list("parent_id", flat=True).first()
        )
    return parents[region_id] or region_id


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
    parents: dict[int, int | None] = {}
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
                Clock.objects.filter(pk__in=ids, claimed_by=token, overdue_at=now).values(
                    "pk",
                    "name",
                    "due_at",
                    "case__number",
                    "case__title",
                    "case__procedure",
                    "case__responsible_body__region_id",
                    "case__street_id",
                )
            )
            marked += len(claimed)
            if not settings.ESCALATE_OVERDUE:
                continue
            outbox, by_region = [], {}
            with translation.override(settings.LANGUAGE_CODE):
                for row in claimed:
                    region_id = _escalation_region_id(
                        row["case__responsible_body__region_id"] or row["case__street_id"],
                        district.pk if district else None,
                        parents,
                    )
                    if region_id is None:
                        continue
                    by_region.setdefault(region_id, []).append(row["pk"])
                    if region_id not in leaders_by_region:
                        leaders_by_region[region_id] = [
                            m.user
                            for m in Membership.objects.active()
                            .filter(region_id=region_id, role=Role.LEADER)
                            .select_related("user")
                        ]
                    spec = get(row["case__procedure"]).by_clock.get(row["name"])
                    subject = _("Overdue: %(number)s %(title)s") % {
                        "number": row["case__number"],
                        "title": row["case__title"][:60],
                    }
                    body = _("The %(clock)s limit ran out at %(due)s.") % {
                        "clock": spec.label if spec else row["name"],
                        "due": timezone.localtime(row["due_at"]).strftime("%Y-%m-%d %H:%M"),
                    }
                    url = reverse("case_detail", args=[row["case__number"]])
                    outbox.extend(
                        Notification(
                            recipient=leader,
                            channel=NotificationChannel.IN_APP,
                            subject=subject,
                            body=body,
                            url=url,
                        )
                        for leader in leaders_by_region[region_id]
                    )
            for region_id, pks in by_region.items():
                Clock.objects.filter(pk__in=pks).update(escalated_to_id=region_id)
            Notification.objects.bulk_create(outbox, batch_size=1000)
            notified += len(outbox)
    return {"marked": marked, "notified": notified}
