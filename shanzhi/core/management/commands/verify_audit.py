from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shanzhi.core.audit import BREAK_REASONS, verify_chain
from shanzhi.core.models import AuditHead


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log and report the first broken link."

    def handle(self, *args, **options):
        result = verify_chain()
        if result is None:
            head = AuditHead.objects.get(pk=1)
            self.stdout.write(_("Audit log intact: %(n)d events verified.") % {"n": head.last_seq})
            return
        where = _("at event #%(seq)s") % {"seq": result.seq} if result.seq else _("at the end")
        raise CommandError(
            _("Audit log broken %(where)s: %(reason)s.")
            % {"where": where, "reason": _(BREAK_REASONS[result.reason])}
        )
