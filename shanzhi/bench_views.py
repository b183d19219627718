"""Endpoints that exist only for the benchmarks in ``bench/``: mounted when
``settings.BENCH_ENDPOINTS`` (SHANZHI_BENCH=1), never in a normal deployment."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from shanzhi.core.models import Notification, NotificationChannel, NotificationStatus


@require_POST
@login_required
def bare_insert(request):
    """The baseline of ``bench/intake.py``: the same middleware, session, CSRF check and
    sign-in as the real intake form, then one row written and nothing else."""
    Notification.objects.create(
        recipient=request.user,
        channel=NotificationChannel.IN_APP,
        subject="bench: bare insert",
        status=NotificationStatus.SENT,
    )
    return HttpResponse(status=201)
