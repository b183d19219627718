from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "shanzhi.enforcement"
    label = "enforcement"
    verbose_name = _("Delegated enforcement")

    def ready(self):
        from shanzhi.cases import gates
        from shanzhi.core import audit
        from shanzhi.enforcement import devices, digest, files, procedures  # noqa: F401
        from shanzhi.enforcement.gate import check_legal_review

        # (devices, digest and files register their audit labels when imported.)
        gates.register(procedures.GATE, check_legal_review)
        labels = {
            "enforcement.matter_save": _("Delegated matter saved"),
            "enforcement.evaluate": _("Delegated matter evaluated"),
            "enforcement.officer_save": _("Enforcement officer saved"),
            "enforcement.clue": _("Enforcement clue registered"),
            "enforcement.evidence": _("Evidence recorded"),
            "enforcement.statement": _("Statement and defence recorded"),
            "enforcement.hearing_notice": _("Hearing notified"),
            "enforcement.review_required": _("Legal review required"),
            "enforcement.publish": _("Penalty decision published"),
            "enforcement.annulment": _("Penalty decision annulled or changed"),
            "enforcement.withdraw": _("Publication withdrawn"),
        }
        for transition in procedures.PROCEDURE.transitions:
            action = f"case.{transition.action}"
            if action not in audit.ACTION_LABELS:
                labels.setdefault(action, transition.label)
        audit.register_actions(labels)
