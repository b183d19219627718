"""Fixtures of the enforcement tests: the demo enforcement data of 东湖街道, English
messages, fixed dates across National Day 2025 (2025-10-01..08 holidays; 2025-09-28 and
2025-10-11 are make-up working days)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from shanzhi.core.models import User
from shanzhi.core.roles import Role
from shanzhi.duties.calendar import forget as forget_calendar
from shanzhi.enforcement.actions import Clue, do_register_clue, do_take_step
from shanzhi.enforcement.demo import seed_enforcement
from shanzhi.enforcement.models import DelegatedMatter, Officer
from shanzhi.org import geoindex
from shanzhi.org.models import Body, Membership, Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
STREET = "990101001"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english(db, settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path  # uploaded evidence stays out of the project
    geoindex.forget()
    forget_calendar()
    with translation.override("en"):
        yield
    forget_calendar()


@pytest.fixture
def demo(db):
    return seed_enforcement(now=at(2025, 9, 1, 9))


@pytest.fixture
def street(db):
    return Region.objects.get(code=STREET)


@pytest.fixture
def other_street(db):
    return Region.objects.filter(level="street").exclude(code=STREET).first()


@pytest.fixture
def officers(demo):
    """The two officers with valid certificates, and the expired one."""
    return demo["officers"]


@pytest.fixture
def officer_user(officers):
    return officers[0].user


@pytest.fixture
def matter(demo) -> DelegatedMatter:
    return demo["matters"][0]


@pytest.fixture
def big_matter(demo) -> DelegatedMatter:
    return demo["matters"][1]


@pytest.fixture
def outsider(db, other_street):
    """Street staff of another street."""
    user = User.objects.create_user(username="other-street-staff", password="x-Test-2026-pass")
    Membership.objects.create(user=user, role=Role.STREET_STAFF, region=other_street)
    return user


@pytest.fixture
def housing(db):
    user = User.objects.create_user(username="housing-handler", password="x-Test-2026-pass")
    Membership.objects.create(
        user=user, role=Role.DEPARTMENT_HANDLER, body=Body.objects.get(name="区住房和城乡建设局")
    )
    return user


@pytest.fixture
def new_case(persona, street, officer_user):
    """A clue registered and sent to the team at ``now``; ``file=True`` files it too."""

    def make(matter, *, now, file=True, party_kind="individual", name="李测试", **fields):
        ecase = do_register_clue(
            Clue(
                matter=matter,
                street=street,
                title=fields.pop("title", "店外经营"),
                description=fields.pop("description", "人行道上摆放货架"),
                source=fields.pop("source", "patrol"),
                party_kind=party_kind,
                party_name=name,
                party_id=fields.pop("party_id", ""),
                **fields,
            ),
            actor=officer_user,
            now=now,
        )
        do_take_step(ecase, "assign", actor=persona("dispatcher"), now=now)
        if file:
            do_take_step(ecase, "file", actor=officer_user, now=now, filing_standard="违法事实清楚")
        return ecase

    return make


def valid_officers(officers) -> list[Officer]:
    return list(officers[:2])


FINE = Decimal("500")
EVIDENCE_DAY = date(2025, 9, 26)
