"""What the petition's steps add to the engine: documents, the first-handling body, the
leader in charge of a backlog petition, the class, and the input each step needs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.core.models import AuditEvent, Notification
from shanzhi.petitions import stats
from shanzhi.petitions.actions import do_assign_leader, do_reclassify
from shanzhi.petitions.models import Petition
from shanzhi.petitions.steps import do_take_step
from shanzhi.petitions.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(register, persona, department_body):
    petition = register()
    do_take_step(
        petition.case,
        "assign",
        actor=persona("dispatcher"),
        body=department_body,
        note="请于30日内反馈办理结果",
    )
    return petition


def test_assigning_expects_the_result_back(dispatched):
    dispatched.refresh_from_db()
    assert dispatched.assigned and dispatched.case.state == "dispatched"


def test_acceptance_issues_the_notice_and_records_the_first_handling_body(
    dispatched, persona, department_body
):
    with pytest.raises(ValidationError) as caught:  # a phone petitioner is not there
        do_take_step(dispatched.case, "accept", actor=persona("department"), delivery="on_the_spot")
    assert "delivery" in caught.value.message_dict
    do_take_step(dispatched.case, "accept", actor=persona("department"))
    dispatched.refresh_from_db()
    assert dispatched.first_body == department_body
    assert dispatched.first_officer == persona("department")
    notice = dispatched.case.petition_documents.get(kind="acceptance")
    assert department_body.name in notice.text and dispatched.case.number in notice.text
    assert notice.delivery == "in_writing"
    assert (
        AuditEvent.objects.for_object(dispatched.case)
        .filter(action="petition.document", after__kind="acceptance")
        .exists()
    )


def test_a_visitor_gets_the_notice_on_the_spot(register, persona, department_body):
    petition = register(channel="visit", visit_record="来访登记")
    do_take_step(petition.case, "dispatch", actor=persona("dispatcher"), body=department_body)
    do_take_step(petition.case, "accept", actor=persona("department"), delivery="on_the_spot")
    assert petition.case.petition_documents.get().delivery == "on_the_spot"


def test_the_opinion_needs_its_outcome_and_legal_basis_art_32(dispatched, persona):
    case = dispatched.case
    do_take_step(case, "accept", actor=persona("department"))
    with pytest.raises(ValidationError) as caught:
        do_take_step(case, "reply", actor=persona("department"), opinion="已处理")
    assert {"outcome", "basis"} <= set(caught.value.message_dict)
    case.refresh_from_db()
    assert case.state == "in_progress" and not case.petition_documents.filter(kind="opinion")
    do_take_step(
        case,
        "reply",
        actor=persona("department"),
        outcome="explained",
        opinion="诉求合理但缺乏依据，已作说明",
        basis="《信访工作条例》第三十二条",
    )
    dispatched.refresh_from_db()
    assert dispatched.outcome == "explained"
    opinion = case.petition_documents.get(kind="opinion")
    assert "30 days" in opinion.text and "Art. 35" in opinion.text
    assert dispatched.request in opinion.text


def test_endings_name_the_channel_and_route_only_claims(register, persona, department_body):
    petition = register(petition_class="suggestion")
    with pytest.raises(ValidationError) as caught:
        do_take_step(petition.case, "not_accept", actor=persona("dispatcher"), note="非本机关职权")
    assert "channel" in caught.value.message_dict
    do_take_step(petition.case, "dispatch", actor=persona("dispatcher"), body=department_body)
    do_take_step(petition.case, "accept", actor=persona("department"))
    with pytest.raises(ValidationError) as caught:
        do_take_step(
            petition.case,
            "route",
            actor=persona("department"),
            note="应当仲裁",
            remedy="arbitration",
            channel="区劳动人事争议仲裁委员会",
        )
    assert "Art. 31" in caught.value.message_dict["remedy"][0]
    claim = register(subject="工资拖欠", request="请求支付拖欠工资", facts="某公司拖欠三个月工资")
    do_take_step(claim.case, "dispatch", actor=persona("dispatcher"), body=department_body)
    do_take_step(claim.case, "accept", actor=persona("department"))
    do_take_step(
        claim.case,
        "route",
        actor=persona("department"),
        note="劳动争议应当先行仲裁",
        remedy="arbitration",
        channel="区劳动人事争议仲裁委员会",
    )
    claim.refresh_from_db()
    assert claim.case.state == "routed" and claim.remedy == "arbitration"
    notice = claim.case.petition_documents.get(kind="routed")
    assert "区劳动人事争议仲裁委员会" in notice.text and "劳动争议应当先行仲裁" in notice.text


def test_litigation_is_separated_to_the_judicial_channel_art_28(register, persona):
    petition = register(subject="不服法院判决", request="请求撤销一审判决")
    do_take_step(
        petition.case,
        "separate",
        actor=persona("dispatcher"),
        note="涉及诉讼权利救济",
        channel="区人民法院立案庭",
    )
    petition.refresh_from_db()
    assert petition.case.state == "separated" and petition.end_basis.endswith("第二十八条")
    assert "区人民法院立案庭" in petition.case.petition_documents.get(kind="separated").text


def test_a_leader_takes_personal_charge_of_a_backlog_petition(register, persona, department_body):
    petition = register(received_at=at(2025, 1, 6, 9), now=at(2025, 1, 6, 9))
    leader = persona("leader")
    rows = stats.backlog(leader)
    assert petition.case.pk in {c.case_id for c in rows}  # the 15 days ran out long ago
    assert petition.case.pk not in {c.case_id for c in stats.backlog(persona("department"))}
    with pytest.raises(PermissionDenied):
        do_assign_leader(petition, actor=persona("dispatcher"), leader=leader)
    with pytest.raises(ValidationError):
        do_assign_leader(petition, actor=leader, leader=persona("department"))
    before = Notification.objects.count()
    do_assign_leader(petition, actor=leader, leader=leader, note="本人包案")
    assert Petition.objects.get(pk=petition.pk).leader == leader
    event = AuditEvent.objects.for_object(petition.case).get(action="petition.leader")
    assert event.after["leader"] == leader.pk and event.note == "本人包案"
    assert Notification.objects.count() == before  # one does not tell oneself


def test_the_class_changes_between_open_classes_only(register, persona):
    petition = register()
    with pytest.raises(ValidationError):
        do_reclassify(petition, "suggestion", actor=persona("dispatcher"), note="")
    do_reclassify(petition, "suggestion", actor=persona("dispatcher"), note="实为建议")
    assert Petition.objects.get(pk=petition.pk).petition_class == "suggestion"
    with pytest.raises(ValidationError) as caught:
        do_reclassify(petition, "accusation", actor=persona("dispatcher"), note="实为举报")
    assert "register it anew" in caught.value.message_dict["petition_class"][0]
    with pytest.raises(PermissionDenied):
        do_reclassify(petition, "claim", actor=persona("resident"), note="x")
