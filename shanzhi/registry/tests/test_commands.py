"""Moving a grid in the org tree: the registry's copied paths follow for current rows,
history keeps the path it had."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from shanzhi.org.models import Region
from shanzhi.registry.actions import do_update_person
from shanzhi.registry.models import Person, PersonRecord
from shanzhi.registry.tests.conftest import COMMUNITY_B, GRID_A

pytestmark = pytest.mark.django_db


def test_paths_follow_a_moved_grid_and_history_keeps_its_own(register, persona, region):
    person = register(71)
    do_update_person(
        person,
        {"name": "张三改"},
        actor=persona("community"),
        effective=date.today() - timedelta(1),
    )
    old_path = region(GRID_A).path
    new_path = f"{region(COMMUNITY_B).path}{region(GRID_A).pk}/"
    # What org.actions.do_save_region does to the grid when it moves to community B.
    Region.objects.filter(code=GRID_A).update(path=new_path)
    out = io.StringIO()
    call_command("registry_sync_paths", stdout=out)
    assert "registry.Person: " in out.getvalue()
    assert Person.objects.get(pk=person.pk).path == new_path
    first, current = PersonRecord.objects.filter(person=person).order_by("number")
    assert (first.path, current.path) == (old_path, new_path)
    call_command("registry_sync_paths", stdout=out)
    assert "registry.Person: 0 rows moved" in out.getvalue()
