"""Officers (《行政处罚法》第四十二条): a step that needs officers takes at least two, each
with a valid certificate covering the matter on the step's date; a camera provides
evidence only after its legal and technical review with its site published (第四十一条)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from shanzhi.enforcement import rules
from shanzhi.enforcement.actions import do_record_evidence
from shanzhi.enforcement.models import Device, Officer, Step
from shanzhi.enforcement.tests.conftest import at, valid_officers


def test_two_valid_officers_pass(officers, matter, street):
    rules.check_officers(valid_officers(officers), matter, street, date(2025, 9, 2))


def test_only_one_officer_is_refused(officers, matter, street):
    with pytest.raises(ValidationError) as exc:
        rules.check_officers(officers[:1], matter, street, date(2025, 9, 2))
    text = " ".join(exc.value.message_dict["officers"])
    assert "At least two officers" in text and "第四十二条" in text


def test_the_same_officer_twice_counts_once(officers, matter, street):
    with pytest.raises(ValidationError, match="At least two"):
        rules.check_officers([officers[0], officers[0]], matter, street, date(2025, 9, 2))


def test_expired_certificate_names_officer_and_date(officers, matter, street):
    expired = officers[2]
    with pytest.raises(ValidationError) as exc:
        rules.check_officers([officers[0], expired], matter, street, date(2025, 9, 2))
    text = " ".join(exc.value.message_dict["officers"])
    assert expired.certificate_number in text
    assert f"expired on {expired.expires_on.isoformat()}" in text
    assert "第四十二条" in text


def test_expiry_is_judged_on_the_steps_date(officers, matter, street):
    officer = officers[1]
    officer.expires_on = date(2025, 9, 30)
    officer.save()
    rules.check_officers(valid_officers(officers), matter, street, date(2025, 9, 30))
    with pytest.raises(ValidationError, match="expired on 2025-09-30"):
        rules.check_officers(valid_officers(officers), matter, street, date(2025, 10, 9))


def test_out_of_scope_and_revoked(officers, matter, street, other_street):
    officer = officers[1]
    officer.streets.set([other_street])
    with pytest.raises(ValidationError, match="does not cover"):
        rules.check_officers(valid_officers(officers), matter, street, date(2025, 9, 2))
    officer.matters.set([matter])  # a scope by matter covers it
    rules.check_officers(valid_officers(officers), matter, street, date(2025, 9, 2))
    Officer.objects.filter(pk=officer.pk).update(revoked=True)
    officer.refresh_from_db()
    with pytest.raises(ValidationError, match="revoked"):
        rules.check_officers(valid_officers(officers), matter, street, date(2025, 9, 2))


def test_evidence_with_one_officer_stores_nothing(new_case, matter, officers, officer_user):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    with pytest.raises(ValidationError, match="第四十二条"):
        do_record_evidence(
            ecase, actor=officer_user, now=at(2025, 9, 2, 9), officers=officers[:1], note="笔录"
        )
    assert not Step.objects.filter(ecase=ecase, kind="evidence").exists()


def test_camera_evidence_needs_a_reviewed_device(new_case, matter, officers, officer_user, street):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    camera = Device.objects.create(
        code="T-CAM", site="测试路口", street=street, legally_reviewed=True
    )
    with pytest.raises(ValidationError) as exc:
        do_record_evidence(
            ecase,
            actor=officer_user,
            now=at(2025, 9, 2, 9),
            officers=valid_officers(officers),
            note="监控截图",
            device=camera,
        )
    assert "第四十一条" in str(exc.value)
    camera.technically_reviewed = camera.site_published = True
    camera.save()
    step = do_record_evidence(
        ecase,
        actor=officer_user,
        now=at(2025, 9, 2, 9),
        officers=valid_officers(officers),
        note="监控截图",
        device=camera,
    )
    assert step.device == camera and step.officers.count() == 2
