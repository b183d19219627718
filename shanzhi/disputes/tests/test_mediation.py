"""Mediation on the case engine: the procedure's graph, registering a dispute, taking it
up with a committee, the 30-day mediation period on fixed dates (人民调解法; the period
follows 人民调解工作若干规定 Art. 33, "within a month"), a longer period agreed by the
parties, sessions, ending without agreement (Art. 26) and the follow-up visit (Art. 31)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.cases.models import Clock
from shanzhi.cases.procedure import Audience, Party, get
from shanzhi.core.models import AuditEvent
from shanzhi.disputes.actions import mediation
from shanzhi.disputes.actions.mediation import PartyInput
from shanzhi.disputes.models import Dispute, DisputeMediator, Session
from shanzhi.disputes.tests.conftest import at

pytestmark = pytest.mark.django_db

D, H, S, C = Party.DISPATCHER, Party.HANDLER, Party.SUPERVISOR, Party.COMMUNITY
GRAPH = {
    "accept_mediation": ({"applied"}, "mediating", {D, C}),
    "decline_mediation": ({"applied"}, "declined", {D, C}),
    "record_agreed_period": ({"mediating"}, None, {H}),
    "apply_agreed_period": ({"mediating"}, None, {H}),
    "agree_written": ({"mediating"}, "agreed", {H}),
    "agree_oral": ({"mediating"}, "agreed", {H}),
    "end_mediation": ({"mediating"}, "ended", {H}),
    "follow_up": ({"agreed"}, "closed", {H, C}),
}


def test_the_graph_is_exactly_as_declared():
    procedure = get("mediation")
    declared = {t.action: (set(t.sources), t.target, set(t.parties)) for t in procedure.transitions}
    assert declared == GRAPH
    assert {s.key for s in procedure.states if s.final} == {"closed", "ended", "declined"}
    assert procedure.extended_clock == "mediation"
    window = procedure.by_clock["confirmation"]
    assert (
        window.window and window.statutory and (window.value, window.unit) == (30, "calendar_days")
    )
    assert "第三十三条" in window.legal_basis
    mediation_clock = procedure.by_clock["mediation"]
    assert (mediation_clock.value, mediation_clock.unit) == (30, "calendar_days")
    for t in procedure.transitions:
        if t.target and procedure.by_state[t.target].final:
            assert Audience.REQUESTER in t.tells, t.action


def accept(dispute, persona, committee, now=None, actor="community"):
    members = list(committee.members.filter(is_active=True).order_by("pk"))
    return mediation.do_accept_dispute(
        dispute,
        actor=persona(actor),
        committee=committee,
        mediators=members[:2],
        lead=members[0],
        now=now,
    )


def clock(dispute, name):
    return Clock.objects.filter(case=dispute.case, name=name).order_by("-pk").first()


def test_registering_a_dispute_keeps_its_gbt_facts_and_parties(register, grid):
    dispute = register(now=at("2025-09-01 09:00"))
    case = dispute.case
    assert case.procedure == "mediation" and case.state == "applied"
    assert case.number.startswith("MD")
    assert case.grid == grid  # placed in the grid by the grid's own point
    assert case.requester_name == "陈甲"
    assert [p.name for p in dispute.parties.all()] == ["陈甲", "刘乙"]
    assert (dispute.category, dispute.scale, dispute.people_involved) == (
        "neighbours",
        "ordinary",
        2,
    )
    assert AuditEvent.objects.for_object(case).filter(action="dispute.register").exists()
    assert not Clock.objects.filter(case=case).exists()  # no period before it is taken up


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"parties": [PartyInput(name="陈甲")]}, "parties"),
        ({"parties": [PartyInput(name="陈甲"), PartyInput(name="  ")]}, "parties"),
        ({"category": "no-such-kind"}, "category"),
        ({"scale": ""}, "scale"),
        ({"people_involved": 0}, "people_involved"),
        (
            {
                "people_involved": 1,
                "parties": [PartyInput(name="陈甲"), PartyInput(name="刘乙")],
            },
            "people_involved",
        ),
    ],
)
def test_bad_registrations_are_refused_with_the_field(register, change, field):
    with pytest.raises(ValidationError) as refused:
        register(**change)
    assert field in refused.value.message_dict
    assert not Dispute.objects.exists()


def test_someone_from_another_street_cannot_register_here(register, outsider):
    with pytest.raises(PermissionDenied):
        register(actor=outsider)


def test_taking_up_starts_the_30_day_period_across_national_day(register, persona, committee):
    """Taken up on 1 September 2025: the 30th day is 1 October, a holiday, so the period
    ends with 9 October, the first working day after the National Day rest."""
    dispute = register(now=at("2025-09-01 09:00"))
    accept(dispute, persona, committee, now=at("2025-09-01 10:00"))
    dispute.case.refresh_from_db()
    assert dispute.case.state == "mediating"
    assert dispute.case.responsible_body == committee.body
    period = clock(dispute, "mediation")
    assert (
        period.due_at.astimezone(at("2025-01-01 00:00").tzinfo).date().isoformat() == "2025-10-09"
    )
    assert DisputeMediator.objects.filter(dispute=dispute, lead=True).count() == 1


def test_a_period_ending_on_an_ordinary_day_ends_that_day(register, persona, committee):
    dispute = register(now=at("2025-11-03 09:00"))
    accept(dispute, persona, committee, now=at("2025-11-03 10:00"))
    due = clock(dispute, "mediation").due_at.astimezone(at("2025-01-01 00:00").tzinfo)
    assert (due.date().isoformat(), due.hour, due.minute) == ("2025-12-03", 23, 59)


def test_the_parties_can_agree_to_mediate_longer(register, persona, committee):
    dispute = register(now=at("2025-09-01 09:00"))
    accept(dispute, persona, committee, now=at("2025-09-01 10:00"))
    mediation.do_agree_period(
        dispute,
        actor=persona("community"),
        days=15,
        agreement="双方于9月25日书面同意延长调解期限15日",
        now=at("2025-09-25 10:00"),
    )
    period = clock(dispute, "mediation")
    tz = at("2025-01-01 00:00").tzinfo
    assert period.due_at.astimezone(tz).date().isoformat() == "2025-10-24"
    assert (period.extensions, period.extended_by) == (1, 15)
    dispute.refresh_from_db()
    assert dispute.agreed_extension_days == 15 and "书面同意" in dispute.period_agreement
    actions = set(AuditEvent.objects.for_object(dispute.case).values_list("action", flat=True))
    assert {"case.record_agreed_period", "case.apply_agreed_period"} <= actions


def test_an_agreed_period_needs_the_agreement_and_the_mediating_body(register, persona, committee):
    dispute = register()
    accept(dispute, persona, committee)
    with pytest.raises(ValidationError) as refused:
        mediation.do_agree_period(dispute, actor=persona("community"), days=15, agreement=" ")
    assert "agreement" in refused.value.message_dict
    with pytest.raises(ValidationError):
        mediation.do_agree_period(dispute, actor=persona("community"), days=0, agreement="同意")
    with pytest.raises(PermissionDenied):
        mediation.do_agree_period(dispute, actor=persona("gridworker"), days=5, agreement="同意")


def test_taking_up_needs_a_lawful_committee_and_its_own_mediators(register, persona, committee):
    dispute = register()
    members = list(committee.members.all())
    with pytest.raises(ValidationError) as refused:
        mediation.do_accept_dispute(
            dispute, actor=persona("community"), committee=committee, mediators=[], lead=None
        )
    assert "mediators" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        mediation.do_accept_dispute(
            dispute,
            actor=persona("community"),
            committee=committee,
            mediators=members[:1],
            lead=members[1],
        )
    assert "lead" in refused.value.message_dict
    # A committee that has lost members below three no longer mediates (Art. 8).
    committee.members.filter(role="member").update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        accept(dispute, persona, committee)
    assert "committee" in refused.value.message_dict
    dispute.case.refresh_from_db()
    assert dispute.case.state == "applied"


def test_only_the_community_or_dispatch_centre_takes_a_dispute_up(register, persona, committee):
    dispute = register()
    with pytest.raises(PermissionDenied):
        accept(dispute, persona, committee, actor="gridworker")
    with pytest.raises(PermissionDenied):
        accept(dispute, persona, committee, actor="department")


def test_declining_needs_a_reason_and_tells_the_applicant(register, persona):
    dispute = register()
    with pytest.raises(ValidationError):
        mediation.do_decline_dispute(dispute, actor=persona("community"), note="")
    mediation.do_decline_dispute(dispute, actor=persona("dispatcher"), note="刘乙明确拒绝调解")
    dispute.case.refresh_from_db()
    assert dispute.case.state == "declined"


def test_sessions_are_recorded_by_the_mediating_body(register, persona, committee):
    dispute = register(now=at("2025-09-01 09:00"))
    accept(dispute, persona, committee, now=at("2025-09-01 10:00"))
    facts = {
        "place": "社区调解室",
        "attendees": "陈甲、刘乙、王主任",
        "notes": "双方陈述，约定再议",
    }
    session = mediation.do_record_session(
        dispute,
        actor=persona("community"),
        held_at=at("2025-09-03 15:00"),
        now=at("2025-09-03 17:00"),
        **facts,
    )
    assert Session.objects.get(pk=session.pk).place == "社区调解室"
    with pytest.raises(ValidationError) as refused:
        mediation.do_record_session(
            dispute,
            actor=persona("community"),
            held_at=at("2025-09-05 15:00"),
            now=at("2025-09-04 17:00"),
            **facts,
        )
    assert "held_at" in refused.value.message_dict  # in the future
    with pytest.raises(ValidationError) as refused:
        mediation.do_record_session(
            dispute, actor=persona("community"), held_at=at("2025-08-30 15:00"), **facts
        )
    assert "held_at" in refused.value.message_dict  # before it was taken up
    with pytest.raises(ValidationError) as refused:
        mediation.do_record_session(
            dispute,
            actor=persona("community"),
            held_at=at("2025-09-03 15:00"),
            now=at("2025-09-03 17:00"),
            place="",
            attendees="",
            notes="",
        )
    assert {"place", "attendees", "notes"} <= set(refused.value.message_dict)
    with pytest.raises(PermissionDenied):
        mediation.do_record_session(
            dispute, actor=persona("gridworker"), held_at=at("2025-09-03 15:00"), **facts
        )


def test_ending_without_agreement_names_the_other_remedy(register, persona, committee):
    dispute = register(now=at("2025-09-01 09:00"))
    accept(dispute, persona, committee, now=at("2025-09-01 10:00"))
    with pytest.raises(ValidationError) as refused:
        mediation.do_end_mediation(
            dispute, actor=persona("community"), reason="", remedy="", remedy_detail=""
        )
    assert {"reason", "remedy", "remedy_detail"} <= set(refused.value.message_dict)
    mediation.do_end_mediation(
        dispute,
        actor=persona("community"),
        reason="双方对赔偿金额分歧过大",
        remedy="litigation",
        remedy_detail="向示范区人民法院提起诉讼",
        now=at("2025-09-20 10:00"),
    )
    dispute.case.refresh_from_db()
    assert dispute.case.state == "ended"
    assert clock(dispute, "mediation").on_time is True
    event = AuditEvent.objects.for_object(dispute.case).get(action="case.end_mediation")
    assert "示范区人民法院" in event.note and "第二十六条" in event.legal_basis


def test_the_follow_up_visit_closes_an_agreed_dispute(register, persona, committee):
    from shanzhi.disputes.actions.agreements import do_conclude_agreement, do_write_agreement

    dispute = register(now=at("2025-09-01 09:00"))
    accept(dispute, persona, committee, now=at("2025-09-01 10:00"))
    do_write_agreement(
        dispute,
        actor=persona("community"),
        kind="oral",
        facts="",
        terms="刘乙赔偿800元",
        performance="",
    )
    do_conclude_agreement(
        dispute, actor=persona("community"), at=at("2025-09-10 11:00"), now=at("2025-09-10 12:00")
    )
    with pytest.raises(ValidationError) as refused:
        mediation.do_record_follow_up(
            dispute, actor=persona("community"), performance="", note="", evaluation=9
        )
    assert {"performance", "note", "evaluation"} <= set(refused.value.message_dict)
    with pytest.raises(PermissionDenied):
        mediation.do_record_follow_up(
            dispute, actor=persona("department"), performance="full", note="已赔付"
        )
    mediation.do_record_follow_up(
        dispute,
        actor=persona("community"),
        performance="full",
        note="已赔付，双方满意",
        evaluation=5,
        now=at("2025-09-30 10:00"),
    )
    dispute.refresh_from_db()
    dispute.case.refresh_from_db()
    assert dispute.case.state == "closed"
    assert (dispute.performance, dispute.evaluation) == ("full", 5)
    assert clock(dispute, "follow_up").on_time is True


def test_steps_are_refused_in_the_wrong_state(register, persona, committee):
    dispute = register()
    with pytest.raises(ValidationError):
        mediation.do_end_mediation(
            dispute, actor=persona("community"), reason="x", remedy="other", remedy_detail="y"
        )
    with pytest.raises(ValidationError):
        mediation.do_record_follow_up(
            dispute, actor=persona("community"), performance="full", note="x"
        )
    accept(dispute, persona, committee)
    with pytest.raises(ValidationError):
        accept(dispute, persona, committee)


def test_the_mediation_period_turns_late_after_its_last_day(register, persona, committee):
    from shanzhi.cases import clocks

    dispute = register(now=at("2025-09-01 09:00"))
    accept(dispute, persona, committee, now=at("2025-09-01 10:00"))
    period = clock(dispute, "mediation")
    assert clocks.light(period, at("2025-10-09 20:00")) != "red"
    assert clocks.light(period, at("2025-10-10 00:01")) == "red"
    assert period.due_at - at("2025-09-01 10:00") > timedelta(days=30)
