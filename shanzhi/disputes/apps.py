from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "shanzhi.disputes"
    label = "disputes"
    verbose_name = _("Disputes and early warning")

    def ready(self):
        from shanzhi.core import audit
        from shanzhi.disputes import procedure

        labels = {f"case.{t.action}": t.label for t in procedure.PROCEDURE.transitions}
        labels.update(procedure.EVENT_LABELS)
        audit.register_actions(labels)
