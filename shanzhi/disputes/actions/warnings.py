"""Early warnings for the street, computed once a day from the cases received
(``lib/spikes.py`` does the arithmetic): a grid × category count of the last seven days
above its baseline, and several requesters raising the same matter. Each warning keeps
its evidence and is told to the street's leaders and dispatchers; one of them
acknowledges it with what is being done.

``run_daily`` is safe on several hosts: the day's run is one row, claimed by a
conditional UPDATE; a claim left unfinished for ``STALE`` (its host died) is taken over,
and a warning is unique per (kind, key, day), so a repeated run adds nothing."""

import secrets
from dataclasses import asdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shanzhi.cases.models import Case
from shanzhi.core import audit
from shanzhi.disputes.access import WARNING_ACKNOWLEDGERS, holds_at
from shanzhi.disputes.models import EarlyWarning, WarningKind, WarningRun
from shanzhi.disputes.notices import tell_street
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import spikes
from shanzhi.org.models import Level, Region

STALE = timedelta(hours=1)
# The same matter: how alike two texts must be, and how many people make "several".
SAME_MATTER_THRESHOLD = 0.5
MIN_REQUESTERS = 3
MAX_ITEMS = 5000  # cases of one street's week compared at most (the newest)
TEXT_CHARS = 200
QUIET_DAYS = 7  # a warning is not raised again for the same thing within this time


def spike_rule() -> spikes.SpikeRule:
    """The rule in force: ``settings.SPIKE_RULE`` (weeks, factor, min_count, min_weeks)
    over the defaults of ``lib/spikes.SpikeRule``."""
    return spikes.SpikeRule(**getattr(settings, "SPIKE_RULE", {}))


