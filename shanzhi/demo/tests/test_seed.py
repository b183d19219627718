import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from shanzhi.core.models import AuditEvent, User
from shanzhi.core.roles import Role
from shanzhi.demo import seed
from shanzhi.org.models import Body, BodyKind, Level, Membership, Region

pytestmark = pytest.mark.django_db


def counts():
    return (
        Region.objects.count(),
        Body.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_structure():
    district = Region.objects.get(code=seed.DISTRICT_CODE)
    assert "虚构" in district.name
    under = Region.objects.within(district)
    assert under.filter(level=Level.STREET).count() == 3
    assert under.filter(level=Level.COMMUNITY).count() == 12
    assert under.filter(level=Level.GRID).count() == 60
    assert under.filter(level=Level.MICRO_GRID).count() == 2
    assert Body.objects.filter(kind=BodyKind.DEPARTMENT).count() >= 10
    assert Body.objects.filter(kind=BodyKind.RESIDENTS_COMMITTEE).count() == 12
    for grid in under.filter(level=Level.GRID):
        assert Membership.objects.filter(region=grid, role=Role.GRID_WORKER).exists()


def test_every_role_has_a_demo_user():
    roles = set(
        Membership.objects.filter(user__username__in=seed.DEMO_USERNAMES).values_list(
            "role", flat=True
        )
    )
    assert roles == set(Role.values)


def test_demo_numbers_are_visibly_fictional():
    assert all(b.phone.startswith("000-") for b in Body.objects.exclude(phone=""))
    assert all(m.duty_phone.startswith("000-") for m in Membership.objects.exclude(duty_phone=""))


def test_seed_is_idempotent(settings, capsys):
    settings.DEMO_MODE = True
    with translation.override("en"):
        call_command("seed_demo")  # the first run adds the demo's petitions and disputes
        before = counts()
        call_command("seed_demo")
    assert counts() == before
    out = capsys.readouterr().out
    assert "already loaded" in out
    assert seed.DEMO_PASSWORD in out
    for username in seed.DEMO_USERNAMES:
        assert username in out


def test_seed_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_large_synthetic_structure(settings, capsys):
    settings.DEMO_MODE = True
    with translation.override("en"):
        call_command("seed_demo", "--synthetic-grids", "2000")
    grids = Region.objects.filter(code__startswith="990199", level=Level.GRID)
    assert grids.count() == 2000
    grid = grids.order_by("code").last()
    assert grid.path.count("/") == 5  # district/street/community/grid
    assert Region.objects.within(Region.objects.get(code="990199")).count() == 2000 + 80 + 2 + 1
    call_command("verify_audit")
