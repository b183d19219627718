"""Fixtures for the registry tests: two communities of the demo street, staff of each,
and a helper registering people with valid (synthetic, province 99) ID numbers."""

from datetime import date

import pytest
from django.utils import translation

from shanzhi.core.models import User
from shanzhi.core.roles import Role
from shanzhi.lib import idcard
from shanzhi.org.actions import do_save_membership
from shanzhi.org.models import Membership, Region
from shanzhi.registry.actions import do_register_person

COMMUNITY_A = "990101001001"  # the demo "community" login works here
COMMUNITY_B = "990101001002"
GRID_A = "990101001001001"  # the demo "gridworker" login works here
GRID_A2 = "990101001001002"
GRID_B = "990101001002001"
OTHER_STREET = "990101002"
PAST = date(2025, 1, 1)


def id_number(n: int, born: str = "19800101") -> str:
    """The n-th synthetic ID number (odd n: a man, even n: a woman)."""
    first17 = f"990101{born}{n:03d}"
    return first17 + idcard.check_char(first17)


def phone(n: int) -> str:
    return f"1390000{n:04d}"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def grid(db):
    def get(code: str) -> Region:
        return Region.objects.get(code=code)

    return get


@pytest.fixture
def make_user(persona):
    def make(username: str, role: str, code: str) -> User:
        user = User.objects.create_user(username, password="x-Long-passphrase-2026")
        do_save_membership(
            Membership(user=user, role=role, region=Region.objects.get(code=code)),
            actor=persona("admin"),
        )
        return User.objects.get(pk=user.pk)

    return make


@pytest.fixture
def staff_b(make_user):
    """Community staff of community B."""
    return make_user("staff-b", Role.COMMUNITY_STAFF, COMMUNITY_B)


@pytest.fixture
def register(persona, grid):
    """Register a person; by default by community A's staff in grid A, valid since PAST."""

    def make(n: int = 1, *, name: str = "张三", code: str = GRID_A, actor="community", **extra):
        fields = {
            "name": name,
            "grid": grid(code),
            "id_number": id_number(n),
            "phone": phone(n),
            "current_address": f"示范路{n}号",
            "valid_from": PAST,
        }
        fields.update(extra)
        who = persona(actor) if isinstance(actor, str) else actor
        return do_register_person(actor=who, **fields)

    return make


@pytest.fixture
def client_of(client):
    """A test client signed in as ``user``, pages in English."""

    def sign_in(user):
        client.force_login(user, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
        client.cookies["django_language"] = "en"
        return client

    return sign_in
