"""The figures of a summary on a small registry: today, on a past day, and as known at an
instant (reproducible after back-dated changes)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shanzhi.registry.actions import DeregistrationReason, do_deregister_person, do_move_person
from shanzhi.registry.summary.queries import area_summary
from shanzhi.registry.summary.stats import band_of
from shanzhi.registry.tests.conftest import COMMUNITY_A, GRID_A, GRID_A2, GRID_B, PAST
from shanzhi.registry.tests.summary_world import BORN, age_today, build_world

pytestmark = pytest.mark.django_db
ALL_KINDS = {"elderly_alone", "left_behind", "disabled", "low_income"}


@pytest.fixture
def world(register, persona, grid):
    return build_world(register, persona, grid)


def figures(summary) -> dict:
    return {
        "people": summary.people,
        "registration": {key: n for key, _label, n in summary.by_registration},
        "at_address": (summary.at_registered_address, summary.registered),
        "households": summary.households,
        "care_tags": {key: n for key, _label, n in summary.care_tags or []},
        "tenants": summary.tenants,
    }


def test_the_figures_of_a_community_today(world, grid):
    today = timezone.localdate()
    summary = area_summary(grid(COMMUNITY_A), day=today, care_kinds=ALL_KINDS)
    assert figures(summary) == {
        "people": 5,
        "registration": {"registered": 3, "floating": 1, "foreign": 1},
        "at_address": (2, 3),
        "households": 2,
        "care_tags": {"elderly_alone": 1, "left_behind": 0, "disabled": 1, "low_income": 1},
        "tenants": 1,
    }
    assert summary.at_registered_address_share == 66.7
    assert (summary.buildings, summary.dwellings, summary.rentals) == (1, 2, 1)
    assert (summary.rentals_with_hazards, summary.rentals_occupied) == (1, 1)
    assert {key: n for key, _l, n in summary.organisations}["enterprise"] == 1
    assert {key: n for key, _l, n in summary.organisations}["social_org"] == 0  # in B
    # The pyramid: each person in the band of their age today, by sex.
    assert sum(band.total for band in summary.bands) == 5 and summary.age_unknown == 0
    for key, sex in (("a", "male"), ("b", "female"), ("c", "male"), ("d", "female")):
        band = summary.bands[band_of(age_today(BORN[key][1], today))]
        assert getattr(band, sex) >= 1, key
    foreigner = summary.bands[band_of(age_today(world.people["e"].birth_date, today))]
    assert foreigner.female >= 1
    # By grid: A holds a, c, d and both households; A2 holds b and the foreign national.
    parts = {part.region.code: part for part in summary.parts}
    assert (parts[GRID_A].people, parts[GRID_A].floating, parts[GRID_A].households) == (3, 1, 2)
    assert (parts[GRID_A2].people, parts[GRID_A2].foreign) == (2, 1)


def test_a_grid_and_the_care_tags_counted(world, grid):
    today = timezone.localdate()
    summary = area_summary(grid(GRID_A2), day=today, care_kinds={"elderly_alone"})
    assert summary.people == 2 and summary.parts == []
    assert figures(summary)["care_tags"] == {"elderly_alone": 0}
    assert area_summary(grid(GRID_A), day=today).care_tags is None  # no kinds: no section


def test_a_past_day_after_later_changes_and_as_known_then(world, grid, persona):
    community = grid(COMMUNITY_A)
    day = PAST + timedelta(days=10)
    known = timezone.now()
    before = figures(area_summary(community, day=day, known_at=known, care_kinds=ALL_KINDS))
    assert before["people"] == 5 and before["care_tags"]["elderly_alone"] == 1

    people = world.people
    # Later changes: a moves to community B three days ago; c left after the day ...
    do_move_person(
        people["a"],
        actor=persona("streetstaff"),
        grid=grid(GRID_B),
        current_address="测试路9号",
        effective=timezone.localdate() - timedelta(days=3),
    )
    do_deregister_person(
        people["c"],
        actor=persona("community"),
        reason=DeregistrationReason.MOVED_AWAY,
        effective=PAST + timedelta(days=20),
    )
    # ... and a back-dated correction: d had left before the day.
    do_deregister_person(
        people["d"],
        actor=persona("community"),
        reason=DeregistrationReason.DECEASED,
        effective=PAST + timedelta(days=5),
    )

    # As known at the instant of the first count: the same figures.
    again = figures(area_summary(community, day=day, known_at=known, care_kinds=ALL_KINDS))
    assert again == before
    # As known now: d no longer counts on that day (nor her care tags); a and c still do.
    now = figures(area_summary(community, day=day, care_kinds=ALL_KINDS))
    assert now["people"] == 4 and now["care_tags"]["elderly_alone"] == 0
    assert now["registration"] == {"registered": 2, "floating": 1, "foreign": 1}
    # Today: a lives in B, c and d are gone.
    today = area_summary(community, day=timezone.localdate(), care_kinds=ALL_KINDS)
    assert today.people == 2 and today.tenants == 0
    in_b = area_summary(grid(GRID_B), day=timezone.localdate())
    assert in_b.people == 2  # f, and a since the move


def test_in_place_rows_count_from_when_they_were_registered(world, grid):
    summary = area_summary(grid(COMMUNITY_A), day=PAST + timedelta(days=10))
    # People are effective-dated from PAST; the building was registered today.
    assert summary.people == 5
    assert (summary.buildings, summary.dwellings, summary.tenants) == (0, 0, 1)
