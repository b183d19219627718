from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "shanzhi.petitions"
    label = "petitions"
    verbose_name = _("Petitions (信访)")

    def ready(self):
        from shanzhi.cases.procedure import get
        from shanzhi.core import audit
        from shanzhi.petitions import procedures

        labels = {
            "petition.register": _("Petition registered"),
            "petition.document": _("Petition document issued"),
            "petition.reveal": _("Petitioner's identity or material read"),
            "petition.read_document": _("Petition document read"),
            "petition.read_file": _("Petition material read"),
            "petition.leader": _("Leader in personal charge (包案)"),
            "petition.review_request": _("Review requested"),
            "petition.reclassify": _("Petition class changed"),
            "petition.export": _("Petition statistics exported"),
        }
        # Steps other procedures share keep the label they registered first.
        for key in procedures.KEYS:
            for transition in get(key).transitions:
                action = f"case.{transition.action}"
                if action not in audit.ACTION_LABELS:
                    labels.setdefault(action, transition.label)
        audit.register_actions(labels)
