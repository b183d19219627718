"""Every role lands on its own home page ("my work") with what it needs."""

import pytest
from django.urls import reverse

from shanzhi.demo.seed import DEMO_USERNAMES

pytestmark = pytest.mark.django_db

ROLE_OF = {
    "resident": "resident",
    "gridworker": "grid_worker",
    "gridleader": "grid_leader",
    "community": "community_staff",
    "dispatcher": "street_dispatcher",
    "centre": "street_dispatcher",
    "petitions": "street_dispatcher",
    "streetstaff": "street_staff",
    "department": "department_handler",
    "leader": "leader",
    "legal": "legal_adviser",
    "socialorg": "social_org",
    "admin": "admin",
    "auditor": "auditor",
}


def test_every_role_has_a_demo_login():
    assert sorted(ROLE_OF) == sorted(DEMO_USERNAMES)


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_each_demo_login_reaches_its_home(client_as, username):
    page = client_as(username).get(reverse("home")).content.decode()
    assert 'data-testid="my-work"' in page
    assert f'data-role="{ROLE_OF[username]}"' in page


def test_grid_worker_sees_their_grid_map_and_roster(client_as):
    page = client_as("gridworker").get(reverse("home")).content.decode()
    assert "data-map" in page and "mine=1" in page
    assert "990101001001001" in page
    assert "990101001001002" not in page


def test_community_staff_sees_their_grids_and_coverage(client_as):
    response = client_as("community").get(reverse("home"))
    section = response.context["work"]["sections"][0]
    assert len(section["grids"]) == 5
    assert section["uncovered"] == []


def test_auditor_sees_latest_audit_events(client_as):
    response = client_as("auditor").get(reverse("home"))
    section = response.context["work"]["sections"][0]
    assert len(section["events"]) == 10


def test_user_without_role_is_told_so(client, django_user_model):
    user = django_user_model.objects.create_user("norole", password="x-long-password")
    client.force_login(user, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    client.cookies["django_language"] = "en"
    assert "You hold no role yet" in client.get(reverse("home")).content.decode()


def test_street_staff_sees_grid_counts_per_community(client_as):
    from shanzhi.core.roles import Role
    from shanzhi.org.models import Membership

    Membership.objects.filter(region__code="990101001002003", role=Role.GRID_WORKER).delete()
    section = client_as("streetstaff").get(reverse("home")).context["work"]["sections"][0]
    counts = {c.code: (c.grid_count, c.uncovered_count) for c in section["children"]}
    assert counts == {
        "990101001001": (5, 0),
        "990101001002": (5, 1),
        "990101001003": (5, 0),
        "990101001004": (5, 0),
    }
    assert [g.code for g in section["uncovered"]] == ["990101001002003"]


def test_district_leader_sees_counts_per_street_without_loading_every_grid(client_as):
    section = client_as("leader").get(reverse("home")).context["work"]["sections"][0]
    assert section["grid_count"] == 60 and section["uncovered_count"] == 0
    assert {c.code: c.grid_count for c in section["children"]} == {
        "990101001": 20,
        "990101002": 20,
        "990101003": 20,
    }
    assert not section["show_roster"] and section["grids"] == []


def test_street_home_page_lists_grids_without_a_worker_by_name(client_as):
    from shanzhi.core.models import User
    from shanzhi.core.roles import Role
    from shanzhi.org.models import Membership

    gap = Membership.objects.get(region__code="990101001004002", role=Role.GRID_WORKER)
    User.objects.filter(pk=gap.user_id).update(is_active=False)  # left: counts as a gap
    response = client_as("streetstaff").get(reverse("home"))
    section = response.context["work"]["sections"][0]
    assert section["uncovered_count"] == 1
    assert [g.code for g in section["uncovered"]] == ["990101001004002"]
    page = response.content.decode()
    assert 'data-testid="uncovered-grids"' in page and 'data-testid="roster"' not in page
