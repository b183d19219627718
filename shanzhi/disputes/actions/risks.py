"""Reporting and closing risk reports (信访信息预报). A report of a high risk, or of a
possible group petition, is told to the street's leaders and dispatchers at once."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.disputes.access import RISK_CLOSERS, RISK_REPORTERS, holds_at
from shanzhi.disputes.models import RiskLevel, RiskReport, RiskStatus
from shanzhi.disputes.notices import tell_street
from shanzhi.disputes.places import street_of
from shanzhi.org.models import Level

TEXT_MAX = 4000


def check_people(actor, people, people_count: int) -> list:
    """Registry people linked to a report or a party: each must be one the actor may
    read, and no more of them than the people involved."""
    from shanzhi.registry.access import may_read_at

    people = list(people)
    hidden = [p for p in people if not may_read_at(actor, p.path)]
    if hidden:
        raise ValidationError({"people": _("Some of these people are outside your area.")})
    if people_count is not None and len(people) > people_count:
        raise ValidationError(
            {"people": _("More people are linked than the %(n)d involved.") % {"n": people_count}}
        )
    return people


def do_report_risk(
    *,
    actor,
    grid,
    level: str,
    category: str,
    title: str,
    description: str,
    people_count: int,
    group_petition: bool = False,
    expected_on=None,
    people=(),
    now=None,
) -> RiskReport:
    now = now or timezone.now()
    if grid is None or grid.level != Level.GRID or not grid.is_active:
        raise ValidationError({"grid": _("Choose an active grid.")})
    if not holds_at(actor, grid.path, RISK_REPORTERS):
        raise PermissionDenied(
            _("Only the grid's workers and community or street staff report risks here.")
        )
    errors = {}
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        errors["title"] = _("Give the risk a short title.")
    if not description:
        errors["description"] = _("Describe the matter and what may follow.")
    elif len(description) > TEXT_MAX:
        errors["description"] = _("At most %(n)d characters.") % {"n": TEXT_MAX}
    if level not in RiskLevel.values:
        errors["level"] = _("Choose a risk level.")
    if people_count is None or people_count < 1:
        errors["people_count"] = _("At least one person is involved.")
    if expected_on is not None and expected_on < timezone.localdate(now):
        errors["expected_on"] = _("The expected date has already passed.")
    if errors:
        raise ValidationError(errors)
    people = check_people(actor, people, people_count)
    report = RiskReport(
        grid=grid,
        path=grid.path,
        street=street_of(grid),
        level=level,
        category=category,
        title=title[:120],
        description=description,
        people_count=people_count,
        group_petition=group_petition,
        expected_on=expected_on if group_petition else None,
        reported_by=actor,
        reported_at=now,
    )
    report.full_clean(exclude=["grid", "street", "reported_by"])
    with transaction.atomic():
        report.save()
        report.people.set(people)
        audit.record(
            actor,
            "risk.report",
            report,
            after={
                "grid": grid.code,
                "level": level,
                "category": category,
                "people_count": people_count,
                "group_petition": group_petition,
                "registry_people": len(people),
            },
            scope_path=report.path,
        )
        if level == RiskLevel.HIGH or group_petition:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Risk reported in %(grid)s: %(title)s") % {
                    "grid": grid.name,
                    "title": report.title,
                }
                if group_petition:
                    subject = _("Possible group petition — %(subject)s") % {"subject": subject}
                tell_street(
                    report.street,
                    subject,
                    report.get_level_display(),
                    reverse("disputes:risk", args=[report.pk]),
                )
    return report


def do_close_risk_report(report: RiskReport, *, actor, note: str, now=None) -> RiskReport:
    now = now or timezone.now()
    if not holds_at(actor, report.path, RISK_CLOSERS):
        raise PermissionDenied(_("Community and street staff close risk reports."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the risk is closed.")})
    with transaction.atomic():
        closed = RiskReport.objects.filter(pk=report.pk, status=RiskStatus.OPEN).update(
            status=RiskStatus.CLOSED, closed_by=actor, closed_at=now, closing_note=note
        )
        if not closed:
            raise ValidationError(_("This risk report is already closed."))
        report.refresh_from_db()
        audit.record(
            actor,
            "risk.close",
            report,
            before={"status": RiskStatus.OPEN},
            after={"status": RiskStatus.CLOSED},
            note=note,
            scope_path=report.path,
        )
    return report
