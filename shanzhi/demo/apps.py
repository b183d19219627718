from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "shanzhi.demo"
    label = "demo"
    verbose_name = _("Demo district (synthetic)")

    def ready(self):
        from shanzhi.core import audit

        audit.register_actions(
            {
                "demo.synthetic_cases": _("Synthetic cases generated"),
                "demo.synthetic_registry": _("Synthetic registry loaded"),
                "demo.synthetic_people": _("Synthetic people generated"),
            }
        )
