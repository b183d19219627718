"""Personas and helpers of the legal review tests.

``legal`` is the legal adviser of 东湖街道; ``streetstaff`` works its street office,
which drafts instruments; ``dispatcher`` asks for the review of a case's decision;
``leader`` leads the district. A legal adviser without a qualification record, and
one of another street, are made here where a test needs them.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.core.models import User
from shanzhi.core.roles import Role
from shanzhi.duties.calendar import forget as forget_calendar
from shanzhi.duties.seed import load_catalogue
from shanzhi.legal.models import Reviewer
from shanzhi.org import geoindex
from shanzhi.org.models import Body, BodyKind, Membership, Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
STREET = "990101001"  # 东湖街道
OTHER_STREET = "990101002"  # 西岭街道
DECISION_TEXT = (
    "当事人张某在柳岸社区占道经营，依据《城市市容和环境卫生管理条例》第三十六条，决定罚款200元。"
)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english_and_catalogue(db, settings):
    # Messages are asserted in English, in the test and in the pages it requests.
    settings.LANGUAGE_CODE = "en"
    load_catalogue()
    geoindex.forget()
    forget_calendar()
    with translation.override("en"):
        yield
    geoindex.forget()
    forget_calendar()


@pytest.fixture
def street_office(db):
    return Body.objects.get(region__code=STREET, kind=BodyKind.STREET_OFFICE)


@pytest.fixture
def adviser(persona):
    """The street's legal adviser, with the legal professional qualification."""
    user = persona("legal")
    Reviewer.objects.get_or_create(
        user=user,
        defaults={"certificate_number": "A20191101000001", "qualified_on": date(2019, 3, 1)},
    )
    return user


def _adviser_at(code: str, username: str) -> User:
    user = User.objects.create_user(username=username, password="x-Test-2026-pass")
    Membership.objects.create(
        user=user, role=Role.LEGAL_ADVISER, region=Region.objects.get(code=code)
    )
    return user


@pytest.fixture
def unqualified(db):
    """A legal adviser of 东湖街道 with no qualification record."""
    return _adviser_at(STREET, "legal-unqualified")


@pytest.fixture
def outsider(db):
    """A legal adviser of 西岭街道."""
    return _adviser_at(OTHER_STREET, "legal-other-street")


@pytest.fixture
def enforcement_case(persona):
    """A case of 东湖街道 whose decision needs legal review."""
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title="占道经营",
            description="柳岸社区门口占道经营",
            address="东湖街道柳岸社区",
        ),
        actor=persona("dispatcher"),
    )
