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
