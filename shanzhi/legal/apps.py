"""Legal review (法制审核 / 合法性审查) of administrative acts before they are taken."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "shanzhi.legal"
    label = "legal"
    verbose_name = _("Legal review")

    def ready(self):
        from shanzhi.cases import gates
        from shanzhi.core import audit
        from shanzhi.legal import procedures
        from shanzhi.legal.gate import engine_gate

        gates.register("legal_review", engine_gate)
        labels = {
            "legal.draft": _("Draft saved for legal review"),
            "legal.request": _("Legal review requested"),
            "legal.assign": _("Legal review given to a reviewer"),
            "legal.opinion": _("Legal review opinion given"),
            "legal.instrument": _("Instrument drafted"),
            "legal.consultation": _("Public consultation set"),
            "legal.issue": _("Instrument issued"),
            "legal.qualification": _("Reviewer's qualification recorded"),
        }
        for transition in procedures.PROCEDURE.transitions:
            labels.setdefault(f"case.{transition.action}", transition.label)
        audit.register_actions(labels)
