from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "shanzhi.org"
    label = "org"
    verbose_name = _("Governance structure")

    def ready(self):
        from shanzhi.core import audit

        audit.register_actions(
            {
                "org.region.create": _("Org unit created"),
                "org.region.update": _("Org unit changed"),
                "org.body.create": _("Body created"),
                "org.body.update": _("Body changed"),
                "org.membership.create": _("Role assigned"),
                "org.membership.update": _("Role changed"),
                "org.layer.create": _("Grid layer created"),
                "org.layer.update": _("Grid layer changed"),
                "org.layer_cell.create": _("Layer cell created"),
                "org.layer_cell.update": _("Layer cell changed"),
                "core.user.create": _("Account created"),
                "core.user.update": _("Account changed"),
                "core.user.set_password": _("Password set"),
                "core.user.grant_staff": _("Admin screens opened to the account"),
                "core.user.revoke_staff": _("Admin screens closed to the account"),
                "demo.synthetic_structure": _("Synthetic structure generated"),
            }
        )
