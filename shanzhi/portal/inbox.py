"""The in-platform notification inbox: each user reads only their own messages."""

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from shanzhi.core.models import Notification, NotificationChannel


def _mine(user):
    return Notification.objects.filter(recipient=user, channel=NotificationChannel.IN_APP)


@require_safe
@login_required
def inbox(request):
    page = Paginator(_mine(request.user).order_by("-created"), 30).get_page(request.GET.get("page"))
    return render(request, "portal/inbox.html", {"page": page})


@require_POST
@login_required
def mark_read(request):
    """Mark one message (``id``) or all messages read; other users' ids match nothing."""
    mine = _mine(request.user).filter(read_at__isnull=True)
    if request.POST.get("id"):
        raw = request.POST["id"]
        mine = mine.filter(pk=int(raw)) if re.fullmatch(r"[0-9]{1,18}", raw) else mine.none()
    mine.update(read_at=timezone.now())
    return redirect("inbox")


def unread_count(request):
    """Context processor: the unread badge in the navigation bar."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"UNREAD_COUNT": _mine(request.user).filter(read_at__isnull=True).count()}
