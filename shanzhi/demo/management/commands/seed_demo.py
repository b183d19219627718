from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shanzhi.demo import seed


class Command(BaseCommand):
    help = "Load the synthetic demo district once (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--synthetic-grids",
            type=int,
            default=0,
            help="instead of the demo, generate a large synthetic structure with about this "
            "many grids (for benchmarks)",
        )

    def handle(self, *args, synthetic_grids, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                _("The demo district is loaded in demo mode only (set SHANZHI_DEMO=1).")
            )
        if synthetic_grids:
            from shanzhi.demo.large import load_large

            created = load_large(synthetic_grids)
            self.stdout.write(_("Synthetic structure: %(n)d grids.") % {"n": created})
            return
        loaded = seed.is_loaded()
        logins = seed.load_demo()
        if loaded:
            self.stdout.write(_("Demo district already loaded."))
        else:
            self.stdout.write(_("Demo district loaded."))
        self.stdout.write(_("Demo logins (password for all: %(pw)s):") % {"pw": seed.DEMO_PASSWORD})
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role.label} · {login.where}")
