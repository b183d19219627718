from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "shanzhi.duties"
    label = "duties"
    verbose_name = _("Laws and duty lists")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from shanzhi.core import audit
        from shanzhi.duties import models, routing
        from shanzhi.org.models import Body, Level, Region

        # What routing reads: its per-process copy is renewed after any write to these.
        for model in (
            models.Law,
            models.Article,
            models.MatterCategory,
            models.DutyItem,
            models.DispatchRule,
            models.TimeLimit,
            Body,
        ):
            post_save.connect(routing.catalogue_changed, sender=model, dispatch_uid=f"cat-{model}")
            post_delete.connect(
                routing.catalogue_changed, sender=model, dispatch_uid=f"cat-del-{model}"
            )
        m2m_changed.connect(
            routing.catalogue_changed,
            sender=models.DispatchRule.assisting.through,
            dispatch_uid="cat-assisting",
        )

        def region_changed(instance, **kwargs):
            if instance.level != Level.GRID:  # grids are read from the case, not the copy
                routing.catalogue_changed()

        post_save.connect(region_changed, sender=Region, dispatch_uid="cat-region", weak=False)
        post_delete.connect(
            region_changed, sender=Region, dispatch_uid="cat-region-del", weak=False
        )

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
