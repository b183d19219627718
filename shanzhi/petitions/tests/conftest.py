"""Personas and helpers of the petition tests.

The petition office is the dispatch centre: ``dispatcher`` (东湖街道) and ``centre``
(the district). ``department`` handles for 区城市管理局; ``leader`` leads the district.
A handler of 区住房和城乡建设局 (``housing``) and a district dispatcher who is not a
member of the command centre are made here where a test needs them.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from shanzhi.core.models import User
from shanzhi.core.roles import Role
from shanzhi.duties.calendar import forget as forget_calendar
from shanzhi.duties.seed import load_catalogue
from shanzhi.org import geoindex
from shanzhi.org.models import Body, Membership, Region
from shanzhi.petitions.actions import Registration, do_register_petition
from shanzhi.petitions.identity import Petitioner

SHANGHAI = ZoneInfo("Asia/Shanghai")
STREET = "990101001"  # 东湖街道
COMMUNITY = "990101001001"  # 柳岸社区
ID_A = "110101199003070011"  # valid check characters, synthetic
ID_B = "110101198001010010"


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
def housing(db):
    """A handler of 区住房和城乡建设局."""
    user = User.objects.create_user(username="housing-handler", password="x-Test-2026-pass")
    body = Body.objects.get(name="区住房和城乡建设局")
    Membership.objects.create(user=user, role=Role.DEPARTMENT_HANDLER, body=body)
    return user


@pytest.fixture
def register(persona):
    """Register a petition; keyword arguments change the defaults."""

    def make(actor="dispatcher", *, now=None, petitioner=None, **fields):
        values = {
            "petition_class": "claim",
            "channel": "phone",
            "subject": "小区供暖温度不达标",
            "request": "请求督促供热公司按标准供暖",
            "facts": "入冬以来室内温度长期低于16度，多次联系供热公司未果。",
            "place": Region.objects.get(code=COMMUNITY),
        }
        values.update(fields)
        petitioner = petitioner or Petitioner(
            name="王测试", id_number=ID_A, phone="13900001111", address="柳岸社区3号楼"
        )
        user = persona(actor) if isinstance(actor, str) else actor
        return do_register_petition(
            Registration(petitioner=petitioner, **values), actor=user, now=now
        )

    return make


@pytest.fixture
def department_body(db):
    return Body.objects.get(name="区城市管理局")
