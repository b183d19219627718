"""Supervision (督办): orders to the responsible body, tracked until the body answers
them, and the sweep that marks overdue clocks and escalates them to the level above."""

import re
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.cases.access import (
    acting_body_ids,
    implicated_body_ids,
    is_implicated,
    not_implicated,
    parties_of,
)
from shanzhi.cases.models import Clock, Supervision
from shanzhi.cases.procedure import Party, get
from shanzhi.cases.routing import body_people
from shanzhi.core import audit
from shanzhi.core.models import User
from shanzhi.core.notify import notify_in_app
from shanzhi.core.roles import Role
from shanzhi.org.access import scope_of
from shanzhi.org.models import Body, Membership, Region

audit.register_actions({"case.answer_supervision": gettext_lazy("Supervision order answered")})


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
        not_implicated(case, body_people(case.responsible_body)),
        _("Supervision order (督办) on %(number)s") % {"number": case.number},
        note.strip(),
        reverse("case_detail", args=[case.number]),
    )
    return order


@transaction.atomic
def do_answer_supervision(order, *, actor, note: str, now=None) -> Supervision:
    """The body a supervision order is addressed to answers it, once."""
    now = now or timezone.now()
    if order.answered_at is not None:
        raise ValidationError(_("This supervision order has already been answered."))
    if not may_answer(actor, order):
        raise PermissionDenied(_("Only the body the order is addressed to answers it."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write the answer.")})
    answered = Supervision.objects.filter(pk=order.pk, answered_at__isnull=True).update(
        answer=note, answered_at=now, answered_by=actor
    )
    if not answered:
        raise ValidationError(_("This supervision order has already been answered."))
    order.refresh_from_db()
    case = order.case
    audit.record(
        actor,
        "case.answer_supervision",
        case,
        before={"deadline": order.deadline},
        after={"body": order.body.name, "on_time": not order.answered_late},
        note=note,
        scope_path=case.scope_path,
    )
    from shanzhi.core.notify import notify

    with translation.override(settings.LANGUAGE_CODE):
        notify(
            [order.issued_by],
            _("Supervision order on %(number)s answered by %(body)s")
            % {"number": case.number, "body": order.body.name},
            note,
            reverse("case_detail", args=[case.number]),
        )
    return order


def may_answer(user, order) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return scope_of(user).everything or order.body_id in acting_body_ids(user)


def open_orders(user, now=None):
    """Unanswered supervision orders ``user`` issued, and those addressed to a body they
    act for, overdue first, then by deadline."""
    now = now or timezone.now()
    related = ("case", "body", "issued_by")
    issued = Supervision.objects.open().filter(issued_by=user).select_related(*related)
    bodies = acting_body_ids(user)
    to_answer = Supervision.objects.open().filter(body__in=bodies).select_related(*related)
    return (
        list(issued.order_by("deadline", "pk")[:500]),
        list(to_answer.order_by("deadline", "pk")[:500]),
    )


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


# Keys read at a time: a backlog of a million overdue clocks is swept in rounds.
_ROUND = 100_000


def sweep(now=None, batch: int = 2000) -> dict:
    """Mark running clocks past their due instant as overdue, once, and escalate them.

    Safe on several hosts at once: each batch is read and claimed in one transaction
    (SQLite's write lock, taken when the transaction begins, keeps other sweepers out;
    PostgreSQL locks the rows read and other sweepers skip them), and the claim is a
    conditional UPDATE carrying a random token, so no clock is marked or escalated twice.
    """
    now = now or timezone.now()
    token = secrets.token_hex(8)
    district = Region.objects.active().filter(level="district").order_by("pk").first()
    district_id = district.pk if district else None
    marked = notified = 0
    # Leaders by region, and by (region, body reported on) without those implicated.
    leaders: dict = {}
    parents: dict[int, int | None] = {}
    notice = _OverdueNotice()
    while True:
        # The work left, as keys read from the index of running clocks alone, then done in
        # key order: each batch changes a run of neighbouring rows, so a table page is
        # written once rather than once for every batch that has a clock on it.
        todo = sorted(
            Clock.objects.overdue(now)
            .filter(overdue_at__isnull=True)
            .order_by("due_at")
            .values_list("pk", flat=True)[:_ROUND]
        )
        for start in range(0, len(todo), batch):
            marked_now, notified_now = _sweep_batch(
                todo[start : start + batch], now, token, district_id, notice, parents, leaders
            )
            marked += marked_now
            notified += notified_now
        if len(todo) < _ROUND:
            return {"marked": marked, "notified": notified}


def _sweep_batch(pks, now, token, district_id, notice, parents, leaders_by_region):
    """Claim, escalate and announce the clocks of ``pks`` still to be marked: one
    transaction, which holds the rows it reads until it ends (SQLite: the write lock,
    taken when the transaction begins; PostgreSQL: the rows, locked in key order, and
    rows another sweeper holds are skipped: it marks them)."""
    with transaction.atomic():
        rows = list(
            Clock.objects.overdue(now)
            .filter(pk__in=pks, overdue_at__isnull=True)
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list(
                "pk",
                "name",
                "due_at",
                "case__number",
                "case__title",
                "case__procedure",
                "case__responsible_body__region_id",
                "case__street_id",
                "case__accused_body_id",
            )
        )
        escalate = settings.ESCALATE_OVERDUE
        by_region: dict[int | None, list] = {}
        for row in rows:
            region_id = (
                _escalation_region_id(row[6] or row[7], district_id, parents) if escalate else None
            )
            by_region.setdefault(region_id, []).append(row)
        marked, outbox = 0, []
        for region_id, group in by_region.items():
            claimed = _claim(group, now, token, region_id)
            marked += len(claimed)
            if region_id is None:
                continue
            if region_id not in leaders_by_region:
                leaders_by_region[region_id] = _leader_ids(region_id)
            leaders = leaders_by_region[region_id]
            for _pk, name, due_at, number, title, procedure, _body, _street, accused in claimed:
                told = leaders
                if accused is not None:  # a report about a body: not to those implicated
                    key = (region_id, accused)
                    if key not in leaders_by_region:
                        leaders_by_region[key] = _not_implicated_ids(leaders, accused)
                    told = leaders_by_region[key]
                subject, body, url = notice.texts(number, title, procedure, name, due_at)
                outbox.extend((leader, subject, body, url) for leader in told)
        return marked, notify_in_app(outbox)


def _claim(rows: list, now, token: str, region_id: int | None) -> list:
    """Mark the clocks of ``rows`` overdue as of ``now`` (and escalated to ``region_id``)
    with one conditional UPDATE; returns the rows this run marked. The rows are held
    since they were read as overdue; the condition that they are still unmarked is the
    claim's own guard. By key alone: PostgreSQL then finds them by the primary key, not
    by walking the running clocks' index."""
    pks = [row[0] for row in rows]
    changes = {"overdue_at": now, "claimed_by": token}
    if region_id is not None:
        changes["escalated_to_id"] = region_id
    count = Clock.objects.filter(pk__in=pks, overdue_at__isnull=True).update(**changes)
    if count == len(rows):
        return rows
    mine = set(
        Clock.objects.filter(pk__in=pks, claimed_by=token, overdue_at=now).values_list(
            "pk", flat=True
        )
    )
    return [row for row in rows if row[0] in mine]


def _not_implicated_ids(user_ids: list[int], accused_id: int) -> list[int]:
    """Of ``user_ids``, those not implicated with the body ``accused_id`` a report is
    about (``access.is_implicated``): the report is kept from the others."""
    accused = Body.objects.get(pk=accused_id)
    implicated = implicated_body_ids(accused)
    users = User.objects.filter(pk__in=user_ids).in_bulk()
    return [
        pk for pk in user_ids if pk in users and not is_implicated(users[pk], accused, implicated)
    ]


def _leader_ids(region_id: int) -> list[int]:
    """The leaders of a region, each once (a person may hold the role twice there)."""
    return list(
        dict.fromkeys(
            Membership.objects.active()
            .filter(region_id=region_id, role=Role.LEADER)
            .order_by("pk")
            .values_list("user_id", flat=True)
        )
    )


# What ``reverse`` leaves as it is in a path segment: such case numbers (all that the
# engine issues) go into the link by concatenation, anything else through ``reverse``.
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


class _OverdueNotice:
    """The escalation notice of one overdue clock, in the site's language. A sweep writes
    one per clock and leader, so the fixed parts are worked out once per run: the two
    translated templates, each clock's label, the case link around the case number, and
    the local time zone of the due instant."""

    def __init__(self):
        marker = "0case0number0"
        with translation.override(settings.LANGUAGE_CODE):
            self.subject = _("Overdue: %(number)s %(title)s")
            self.body = _("The %(clock)s limit ran out at %(due)s.")
            self.link = reverse("case_detail", args=[marker]).partition(marker)[::2]
        self.zone = timezone.get_default_timezone()
        self.labels: dict[tuple[str, str], str] = {}

    def label(self, procedure: str, name: str) -> str:
        key = (procedure, name)
        if key not in self.labels:
            spec = get(procedure).by_clock.get(name)
            with translation.override(settings.LANGUAGE_CODE):
                self.labels[key] = str(spec.label) if spec else name
        return self.labels[key]

    def url(self, number: str) -> str:
        if _PLAIN_SEGMENT.fullmatch(number):
            return f"{self.link[0]}{number}{self.link[1]}"
        with translation.override(settings.LANGUAGE_CODE):
            return reverse("case_detail", args=[number])

    def texts(self, number, title, procedure, name, due_at) -> tuple[str, str, str]:
        """(subject, body, url) of the notice."""
        subject = self.subject % {"number": number, "title": title[:60]}
        due = due_at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")
        body = self.body % {"clock": self.label(procedure, name), "due": due}
        return subject, body, self.url(number)
