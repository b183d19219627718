"""Fixtures for the rounds tests: the registry's fixtures (two communities, their staff,
people with synthetic ID numbers), a household and a rented flat in grid A, and a
visit planned for the demo grid worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shanzhi.registry.actions import (
    do_add_household_member,
    do_create_building,
    do_create_dwelling,
    do_create_household,
)
from shanzhi.registry.models import Building, Dwelling, DwellingUse, Relation
from shanzhi.registry.rounds.actions import do_plan_visits
from shanzhi.registry.rounds.models import VisitPurpose

# The registry's fixtures (the people, the communities, their staff) serve here too.
from shanzhi.registry.tests.conftest import *  # noqa: F403
from shanzhi.registry.tests.conftest import GRID_A, _english  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def staff(persona):
    """Community staff of community A (the demo login "community")."""
    return persona("community")


@pytest.fixture
def worker(persona):
    """The grid worker of grid A (the demo login "gridworker")."""
    return persona("gridworker")


@pytest.fixture
def flat(staff, grid):
    building = do_create_building(
        Building(name="5号楼", address="示范路8号5号楼", grid=grid(GRID_A), floors=6),
        actor=staff,
    )
    return do_create_dwelling(
        Dwelling(building=building, unit="1", floor=2, room="201", use=DwellingUse.RENTED),
        actor=staff,
    )


@pytest.fixture
def family(register, staff, flat):
    """A household of two in the flat: 王父 (head) and 王母."""
    head = register(11, name="王父", dwelling=flat)
    spouse = register(12, name="王母", dwelling=flat)
    household = do_create_household(actor=staff, head=head, dwelling=flat, number="H-11")
    do_add_household_member(household, spouse, Relation.SPOUSE, actor=staff)
    return household, head, spouse


@pytest.fixture
def plan(staff, worker, grid):
    """Plan visits in grid A for the grid worker, by default due in three days."""

    def make(*, purpose=VisitPurpose.ROUTINE, due=None, actor=None, **targets):
        return do_plan_visits(
            actor=actor or staff,
            grid=grid(GRID_A),
            purpose=purpose,
            worker=worker,
            due=due or timezone.localdate() + timedelta(days=3),
            **targets,
        )

    return make


@pytest.fixture
def visit(plan, family):
    household, _head, _spouse = family
    return plan(households=[household]).visits.get()
