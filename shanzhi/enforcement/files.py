"""The files of the full-process record (全过程记录, 《行政处罚法》第四十七条): photos,
audio, video and documents of a case's steps, served only through ``evidence_file``.

Who may open them (《个人信息保护法》第三十四条: a state organ processes personal
information only as its duty requires; DOMAIN §6): evidence shows the party — faces,
documents, voices — and cannot be masked the way a name is. So the files are opened by
those whose duty needs them:

- those who work on the street's cases (the team, the street's staff, officers in scope);
- leaders over the street, who supervise the full-process record (Art. 47) and the
  legality of the decisions.

Other readers of the case (the dispatch centre that sent the clue, the delegating
department that evaluates the delegation with figures) see the list of files but not
their content: "not found", as for a file that does not exist. Each file served is an
audit event."""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from shanzhi.core import audit
from shanzhi.core.roles import Role
from shanzhi.enforcement import access
from shanzhi.enforcement import procedures as p
from shanzhi.enforcement.models import FileKind, StepFile
from shanzhi.org.access import scope_of

PIPL_34 = "《个人信息保护法》第三十四条"
BASIS = f"{p.ART_47}; {PIPL_34}"

# The media type family a file must have to be shown in the page (inline); anything
# else is offered as a download. SVG is never inline: it can carry scripts.
INLINE_FAMILY = {FileKind.PHOTO: "image/", FileKind.AUDIO: "audio/", FileKind.VIDEO: "video/"}
NEVER_INLINE = {"image/svg+xml"}

audit.register_actions({"enforcement.file.read": gettext_lazy("Evidence file opened")})


def may_open_evidence(user, ecase) -> bool:
    """Opens the files of ``ecase``'s record (see the module's note)."""
    if access.works_on(user, ecase.street):
        return True
    return Role.LEADER in scope_of(user).roles_over(ecase.street.path)


def content_type(item: StepFile) -> str:
    guessed, _encoding = mimetypes.guess_type(item.name or item.file.name)
    return guessed or "application/octet-stream"


def disposition(item: StepFile, media_type: str) -> str:
    family = INLINE_FAMILY.get(item.kind)
    if family and media_type.startswith(family) and media_type not in NEVER_INLINE:
        return "inline"
    return "attachment"


def log_read(item: StepFile, *, actor, ecase) -> None:
    with transaction.atomic():
        audit.record(
            actor,
            "enforcement.file.read",
            item,
            after={"case": ecase.case.number, "step": item.step_id, "kind": item.kind},
            legal_basis=BASIS,
            scope_path=ecase.case.scope_path,
        )


@require_safe
@login_required
def evidence_file(request, number, pk):
    ecase = access.access_enforcement_case(request.user, number)
    item = StepFile.objects.filter(pk=pk, step__ecase=ecase).select_related("step").first()
    if item is None or not may_open_evidence(request.user, ecase):
        raise Http404(_("No such file within your reach."))
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No such file within your reach.")) from None
    log_read(item, actor=request.user, ecase=ecase)
    media_type = content_type(item)
    response = FileResponse(handle, content_type=media_type)
    kind = disposition(item, media_type)
    response["Content-Disposition"] = _disposition_header(kind, item.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _disposition_header(kind: str, name: str) -> str:
    from urllib.parse import quote

    return f"{kind}; filename*=UTF-8''{quote(name or 'file')}"
