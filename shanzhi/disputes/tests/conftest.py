"""Fixtures of the disputes tests: the demo district's first grid, community and street,
someone from another street, a mediation committee and a registered dispute."""

from datetime import datetime

import pytest
from django.utils import translation

from shanzhi.core.roles import Role
from shanzhi.disputes.actions.committees import MemberInput, do_save_committee
from shanzhi.disputes.actions.mediation import PartyInput, do_register_dispute
from shanzhi.lib.workdays import SHANGHAI
from shanzhi.org.models import Body, BodyKind, Membership, Region


def at(text: str) -> datetime:
    """A fixed instant in Shanghai: "2025-09-01 10:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def grid(persona) -> Region:
    return Membership.objects.active().get(user=persona("gridworker"), role=Role.GRID_WORKER).region


@pytest.fixture
def community(grid) -> Region:
    return grid.parent


@pytest.fixture
def street(community) -> Region:
    return community.parent


@pytest.fixture
def other_grid(street) -> Region:
    """A grid of another street."""
    return Region.objects.grids().exclude(path__startswith=street.path).order_by("code").first()


@pytest.fixture
def outsider(other_grid):
    """The grid worker of a grid in another street."""
    return (
        Membership.objects.active()
        .filter(region=other_grid, role=Role.GRID_WORKER)
        .select_related("user")
        .first()
        .user
    )


@pytest.fixture
def residents_committee(community) -> Body:
    return Body.objects.get(region=community, kind=BodyKind.RESIDENTS_COMMITTEE)


MEMBERS = [
    MemberInput(name="王主任", role="chair", sex="F"),
    MemberInput(name="李委员", role="member", sex="M"),
    MemberInput(name="张委员", role="member", sex="M"),
    MemberInput(name="赵调解员", role="appointed", sex="F"),
]


@pytest.fixture
def committee(persona, residents_committee):
    return do_save_committee(
        actor=persona("community"),
        body=residents_committee,
        name="柳岸社区人民调解委员会",
        members=MEMBERS,
    )


@pytest.fixture
def register(persona, grid):
    """Register a dispute in the gridworker's grid, by the community staff by default."""

    def make(now=None, actor=None, **extra):
        facts = {
            "grid": grid,
            "title": "楼上漏水纠纷",
            "description": "楼上卫生间漏水，楼下天花板受损，双方就赔偿协商不成。",
            "category": "neighbours",
            "scale": "ordinary",
            "people_involved": 2,
            "parties": [
                PartyInput(name="陈甲", phone="13900000001", address="柳岸小区1栋101"),
                PartyInput(name="刘乙", phone="13900000002", address="柳岸小区1栋201"),
            ],
        }
        facts.update(extra)
        return do_register_dispute(actor=actor or persona("community"), now=now, **facts)

    return make
