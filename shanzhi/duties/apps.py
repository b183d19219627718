from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "shanzhi.duties"
    label = "duties"
    verbose_name = _("Laws and duty lists")

    def ready(self):
        from shanzhi.core import audit

        audit.register_actions(
            {
                "duties.law.create": _("Law or regulation added"),
                "duties.law.update": _("Law or regulation changed"),
                "duties.article.create": _("Article added"),
                "duties.article.update": _("Article changed"),
                "duties.category.create": _("Matter category added"),
                "duties.category.update": _("Matter category changed"),
                "duties.duty_item.create": _("Duty-list item added"),
                "duties.duty_item.update": _("Duty-list item changed"),
                "duties.dispatch_rule.create": _("Dispatch rule added"),
                "duties.dispatch_rule.update": _("Dispatch rule changed"),
                "duties.time_limit.create": _("Time limit added"),
                "duties.time_limit.update": _("Time limit changed"),
                "duties.calendar_override.create": _("Calendar day added"),
                "duties.calendar_override.update": _("Calendar day changed"),
            }
        )
