import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shanzhi.cases.supervision import sweep


class Command(BaseCommand):
    help = "Mark overdue clocks and escalate them; --loop keeps sweeping."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="sweep again every --interval s")
        parser.add_argument("--interval", type=float, default=60.0)

    def handle(self, *args, loop, interval, **options):
        while True:
            result = sweep()
            self.stdout.write(
                _("Overdue clocks marked: %(marked)d; notifications: %(notified)d.") % result
            )
            if not loop:
                return
            time.sleep(interval)
