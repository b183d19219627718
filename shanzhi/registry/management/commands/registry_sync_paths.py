"""Copy each grid's current area path onto the registry rows placed in it.

The registry copies a grid's path onto its rows for scoped queries. A grid that is moved
to another community (``org.actions.do_save_region``) changes its path; run this command
afterwards. Current rows follow the grid; closed history rows keep the path they had, so
that counts of a past day by community stay as they were.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import OuterRef, Subquery

from shanzhi.org.models import Region
from shanzhi.registry.models import (
    Building,
    Component,
    Dwelling,
    Household,
    Organisation,
    Person,
    PersonRecord,
)


class Command(BaseCommand):
    help = "Refresh the area path of registry rows whose grid moved in the org tree."

    @transaction.atomic
    def handle(self, *args, **options):
        grid_path = Subquery(Region.objects.filter(pk=OuterRef("grid_id")).values("path")[:1])
        tables = [
            Person.objects.all(),
            PersonRecord.objects.current(),
            Household.objects.filter(dissolved_on__isnull=True),
            Building.objects.all(),
            Dwelling.objects.all(),
            Component.objects.all(),
            Organisation.objects.all(),
        ]
        for rows in tables:
            stale = rows.exclude(path=grid_path)
            count = stale.update(path=grid_path)
            self.stdout.write(f"{rows.model._meta.label}: {count} rows moved")
