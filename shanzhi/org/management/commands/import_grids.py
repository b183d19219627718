from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shanzhi.core.models import User
from shanzhi.org.grid_import import MAX_BYTES, GridImportError, do_import_grids
from shanzhi.org.models import Region


class Command(BaseCommand):
    help = "Import grids from a GeoJSON FeatureCollection (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--parent", help="code of the parent unit for features without one")
        parser.add_argument("--actor", required=True, help="username recorded in the audit log")
        parser.add_argument("--note", default="", help="reason recorded in the audit log")

    def handle(self, *args, file: Path, parent, actor, note, **options):
        user = User.objects.filter(username=actor).first()
        if user is None:
            raise CommandError(_("No user named %(name)s.") % {"name": actor})
        parent_region = None
        if parent:
            parent_region = Region.objects.filter(code=parent).first()
            if parent_region is None:
                raise CommandError(_("The parent unit %(code)s does not exist.") % {"code": parent})
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)  # the import refuses anything larger
            saved = do_import_grids(data, actor=user, parent=parent_region, note=note)
        except GridImportError as exc:
            for err in exc.errors:
                for message in err.messages:
                    self.stderr.write(f"#{err.number} {err.label}: {message}")
            raise CommandError(_("Nothing was imported.")) from None
        self.stdout.write(_("Imported %(n)d units.") % {"n": len(saved)})
