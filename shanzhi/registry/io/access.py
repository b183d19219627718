"""Who may import into the registry and see an import.

Importing is changing the registry: only its keepers (``protection.WRITERS``) import, and
every row must lie in their area (checked per row, as the actions check it). An import,
with its problems (which quote names and numbers from the sheet), is seen by the person
who uploaded it only.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from shanzhi.org.access import scope_of
from shanzhi.registry.protection import WRITERS


def require_importer(user) -> None:
    scope = scope_of(user)
    if scope.everything:
        return
    if not any(path and roles & WRITERS for path, roles in scope.roles_at.items()):
        raise PermissionDenied(
            _("Importing into the registry is for the community and street staff who keep it.")
        )


def access_import_job(user, pk):
    from shanzhi.registry.io.models import ImportJob

    job = ImportJob.objects.filter(pk=pk, uploaded_by_id=getattr(user, "pk", None)).first()
    if job is None:
        raise Http404(_("No such import of yours."))
    return job
