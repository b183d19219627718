import logging
import time

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.enforcement.digest import send_daily

log = logging.getLogger("shanzhi.enforcement")


class Command(BaseCommand):
    help = (
        "Send each supervisor of delegated enforcement one message a day listing the "
        "anomalies of the cases they supervise; --loop keeps at it (once a day, from "
        "--hour local time)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run again every --interval s")
        parser.add_argument("--interval", type=float, default=600.0)
        parser.add_argument(
            "--hour",
            type=int,
            default=8,
            help="with --loop: the local hour from which the day's digest is sent",
        )

    def handle(self, *args, loop, interval, hour, **options):
        while True:
            if not loop or timezone.localtime().hour >= hour:
                try:
                    result = send_daily()
                except (OperationalError, InterfaceError):
                    if not loop:
                        raise
                    log.exception("enforcement digest failed; retrying in %s s", interval)
                else:
                    self.stdout.write(
                        _("Enforcement digests of %(day)s sent: %(n)d.")
                        % {"day": result["day"], "n": result["sent"]}
                    )
            if not loop:
                return
            time.sleep(interval)
            close_old_connections()
