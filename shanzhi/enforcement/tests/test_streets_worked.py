"""The streets a user works on are read at once: the same answer as asking street by
street (``works_on``), in a few queries however many streets there are (the
navigation asks it on every page)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shanzhi.enforcement import access
from shanzhi.org.models import Level, Region


def _one_by_one(user):
    streets = Region.objects.filter(level=Level.STREET, is_active=True)
    return sorted(s.pk for s in streets if access.works_on(user, s))


def test_the_same_streets_as_street_by_street(officer_user, outsider, persona):
    for user in (officer_user, outsider, persona("streetstaff"), persona("resident")):
        assert sorted(s.pk for s in access.streets_worked(user)) == _one_by_one(user)
    assert access.streets_worked(officer_user)  # an officer works on their street
    assert access.streets_worked(persona("resident")) == []


def test_a_few_queries_whatever_the_number_of_streets(officer_user, street):
    district = street.parent
    for n in range(20):
        Region.objects.create(
            code=f"9901019{n:02d}", name=f"测试街道{n}", level=Level.STREET, parent=district
        )
    officer_user = type(officer_user).objects.get(pk=officer_user.pk)  # no cached scope
    with CaptureQueriesContext(connection) as queries:
        access.streets_worked(officer_user)
    assert len(queries) <= 6


def test_an_officer_outside_the_team_reads_the_street_but_takes_no_step(
    new_case, matter, street, client
):
    """A certificate covering the street lets its holder read the street's cases and be
    named on their steps; the steps are the team's (the engine acts for its members)."""
    from datetime import date

    import pytest
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    from shanzhi.core.models import User
    from shanzhi.enforcement.actions import do_take_step
    from shanzhi.enforcement.models import Officer
    from shanzhi.enforcement.tests.conftest import at

    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    user = User.objects.create_user(username="zf-outside", password="x-Test-2026-pass")
    officer = Officer.objects.create(
        user=user,
        certificate_number="执法证TEST-OUT",
        issued_by="测试",
        valid_from=date(2024, 1, 1),
        expires_on=date(2030, 1, 1),
    )
    officer.streets.set([street])
    assert access.reads(user, ecase) and not access.works_on(user, street)
    assert access.streets_worked(user) == []
    client.force_login(user, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    page = client.get(reverse("enforcement:case", args=[ecase.case.number]))
    assert page.status_code == 200 and b"data-action=" not in page.content
    with pytest.raises(PermissionDenied):
        do_take_step(ecase, "conclude_investigation", actor=user, now=at(2025, 9, 2, 9))
    ecase.case.refresh_from_db()
    assert ecase.case.state == "filed"
