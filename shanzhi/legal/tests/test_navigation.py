"""The navigation's legal review link: shown to those who give or ask for reviews, and
worked out without a query for those who can do neither (it is on every page)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shanzhi.legal.templatetags.legal import may_use_legal_review
from shanzhi.org.access import scope_of


def test_the_link_is_for_reviewers_leaders_and_body_staff(persona):
    for username in ("legal", "leader", "streetstaff", "department"):
        assert may_use_legal_review(persona(username)), username
    for username in ("resident", "gridworker"):
        assert not may_use_legal_review(persona(username)), username


def test_no_query_for_a_grid_worker(persona):
    user = persona("gridworker")
    scope_of(user)  # the user's roles, read once per request whatever the page
    with CaptureQueriesContext(connection) as queries:
        assert not may_use_legal_review(user)
    assert len(queries) == 0
