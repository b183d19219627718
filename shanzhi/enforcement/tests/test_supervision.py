"""``supervision.anomalies``: one anomaly of each kind, and a clean case reports none."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from shanzhi.enforcement import procedures as p
from shanzhi.enforcement.actions import do_publish, public_text
from shanzhi.enforcement.models import Step
from shanzhi.enforcement.supervision import anomalies
from shanzhi.enforcement.tests.conftest import at
from shanzhi.enforcement.tests.helpers import decided


def _photo():
    return ("photo", SimpleUploadedFile("scene.jpg", b"\xff\xd8\xff", content_type="image/jpeg"))


def _kinds(ecase, now):
    return sorted(a.kind for a in anomalies([ecase], now=now))


def test_a_clean_case_reports_none(new_case, matter, officers, officer_user):
    ecase = decided(new_case, matter, officers, officer_user, files=[_photo()])
    do_publish(ecase, actor=officer_user, text=public_text(ecase), now=at(2025, 9, 8, 9))
    assert _kinds(ecase, at(2025, 9, 9, 9)) == []


def test_each_anomaly(new_case, matter, big_matter, officers, officer_user):
    now = at(2025, 9, 20, 9)
    # Past and near the 90 days (Art. 60).
    past = new_case(matter, now=at(2025, 6, 1, 9))
    near = new_case(matter, now=at(2025, 7, 10, 9))
    assert "past_limit" in _kinds(past, now)
    assert "near_limit" in _kinds(near, now)
    # Evidence without photos, audio or video: the full-process record misses them.
    clean = decided(new_case, matter, officers, officer_user, files=[_photo()])
    bare = decided(new_case, matter, officers, officer_user)
    assert "missing_record" in _kinds(bare, at(2025, 9, 6, 9))
    # A decision that needed a review, without one (Art. 58).
    unreviewed = decided(new_case, matter, officers, officer_user, files=[_photo()])
    unreviewed.review_required = True
    unreviewed.save()
    # Evidence by a single officer (Art. 42).
    single = decided(new_case, matter, officers, officer_user, files=[_photo()])
    single.steps.get(kind="evidence").officers.set(officers[:1])
    # A penalty that gives a right to a hearing, not offered (Art. 63).
    unheard = decided(new_case, matter, officers, officer_user, files=[_photo()])
    unheard.fine = Decimal("20000")
    unheard.save()
    later = at(2025, 9, 30, 9)  # after the 7 working days to publish (Art. 48)
    assert _kinds(unreviewed, at(2025, 9, 6, 9)) == ["no_review"]
    assert _kinds(single, at(2025, 9, 6, 9)) == ["single_officer"]
    assert _kinds(unheard, at(2025, 9, 6, 9)) == ["hearing_not_offered"]
    assert _kinds(clean, later) == ["publication_late"]
    found = anomalies([past, near, bare, unreviewed, single, unheard, clean], now=later)
    assert {a.kind for a in found} >= {
        "past_limit",
        "near_limit",
        "missing_record",
        "no_review",
        "single_officer",
        "hearing_not_offered",
        "publication_late",
    }
    assert all(a.basis.startswith("《行政处罚法》") for a in found)
    assert all(a.number.startswith(p.PROCEDURE.number_prefix) for a in found)


def test_missing_step_record(new_case, matter, officers, officer_user):
    ecase = decided(new_case, matter, officers, officer_user, files=[_photo()])
    Step.objects.filter(ecase=ecase, kind="decision").delete()
    found = anomalies([ecase], now=at(2025, 9, 6, 9))
    assert [a.kind for a in found] == ["missing_record"]
    assert "decision" in found[0].message


def test_the_anomalies_of_many_cases_take_a_few_queries(new_case, matter):
    """Read through ``with_records``, the anomalies of six cases take as many queries as
    those of two: the supervision page and the digest do not read each case apart."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shanzhi.enforcement.models import EnforcementCase
    from shanzhi.enforcement.supervision import anomalies, with_records

    def queries_for_all():
        with CaptureQueriesContext(connection) as queries:
            anomalies(list(with_records(EnforcementCase.objects.all())))
        return len(queries)

    for day in (1, 2):
        new_case(matter, now=at(2025, 9, day, 9))
    few = queries_for_all()
    for day in (3, 4, 5, 8):
        new_case(matter, now=at(2025, 9, day, 9))
    assert queries_for_all() == few
