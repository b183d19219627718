from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "shanzhi.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from shanzhi.cases import procedures  # noqa: F401  (registers the procedures)
        from shanzhi.cases.procedure import all_procedures
        from shanzhi.core import audit

        labels = {
            "case.create": _("Case registered"),
            "case.supervise": _("Supervision order issued"),
            "case.reveal_requester": _("Requester's full number shown"),
            "case.follow": _("Followed by a resident with the same matter"),
            "case.unfollow": _("No longer followed by a resident"),
            "case.refused": _("Opening refused: implicated with the body reported on"),
        }
        for procedure in all_procedures():
            for transition in procedure.transitions:
                labels.setdefault(f"case.{transition.action}", transition.label)
        audit.register_actions(labels)
