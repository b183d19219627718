from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "shanzhi.console"
    verbose_name = _("Hotline console")

    def ready(self):
        from shanzhi.console import checks  # noqa: F401  (registers the settings check)
        from shanzhi.core import audit

        audit.register_actions(
            {
                "console.call": _("Handling time of a call recorded"),
                "call.offered": _("Call offered to the hotline"),
                "call.answered": _("Call answered"),
                "call.ended": _("Call ended"),
                "call.abandoned": _("Call abandoned"),
                "call.link": _("Case registered during a call"),
            }
        )
