import logging
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils.translation import gettext as _

from shanzhi.disputes.actions.agreements import remind_confirmations
from shanzhi.disputes.actions.warnings import run_daily

log = logging.getLogger("shanzhi.disputes")


class Command(BaseCommand):
    help = (
        "Compute yesterday's early warnings for every street (once, whichever host runs "
        "it) and remind of judicial-confirmation windows closing soon; --loop keeps at it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run again every --interval s")
        parser.add_argument("--interval", type=float, default=600.0)
        parser.add_argument(
            "--day", help="the last day to count (YYYY-MM-DD); yesterday by default"
        )

    def handle(self, *args, loop, interval, day, **options):
        try:
            chosen = date.fromisoformat(day) if day else None
        except ValueError as exc:
            raise CommandError(_("Give the day as YYYY-MM-DD.")) from exc
        while True:
            try:
                result = run_daily(day=chosen)
                reminded = remind_confirmations()
            except (OperationalError, InterfaceError):
                if not loop:
                    raise
                log.exception("early warnings failed; retrying in %s s", interval)
            else:
                if result is None:
                    self.stdout.write(_("Warnings of that day: already computed."))
                else:
                    self.stdout.write(
                        _("Warnings raised for %(day)s: %(n)d.")
                        % {"day": result["day"], "n": result["warnings"]}
                    )
                self.stdout.write(_("Confirmation reminders sent: %(n)d.") % {"n": reminded})
            if not loop:
                return
            time.sleep(interval)
            close_old_connections()
