from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "shanzhi.registry"
    label = "registry"
    verbose_name = _("Grid registry")

    def ready(self):
        from shanzhi.core import audit

        audit.register_actions(
            {
                "registry.person.register": _("Person registered"),
                "registry.person.return": _("Person registered again on return"),
                "registry.person.update": _("Person's record changed"),
                "registry.person.move": _("Person moved house"),
                "registry.person.deregister": _("Person no longer lives in the area"),
                "registry.person.set_id_number": _("ID number corrected"),
                "registry.person.anonymise": _("Person's data anonymised"),
                "registry.care_tag.add": _("Care tag set"),
                "registry.care_tag.end": _("Care tag ended"),
                "registry.household.create": _("Household created"),
                "registry.household.add_member": _("Household member added"),
                "registry.household.remove_member": _("Household member left"),
                "registry.household.change_head": _("Head of household changed"),
                "registry.building.create": _("Building registered"),
                "registry.building.update": _("Building changed"),
                "registry.dwelling.create": _("Dwelling registered"),
                "registry.dwelling.update": _("Dwelling changed"),
                "registry.tenancy.start": _("Tenant moved in"),
                "registry.tenancy.end": _("Tenant moved out"),
                "registry.component.create": _("City component registered"),
                "registry.component.update": _("City component changed"),
                "registry.organisation.create": _("Organisation registered"),
                "registry.organisation.update": _("Organisation changed"),
                "registry.reveal": _("Full personal value shown"),
                "registry.export_people": _("Personal data exported"),
                "registry.import.start": _("Spreadsheet uploaded for import"),
                "registry.import.choose": _("Import of a spreadsheet chosen"),
                "registry.import.resume": _("Import of a spreadsheet resumed"),
                "registry.import.discard": _("Spreadsheet import discarded"),
                "registry.import.done": _("Spreadsheet import finished"),
                "registry.import.people": _("People imported from a spreadsheet"),
                "registry.import.households": _("Households imported from a spreadsheet"),
                "registry.import.buildings": _("Buildings imported from a spreadsheet"),
                "registry.import.organisations": _("Organisations imported from a spreadsheet"),
            }
        )
