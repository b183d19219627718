"""Intake from every channel (信访工作条例 Arts. 17, 19–22): what each channel records,
what a petition must name, group visits (Art. 20), first letters and repeats, and the
same matter already handled (Art. 19)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shanzhi.cases.models import Case
from shanzhi.core.models import AuditEvent
from shanzhi.petitions.actions import Registration, do_submit_online
from shanzhi.petitions.identity import Person, Petitioner
from shanzhi.petitions.models import FileKind, Petition
from shanzhi.petitions.steps import do_take_step
from shanzhi.petitions.tests.conftest import ID_A, ID_B, at

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 letter"


def scan(name="letter.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def errors(exc) -> dict:
    return exc.value.message_dict


def test_a_letter_keeps_its_scan_and_postmark(register):
    petition = register(
        channel="letter",
        received_at=at(2025, 9, 3, 9),
        postmark_date=date(2025, 9, 1),
        files=[(FileKind.LETTER, scan()), (FileKind.ENVELOPE, scan("envelope.pdf"))],
        now=at(2025, 9, 3, 10),
    )
    assert petition.channel == "letter" and petition.postmark_date == date(2025, 9, 1)
    assert petition.case.channel == "letter"  # counted as a letter among all cases
    kinds = sorted(petition.case.petition_files.values_list("kind", flat=True))
    assert kinds == ["envelope", "letter"]
    assert not petition.case.attachments.exists()  # never among the case's attachments
    # Encrypted at rest; masked for lists; found again by its blind index.
    assert "王测试" not in petition.name_encrypted and petition.name == "王测试"
    assert petition.name_masked == "王*试" and petition.id_number_masked.startswith("1101")
    assert petition.id_number_index and ID_A not in petition.id_number_index


def test_a_letter_without_its_scan_is_refused(register):
    with pytest.raises(ValidationError) as caught:
        register(channel="letter")
    assert "letter" in errors(caught)
    assert not Petition.objects.exists()


def test_phone_fax_and_online_channels(register, persona):
    phone = register(channel="phone")
    assert phone.case.channel == "phone" and phone.case.requester_phone == "13900001111"
    fax = register(
        channel="fax",
        fax_number="010-12345678",
        files=[(FileKind.FAX, scan("fax.pdf"))],
        subject="对社区停车管理的建议",
        request="建议增设临时停车位",
        petition_class="suggestion",
    )
    assert fax.fax_number == "010-12345678" and fax.case.kind == "suggestion"
    assert fax.case.channel == "fax"
    resident = persona("resident")
    online = do_submit_online(
        Registration(
            petition_class="suggestion",
            channel="letter",  # whatever is sent: an online petition is online
            petitioner=Petitioner(name="居民测试", phone="13900002222"),
            subject="建议增加社区体育设施",
            request="建议在柳岸社区增设健身器材",
        ),
        actor=resident,
    )
    assert online.channel == "online" and online.case.requester == resident
    assert online.case.channel == "web"


def test_a_visit_needs_its_record_and_the_visitor_s_id_number(register):
    with pytest.raises(ValidationError) as caught:
        register(
            channel="visit",
            petitioner=Petitioner(name="王测试", phone="13900001111"),
        )
    assert {"visit_record", "id_number"} <= set(errors(caught))
    petition = register(
        channel="visit", visit_record="来访人反映供暖问题，情绪平稳。", visit_place="区信访接待大厅"
    )
    assert petition.visit_record.startswith("来访人") and petition.visit_place == "区信访接待大厅"


def test_a_group_visit_has_at_most_five_representatives_art_20(register):
    people = [Person(f"代表{i}", "") for i in range(6)]
    with pytest.raises(ValidationError) as caught:
        register(
            channel="visit",
            visit_record="集体访",
            petitioner=Petitioner(
                name="王测试", id_number=ID_A, phone="13900001111", representatives=people
            ),
        )
    message = errors(caught)["representatives"][0]
    assert "at most 5" in message and "Art. 20" in message and "6" in message
    petition = register(
        channel="visit",
        visit_record="集体访，推选代表5人",
        petitioner=Petitioner(
            name="王测试",
            id_number=ID_A,
            phone="13900001111",
            representatives=people[:5],
            accompanying=[Person("随访甲"), Person("随访乙", ID_B)],
        ),
    )
    roles = list(petition.participants.values_list("role", flat=True))
    assert roles.count("representative") == 5 and roles.count("accompanying") == 2
    assert (
        AuditEvent.objects.get(action="petition.register", object_id=str(petition.case_id)).after[
            "accompanying"
        ]
        == 2
    )


def test_several_visitors_elect_representatives(register):
    with pytest.raises(ValidationError) as caught:
        register(
            channel="visit",
            visit_record="多人来访",
            petitioner=Petitioner(
                name="王测试", id_number=ID_A, phone="1", accompanying=[Person("随访甲")]
            ),
        )
    assert "Art. 20" in errors(caught)["representatives"][0]


@pytest.mark.parametrize(
    "petitioner, field",
    [
        (Petitioner(name="", phone="13900001111"), "name"),
        (Petitioner(name="王测试"), "address"),
        (Petitioner(name="王测试", phone="12"), "phone"),
        (
            Petitioner(name="王测试", phone="13900001111", id_number="110101199003070012"),
            "id_number",
        ),
        (Petitioner(anonymous=True), "anonymous"),
    ],
)
def test_missing_or_wrong_identity_is_refused_with_the_rule(register, petitioner, field):
    with pytest.raises(ValidationError) as caught:
        register(petitioner=petitioner)
    assert field in errors(caught)
    if field in ("name", "anonymous"):
        assert "Art. 19" in errors(caught)[field][0]
    assert not Case.objects.filter(procedure="petition").exists()


def test_an_accusation_may_be_anonymous_and_names_the_accused(register):
    with pytest.raises(ValidationError) as caught:
        register(petition_class="accusation", petitioner=Petitioner(anonymous=True))
    assert "accused" in errors(caught)
    petition = register(
        petition_class="accusation",
        petitioner=Petitioner(anonymous=True),
        accused="某执法人员",
        actor="centre",
    )
    assert petition.anonymous and petition.case.anonymous and petition.case.kind == "report"


def test_only_the_petition_office_registers(register, persona):
    with pytest.raises(PermissionDenied):
        register(actor="department")
    with pytest.raises(ValidationError) as caught:  # a place outside the street's area
        from shanzhi.org.models import Region

        register(place=Region.objects.get(code="990101002"))
    assert "place" in errors(caught)


def test_first_letters_and_repeats_are_flagged(register, persona):
    first = register()
    assert first.is_first and first.repeat_of is None
    other = register(subject="楼道照明损坏", request="请求维修楼道灯", facts="三单元楼道灯坏了两周")
    assert other.is_first  # another matter of the same petitioner
    # The same matter, the same petitioner (found by ID number), registered again while
    # it still waits to be transferred: a repeat petition (重复信访), not a first one.
    again = register(
        channel="online",
        subject="小区供暖温度不达标，再次反映",
        petitioner=Petitioner(name="王测试", id_number=ID_A, address="柳岸社区"),
    )
    assert not again.is_first and again.repeat_of == first
    # Found by the phone number alone, too.
    by_phone = register(petitioner=Petitioner(name="王测试", phone="139 0000 1111"))
    assert by_phone.repeat_of is not None


def test_art_19_the_same_matter_being_handled_is_not_accepted_again(
    register, persona, department_body
):
    first = register()
    do_take_step(first.case, "dispatch", actor=persona("dispatcher"), body=department_body)
    do_take_step(first.case, "accept", actor=persona("department"))
    # The petitioner goes to the district's office with the same matter.
    with pytest.raises(ValidationError) as caught:
        register(actor="centre", subject="小区供暖温度不达标（向区里反映）")
    assert caught.value.code == "same_item"
    assert "Art. 19" in caught.value.messages[0] and first.case.number in caught.value.messages[0]
    count = Petition.objects.count()
    # Registered nevertheless when the office chooses, and answered at once with the rule.
    answered = register(actor="centre", answer_as_repeat=True)
    assert Petition.objects.count() == count + 1
    answered.refresh_from_db()
    assert answered.case.state == "not_accepted" and answered.repeat_of == first
    assert answered.end_basis.endswith("第十九条")
    notice = answered.case.petition_documents.get(kind="not_accepted")
    assert first.case.number in notice.text and "第十九条" in notice.text


def test_the_same_matter_past_its_time_limit_may_be_accepted_by_the_superior(
    register, persona, department_body
):
    first = register(received_at=at(2025, 1, 6, 9), now=at(2025, 1, 6, 9))
    do_take_step(
        first.case,
        "dispatch",
        actor=persona("dispatcher"),
        body=department_body,
        now=at(2025, 1, 7, 9),
    )
    do_take_step(first.case, "accept", actor=persona("department"), now=at(2025, 1, 8, 9))
    # Sixty days have long passed: the handling is overdue, the superior may accept it.
    later = register(actor="centre")
    assert later.repeat_of == first and later.case.state == "registered"
