from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "shanzhi.api"
    label = "api"
    verbose_name = _("Machine interfaces")

    def ready(self):
        from shanzhi.core import audit

        audit.register_actions(
            {
                "api.integration.create": _("Integration created"),
                "api.integration.update": _("Integration changed"),
                "api.integration.rotate": _("New token issued to an integration"),
            }
        )
