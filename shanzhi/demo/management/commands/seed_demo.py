import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shanzhi.demo import governance, registry_data, seed
from shanzhi.duties.seed import load_catalogue
from shanzhi.enforcement.demo import seed_enforcement
from shanzhi.legal.demo import seed_legal


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
        parser.add_argument(
            "--cases",
            type=int,
            default=0,
            help="also add this many synthetic cases to the demo district (bulk inserts, "
            "for load tests); each run adds more",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            dest="random_seed",
            help="random seed of the synthetic cases and people",
        )
        parser.add_argument(
            "--registry",
            action="store_true",
            help="also load the demo registry into a district loaded before it existed",
        )
        parser.add_argument(
            "--people",
            type=int,
            default=0,
            help="also add this many synthetic people to the registry (for load tests)",
        )

    def handle(self, *args, synthetic_grids, cases, random_seed, registry, people, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                _("The demo district is loaded in demo mode only (set SHANZHI_DEMO=1).")
            )
        if cases < 0:
            raise CommandError(_("--cases must be a positive number."))
        if people < 0:
            raise CommandError(_("--people must be a positive number."))
        if synthetic_grids:
            from shanzhi.demo.large import load_large

            created = load_large(synthetic_grids)
            self.stdout.write(_("Synthetic structure: %(n)d grids.") % {"n": created})
            return
        loaded = seed.is_loaded()
        logins = seed.load_demo()
        load_catalogue()
        if loaded:
            self.stdout.write(_("Demo district already loaded."))
        else:
            self.stdout.write(_("Demo district loaded."))
        self.stdout.write(_("Demo logins (password for all: %(pw)s):") % {"pw": seed.DEMO_PASSWORD})
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role.label} · {login.where}")
        if not loaded or registry or people:
            registry_data.command_hook(self, people=people, seed=random_seed)
        made = governance.load_governance()
        seed_legal()  # the legal adviser's qualification and a document under review
        seed_enforcement()  # delegated matters, certified officers, a camera, a case
        if made:
            self.stdout.write(
                _(
                    "Synthetic petitions (%(petitions)d), disputes (%(disputes)d) and risk "
                    "reports (%(risks)d) loaded."
                )
                % {
                    "petitions": made.get("petitions", 0),
                    "disputes": made.get("disputes", 0),
                    "risks": made.get("risk_reports", 0),
                }
            )
        if cases:
            self._add_cases(cases, random_seed)

    def _add_cases(self, n: int, random_seed: int) -> None:
        from shanzhi.demo.cases import generate_cases

        began = time.monotonic()
        step = max(n // 10, 1)
        shown = [0]

        def progress(done: int, total: int) -> None:
            if done - shown[0] >= step or done == total:
                shown[0] = done
                self.stderr.write(f"  {done:,} / {total:,}  ({time.monotonic() - began:.0f} s)")

        result = generate_cases(n, seed=random_seed, progress=progress)
        self.stdout.write(
            _("Synthetic cases added: %(cases)s (with %(clocks)s clocks) in %(seconds).1f s.")
            % {
                "cases": f"{result['cases']:,}",
                "clocks": f"{result['clocks']:,}",
                "seconds": result["seconds"],
            }
        )
