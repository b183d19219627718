"""Recording a legal adviser's qualification (法律职业资格), which a first-time reviewer
of penalty decisions needs (《行政处罚法》第五十八条第二款): by a leader or administrator
over the adviser's area, validated, audited."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shanzhi.core.models import AuditEvent
from shanzhi.legal.actions import do_record_qualification
from shanzhi.legal.models import Reviewer

pytestmark = pytest.mark.django_db


def test_a_leader_records_a_qualification_and_it_is_audited(persona, unqualified):
    record = do_record_qualification(
        unqualified,
        certificate_number="a20201101000009",
        qualified_on=date(2020, 11, 1),
        actor=persona("leader"),
    )
    assert record.certificate_number == "A20201101000009"
    assert AuditEvent.objects.filter(action="legal.qualification").exists()


def test_bad_numbers_dates_and_people_are_refused(persona, unqualified):
    with pytest.raises(ValidationError) as raised:
        do_record_qualification(
            persona("dispatcher"),
            certificate_number="A 1",
            qualified_on=date(2099, 1, 1),
            actor=persona("leader"),
        )
    assert set(raised.value.message_dict) == {"adviser", "certificate_number", "qualified_on"}
    assert not Reviewer.objects.filter(user=persona("dispatcher")).exists()


def test_someone_outside_the_advisers_area_may_not_record(persona, unqualified):
    for actor in (persona("dispatcher"), persona("legal")):
        with pytest.raises(PermissionDenied):
            do_record_qualification(
                unqualified,
                certificate_number="A20201101000010",
                qualified_on=date(2020, 11, 1),
                actor=actor,
            )
    assert not Reviewer.objects.filter(user=unqualified).exists()


def test_the_page_lists_the_advisers_and_refuses_others(client_as, unqualified):
    page = client_as("leader").get(reverse("legal:reviewers"))
    assert page.status_code == 200 and f'data-adviser="{unqualified.pk}"' in page.content.decode()
    assert client_as("resident").get(reverse("legal:reviewers")).status_code == 403


def test_recording_on_the_page_refuses_readers_and_bad_input(client_as, unqualified):
    target = reverse("legal:record_qualification", args=[unqualified.pk])
    prefix = f"q{unqualified.pk}"
    good = {
        f"{prefix}-certificate_number": "A20201101000011",
        f"{prefix}-qualified_on": "2020-11-01",
    }
    # A legal adviser reads the list but records nothing; a dispatcher is refused.
    assert client_as("legal").post(target, good).status_code == 403
    assert client_as("dispatcher").post(target, good).status_code == 403
    bad = {f"{prefix}-certificate_number": "?", f"{prefix}-qualified_on": "2020-11-01"}
    response = client_as("leader").post(target, bad)
    assert response.status_code == 400
    assert 'data-error="certificate_number"' in response.content.decode()
    assert not Reviewer.objects.filter(user=unqualified).exists()
    assert client_as("leader").post(target, good).status_code == 302
    assert Reviewer.objects.get(user=unqualified).certificate_number == "A20201101000011"