def _bounds(day: date, days: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return end - timedelta(days=days), end


def grid_category_series(street: Region, day: date, rule: spikes.SpikeRule) -> dict:
    """(grid id, category id) → cases received per day, oldest first, ending with ``day``;
    history starts with the street's first case (before it there is no data at all)."""
    start, end = _bounds(day, rule.days_needed)
    cases = Case.objects.filter(street=street, grid__isnull=False, category__isnull=False)
    first = cases.aggregate(first=Min("created"))["first"]
    if first is None:
        return {}
    first_day = max(timezone.localdate(first), timezone.localdate(start))
    length = (day - first_day).days + 1
    if length <= 0:
        return {}
    rows = (
        cases.filter(created__gte=start, created__lt=end)
        .annotate(day=TruncDate("created"))
        .values_list("grid_id", "category_id", "day")
        .annotate(n=Count("id"))
    )
    series: dict = {}
    for grid_id, category_id, on, n in rows:
        offset = (on - first_day).days
        if 0 <= offset < length:
            series.setdefault((grid_id, category_id), [0] * length)[offset] += n
    return series


def same_matter_items(street: Region, day: date) -> list[spikes.Item]:
    """The street's cases of the seven days ending with ``day``, as items to group.
    Confidential cases and reports about a body stay out: a warning lists its cases."""
    start, end = _bounds(day, spikes.DAYS_PER_WEEK)
    rows = (
        Case.objects.filter(street=street, created__gte=start, created__lt=end)
        .filter(confidential=False, accused_body__isnull=True)
        .order_by("-created", "-pk")
        .values_list(
            "pk",
            "requester_id",
            "requester_phone",
            "anonymous",
            "grid_id",
            "title",
            "description",
            "merged_into_id",
        )[:MAX_ITEMS]
    )
    items = []
    for pk, account, phone, anonymous, grid_id, title, description, merged in rows:
        if anonymous:
            who = None
        elif account:
            who = f"u{account}"
        else:
            who = f"p{phone.strip()}" if phone and phone.strip() else None
        items.append(
            spikes.Item(
                key=pk,
                requester=who,
                place=grid_id or "street",
                text=f"{title} {description[:TEXT_CHARS]}",
                joined=merged,
            )
        )
    return items


def _recently_raised(kind: str, key: str, day: date) -> bool:
    return EarlyWarning.objects.filter(
        kind=kind, key=key, day__gt=day - timedelta(days=QUIET_DAYS), day__lte=day
    ).exists()


def _create(warning: EarlyWarning) -> EarlyWarning | None:
    try:
        with transaction.atomic():
            warning.save()
    except IntegrityError:  # raised for the same day by a run that was taken over
        return None
    return warning


def _tell(warning: EarlyWarning, subject: str) -> None:
    tell_street(warning.street, subject, "", reverse("disputes:warnings") + f"#w{warning.pk}")


def check_street(street: Region, day: date, rule: spikes.SpikeRule) -> list[EarlyWarning]:
    raised = []
    grids = {}
    categories = {}
    for (grid_id, category_id), found in spikes.spikes(
        grid_category_series(street, day, rule), rule
    ):
        key = f"{grid_id}:{category_id}"
        if _recently_raised(WarningKind.SPIKE, key, day):
            continue
        grid = grids.get(grid_id) or Region.objects.defer("geometry").get(pk=grid_id)
        grids[grid_id] = grid
        category = categories.get(category_id) or MatterCategory.objects.get(pk=category_id)
        categories[category_id] = category
        with transaction.atomic():
            warning = _create(
                EarlyWarning(
                    kind=WarningKind.SPIKE,
                    street=street,
                    grid=grid,
                    path=grid.path,
                    category=category,
                    day=day,
                    key=key,
                    count=found.count,
                    baseline=found.baseline,
                    threshold=found.threshold,
                    factor=rule.factor,
                    weekly=list(found.weekly),
                )
            )
            if warning is None:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                _tell(
                    warning,
                    _(
                        "Early warning: %(count)d × %(category)s in %(grid)s in 7 days "
                        "(usually %(baseline).1f)"
                    )
                    % {
                        "count": found.count,
                        "category": category.name,
                        "grid": grid.name,
                        "baseline": found.baseline,
                    },
                )
        raised.append(warning)
    groups = spikes.same_matter(
        same_matter_items(street, day),
        threshold=SAME_MATTER_THRESHOLD,
        min_requesters=MIN_REQUESTERS,
    )
    if groups:
        recent = EarlyWarning.objects.filter(
            street=street,
            kind=WarningKind.SAME_MATTER,
            day__gt=day - timedelta(days=QUIET_DAYS),
            day__lte=day,
        ).values_list("case_numbers", flat=True)
        told = {number for numbers in recent for number in numbers}
        for group in groups:
            numbers = sorted(
                Case.objects.filter(pk__in=group.keys).values_list("number", flat=True)
            )
            if told & set(numbers):
                continue
            grid = (
                None
                if group.place == "street"
                else Region.objects.defer("geometry").get(pk=group.place)
            )
            with transaction.atomic():
                warning = _create(
                    EarlyWarning(
                        kind=WarningKind.SAME_MATTER,
                        street=street,
                        grid=grid,
                        path=grid.path if grid else street.path,
                        day=day,
                        key=f"case:{min(group.keys)}",
                        count=len(group.keys),
                        requesters=group.requesters,
                        case_numbers=numbers,
                    )
                )
                if warning is None:
                    continue
                with translation.override(settings.LANGUAGE_CODE):
                    _tell(
                        warning,
                        _("Early warning: %(people)d people raised the same matter in %(place)s")
                        % {"people": group.requesters, "place": (grid or street).name},
                    )
            told |= set(numbers)
            raised.append(warning)
    return raised


def run_day(day: date, rule: spikes.SpikeRule | None = None) -> int:
    rule = rule or spike_rule()
    count = 0
    for street in Region.objects.active().filter(level=Level.STREET).defer("geometry"):
        count += len(check_street(street, day, rule))
    return count


def run_daily(now=None, day: date | None = None, rule=None) -> dict | None:
    """Compute the warnings of ``day`` (yesterday: the last whole day) unless another
    host has or is doing it. Returns what was done, or None when there was nothing to do."""
    now = now or timezone.now()
    day = day or timezone.localdate(now) - timedelta(days=1)
    run, _created = WarningRun.objects.get_or_create(day=day)
    token = secrets.token_hex(8)
    claimed = (
        WarningRun.objects.filter(pk=run.pk, finished_at__isnull=True)
        .filter(Q(claimed_by="") | Q(claimed_at__lt=now - STALE))
        .update(claimed_by=token, claimed_at=now)
    )
    if not claimed:
        return None
    raised = run_day(day, rule)
    WarningRun.objects.filter(pk=run.pk, claimed_by=token).update(
        finished_at=timezone.now(), warnings=raised
    )
    return {"day": day, "warnings": raised, "rule": asdict(rule or spike_rule())}


def do_acknowledge_warning(warning: EarlyWarning, *, actor, note: str, now=None) -> EarlyWarning:
    now = now or timezone.now()
    if not holds_at(actor, warning.path, WARNING_ACKNOWLEDGERS):
        raise PermissionDenied(_("The street's leaders and dispatchers acknowledge warnings."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what is being done about it.")})
    with transaction.atomic():
        done = EarlyWarning.objects.filter(pk=warning.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=actor, acknowledged_at=now, acknowledgement=note
        )
        if not done:
            raise ValidationError(_("This warning was already acknowledged."))
        warning.refresh_from_db()
        audit.record(
            actor,
            "warning.acknowledge",
            warning,
            after={"kind": warning.kind, "day": warning.day, "count": warning.count},
            note=note,
            scope_path=warning.path,
        )
    return warning
