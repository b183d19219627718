"""The front page of disputes and early warning: what waits in the user's area."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shanzhi.cases.models import Case
from shanzhi.disputes.access import MEDIATION_READERS, WARNING_READERS, roots
from shanzhi.disputes.models import ChecklistStatus, EarlyWarning, GridChecklist, RiskReport
from shanzhi.disputes.procedure import PROCEDURE
from shanzhi.disputes.views.common import require_staff_reader
from shanzhi.org.access import scope_of


@require_safe
@login_required
def home(request):
    require_staff_reader(request.user)
    user = request.user
    everything = scope_of(user).everything
    final = [s.key for s in PROCEDURE.states if s.final]
    return render(
        request,
        "disputes/home.html",
        {
            "risks": RiskReport.objects.visible_to(user).open().count(),
            "group_risks": RiskReport.objects.visible_to(user)
            .open()
            .filter(group_petition=True)
            .count(),
            "disputes": Case.objects.visible_to(user)
            .filter(procedure=PROCEDURE.key)
            .exclude(state__in=final)
            .distinct()
            .count(),
            "checklists": GridChecklist.objects.filter(
                workers=user, status=ChecklistStatus.PENDING
            ).count(),
            "warnings": EarlyWarning.objects.visible_to(user).open().count(),
            "sees_warnings": everything or bool(roots(user, WARNING_READERS)),
            "sees_committees": everything or bool(roots(user, MEDIATION_READERS)),
        },
    )
