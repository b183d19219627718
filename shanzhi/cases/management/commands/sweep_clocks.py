import logging
import time

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils.translation import gettext as _

from shanzhi.cases.supervision import sweep

log = logging.getLogger("shanzhi.sweep")


class Command(BaseCommand):
    help = "Mark overdue clocks and escalate them; --loop keeps sweeping."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="sweep again every --interval s")
        parser.add_argument("--interval", type=float, default=60.0)

    def handle(self, *args, loop, interval, **options):
        while True:
            try:
                result = sweep()
            except (OperationalError, InterfaceError):
                if not loop:
                    raise
                # A busy or restarting database: try again at the next round.
                log.exception("clock sweep failed; retrying in %s s", interval)
            else:
                self.stdout.write(
                    _("Overdue clocks marked: %(marked)d; notifications: %(notified)d.") % result
                )
            if not loop:
                return
            time.sleep(interval)
            close_old_connections()  # between rounds, like a web request would
