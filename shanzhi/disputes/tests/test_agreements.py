"""The mediation agreement: written or oral (人民调解法 Art. 28), binding from signature
(Art. 29) or from the day reached (Art. 30); the judicial-confirmation window of 30 days
from that day (Art. 33) on fixed dates across the Spring Festival, with its make-up
working day; the reminder before it closes; the document to print."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.cases.models import Clock
from shanzhi.core.models import AuditEvent, Notification
from shanzhi.disputes.actions import agreements, mediation
from shanzhi.disputes.models import Agreement
from shanzhi.disputes.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def mediating(register, persona, committee):
    def make(taken_up: str):
        dispute = register(now=at(taken_up) - timedelta(hours=1))
        members = list(committee.members.order_by("pk"))
        mediation.do_accept_dispute(
            dispute,
            actor=persona("community"),
            committee=committee,
            mediators=members[:2],
            lead=members[0],
            now=at(taken_up),
        )
        dispute.case.refresh_from_db()
        return dispute

    return make


def write(dispute, persona, kind="written"):
    return agreements.do_write_agreement(
        dispute,
        actor=persona("community"),
        kind=kind,
        facts="楼上卫生间防水层老化漏水，致楼下天花板受损；刘乙负主要责任。",
        terms="刘乙于2026年2月1日前一次性赔偿陈甲修复费用1200元，并修复防水层。",
        performance="现金支付，调解委员会见证。",
    )


def window(dispute):
    return Clock.objects.get(case=dispute.case, name="confirmation")


def day(instant):
    return instant.astimezone(at("2025-01-01 00:00").tzinfo).date().isoformat()


def test_a_written_agreement_opens_the_window_ending_on_a_make_up_working_day(mediating, persona):
    """Signed on 15 January 2026: the 30th day is Saturday 14 February, a make-up working
    day before the Spring Festival, not a rest day: the window ends that day."""
    dispute = mediating("2026-01-05 10:00")
    write(dispute, persona)
    agreements.do_conclude_agreement(
        dispute,
        actor=persona("community"),
        at=at("2026-01-15 16:00"),
        now=at("2026-01-15 17:00"),
    )
    dispute.case.refresh_from_db()
    assert dispute.case.state == "agreed"
    assert day(window(dispute).due_at) == "2026-02-14"
    agreement = Agreement.objects.get(dispute=dispute)
    assert agreement.effective_at == at("2026-01-15 16:00")
    period = Clock.objects.get(case=dispute.case, name="mediation")
    assert period.stopped_at == at("2026-01-15 16:00") and period.on_time is True
    assert Clock.objects.filter(case=dispute.case, name="follow_up", stopped_at=None).exists()


def test_a_window_ending_in_the_spring_festival_runs_to_the_next_working_day(mediating, persona):
    """Signed on 16 January 2026: the 30th day, 15 February, starts the Spring Festival
    rest (15–23 February): the window ends with 24 February."""
    dispute = mediating("2026-01-05 10:00")
    write(dispute, persona)
    agreements.do_conclude_agreement(
        dispute, actor=persona("community"), at=at("2026-01-16 10:00"), now=at("2026-01-16 11:00")
    )
    assert day(window(dispute).due_at) == "2026-02-24"
    # The parties and the mediating body are told of the window.
    told = Notification.objects.filter(subject__contains="2026")
    assert told.filter(recipient=persona("community")).exists()


def test_a_request_for_confirmation_is_recorded_within_the_window_only(mediating, persona, english):
    dispute = mediating("2026-01-05 10:00")
    write(dispute, persona)
    agreements.do_conclude_agreement(
        dispute, actor=persona("community"), at=at("2026-01-16 10:00"), now=at("2026-01-16 11:00")
    )
    with pytest.raises(ValidationError) as late:
        agreements.do_record_confirmation_request(
            dispute,
            actor=persona("community"),
            requested_on=at("2026-02-25 09:00").date(),
            court="示范区人民法院",
            now=at("2026-02-26 09:00"),
        )
    message = " ".join(late.value.messages)
    assert "Art. 33" in message or "第三十三条" in message
    assert "2026" in message and "24" in message
    with pytest.raises(ValidationError) as refused:
        agreements.do_record_confirmation_request(
            dispute, actor=persona("community"), requested_on=None, court=""
        )
    assert {"court", "requested_on"} <= set(refused.value.message_dict)
    with pytest.raises(PermissionDenied):
        agreements.do_record_confirmation_request(
            dispute,
            actor=persona("gridworker"),
            requested_on=at("2026-02-24 09:00").date(),
            court="示范区人民法院",
            now=at("2026-02-24 10:00"),
        )
    agreements.do_record_confirmation_request(
        dispute,
        actor=persona("community"),
        requested_on=at("2026-02-24 09:00").date(),
        court="示范区人民法院",
        now=at("2026-02-24 10:00"),
    )
    agreement = Agreement.objects.get(dispute=dispute)
    assert agreement.confirmation_requested_on.isoformat() == "2026-02-24"
    assert (
        AuditEvent.objects.for_object(dispute.case)
        .filter(action="dispute.confirmation_request", legal_basis__contains="第三十三条")
        .exists()
    )
    with pytest.raises(ValidationError):  # recorded once
        agreements.do_record_confirmation_request(
            dispute,
            actor=persona("community"),
            requested_on=at("2026-02-24 09:00").date(),
            court="示范区人民法院",
            now=at("2026-02-24 10:00"),
        )


def test_an_oral_agreement_binds_from_the_day_and_opens_no_window(mediating, persona):
    dispute = mediating("2025-11-03 10:00")
    write(dispute, persona, kind="oral")
    agreements.do_conclude_agreement(
        dispute, actor=persona("community"), at=at("2025-11-10 10:00"), now=at("2025-11-10 10:30")
    )
    dispute.case.refresh_from_db()
    assert dispute.case.state == "agreed"
    assert not Clock.objects.filter(case=dispute.case, name="confirmation").exists()
    with pytest.raises(ValidationError):
        agreements.do_record_confirmation_request(
            dispute,
            actor=persona("community"),
            requested_on=at("2025-11-11 10:00").date(),
            court="示范区人民法院",
            now=at("2025-11-11 10:30"),
        )


def test_a_late_agreement_leaves_the_period_late(mediating, persona):
    dispute = mediating("2025-09-01 10:00")  # the period ends with 9 October 2025
    write(dispute, persona)
    agreements.do_conclude_agreement(
        dispute, actor=persona("community"), at=at("2025-10-10 10:00"), now=at("2025-10-10 11:00")
    )
    assert Clock.objects.get(case=dispute.case, name="mediation").on_time is False


@pytest.mark.parametrize(
    ("signed", "recorded", "field"),
    [
        ("2026-01-20 10:00", "2026-01-15 10:00", "at"),  # in the future
        ("2026-01-06 10:00", "2026-01-20 10:00", "at"),  # more than seven days ago
        ("2026-01-04 10:00", "2026-01-05 12:00", "at"),  # before mediation started
    ],
)
def test_bad_conclusions_are_refused(mediating, persona, signed, recorded, field):
    dispute = mediating("2026-01-05 10:00")
    write(dispute, persona)
    with pytest.raises(ValidationError) as refused:
        agreements.do_conclude_agreement(
            dispute, actor=persona("community"), at=at(signed), now=at(recorded)
        )
    assert field in refused.value.message_dict
    assert Agreement.objects.get(dispute=dispute).effective_at is None


def test_no_conclusion_without_terms_and_terms_are_fixed_once_in_effect(mediating, persona):
    dispute = mediating("2026-01-05 10:00")
    with pytest.raises(ValidationError):
        agreements.do_conclude_agreement(
            dispute,
            actor=persona("community"),
            at=at("2026-01-06 10:00"),
            now=at("2026-01-06 11:00"),
        )
    with pytest.raises(ValidationError) as refused:
        agreements.do_write_agreement(
            dispute, actor=persona("community"), kind="written", facts="", terms="", performance=""
        )
    assert {"facts", "terms"} <= set(refused.value.message_dict)
    with pytest.raises(PermissionDenied):
        write(dispute, lambda name: persona("gridworker"))
    write(dispute, persona)
    agreements.do_conclude_agreement(
        dispute, actor=persona("community"), at=at("2026-01-06 10:00"), now=at("2026-01-06 11:00")
    )
    with pytest.raises(ValidationError):
        write(dispute, persona)


def test_the_reminder_is_sent_once_before_the_window_closes(mediating, persona):
    dispute = mediating("2026-01-05 10:00")
    write(dispute, persona)
    agreements.do_conclude_agreement(
        dispute, actor=persona("community"), at=at("2026-01-16 10:00"), now=at("2026-01-16 11:00")
    )
    assert agreements.remind_confirmations(now=at("2026-02-01 09:00")) == 0  # not yet
    assert agreements.remind_confirmations(now=at("2026-02-20 09:00")) == 1
    assert agreements.remind_confirmations(now=at("2026-02-21 09:00")) == 0  # only once
    assert Agreement.objects.get(dispute=dispute).reminded_at == at("2026-02-20 09:00")
    assert (
        AuditEvent.objects.for_object(dispute.case)
        .filter(action="dispute.confirmation_reminder")
        .count()
        == 1
    )


def test_no_reminder_once_the_request_is_recorded(mediating, persona):
    dispute = mediating("2026-01-05 10:00")
    write(dispute, persona)
    agreements.do_conclude_agreement(
        dispute, actor=persona("community"), at=at("2026-01-16 10:00"), now=at("2026-01-16 11:00")
    )
    agreements.do_record_confirmation_request(
        dispute,
        actor=persona("community"),
        requested_on=at("2026-01-20 10:00").date(),
        court="示范区人民法院",
        now=at("2026-01-20 11:00"),
    )
    assert agreements.remind_confirmations(now=at("2026-02-20 09:00")) == 0


def test_the_document_names_the_parties_terms_and_signature_places(
    client_as, mediating, persona, english
):
    dispute = mediating("2026-01-05 10:00")
    write(dispute, persona)
    url = f"/disputes/mediation/{dispute.case.number}/agreement/"
    page = client_as("community").get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="draft-notice"' in text
    for expected in ("陈甲", "刘乙", "赔偿陈甲修复费用1200元", "王主任", "柳岸社区人民调解委员会"):
        assert expected in text
    assert text.count('data-testid="signatures"') == 1
    assert "Art. 29" in text or "第二十九条" in text
    # The phone numbers of the parties are not printed.
    assert "13900000001" not in text


def test_the_document_is_for_the_mediating_body_only(
    client_as, mediating, persona, outsider, client
):
    dispute = mediating("2026-01-05 10:00")
    write(dispute, persona)
    url = f"/disputes/mediation/{dispute.case.number}/agreement/"
    assert client_as("gridworker").get(url).status_code == 403
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.get(url).status_code == 404
