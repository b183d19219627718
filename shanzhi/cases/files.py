"""Attachments are personal data: served only to those who may see the case."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from shanzhi.cases.access import access_case, only_follows


@require_safe
@login_required
def attachment(request, number, pk):
    case = access_case(request.user, number)
    item = case.attachments.filter(pk=pk).first()
    if item is None or only_follows(request.user, case):
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = (
        "inline" if item.content_type.startswith("image/") else "attachment"
    )
    response["Cache-Control"] = "private, no-store"
    return response
