import pytest

from shanzhi.legal.demo import TITLE, seed_legal
from shanzhi.legal.models import Instrument, Reviewer, ReviewRequest

pytestmark = pytest.mark.django_db


def test_the_demo_seed_is_synthetic_and_runs_twice_without_duplicates(persona):
    first = seed_legal()
    assert seed_legal() == first
    assert Instrument.objects.filter(title=TITLE).count() == 1
    assert "虚构" in first.title
    assert Reviewer.objects.filter(user=persona("legal")).exists()
    request = ReviewRequest.objects.get(draft__instrument=first)
    assert request.reviewer == persona("legal") and request.case.state == "assigned"
