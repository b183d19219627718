"""Mediation committees: three to nine members, one chair, women among them (人民调解法
Art. 8), a three-year term (Art. 9), kept by the staff of the unit that set it up."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanzhi.core.models import AuditEvent
from shanzhi.disputes.actions.committees import (
    MemberInput,
    composition_problems,
    do_save_committee,
)
from shanzhi.disputes.models import Committee, CommitteeMember
from shanzhi.disputes.tests.conftest import MEMBERS
from shanzhi.org.models import Body, BodyKind

pytestmark = pytest.mark.django_db


def members(n, women=1, chairs=1):
    rows = []
    for i in range(n):
        role = "chair" if i < chairs else "member"
        rows.append(MemberInput(name=f"委员{i}", role=role, sex="F" if i < women else "M"))
    return rows


@pytest.mark.parametrize(("n", "lawful"), [(2, False), (3, True), (9, True), (10, False)])
def test_a_committee_has_three_to_nine_members(n, lawful):
    problems = composition_problems([(m.role, m.sex) for m in members(n)])
    assert (not problems) == lawful
    if not lawful:
        assert "第八条" in problems[0]


def test_appointed_mediators_do_not_count_as_members():
    rows = [(m.role, m.sex) for m in members(2)] + [("appointed", "F")] * 3
    assert composition_problems(rows)


def test_one_chair_and_women_among_the_members():
    assert composition_problems([(m.role, m.sex) for m in members(5, chairs=0)])
    assert composition_problems([(m.role, m.sex) for m in members(5, chairs=2)])
    assert composition_problems([(m.role, m.sex) for m in members(5, women=0)])


def test_saving_a_committee(persona, residents_committee):
    committee = do_save_committee(
        actor=persona("community"),
        body=residents_committee,
        name="柳岸社区人民调解委员会",
        members=MEMBERS,
        term_start=date(2025, 1, 1),
        term_end=date(2027, 12, 31),
    )
    assert committee.path == residents_committee.region.path
    assert committee.members.count() == 4
    assert AuditEvent.objects.for_object(committee).filter(action="committee.save").exists()


def test_a_committee_of_two_is_refused_and_nothing_is_saved(persona, residents_committee):
    with pytest.raises(ValidationError) as refused:
        do_save_committee(
            actor=persona("community"), body=residents_committee, name="调委会", members=members(2)
        )
    assert "members" in refused.value.message_dict
    assert not Committee.objects.exists()


def test_a_term_longer_than_three_years_is_refused(persona, residents_committee):
    with pytest.raises(ValidationError) as refused:
        do_save_committee(
            actor=persona("community"),
            body=residents_committee,
            name="调委会",
            members=MEMBERS,
            term_start=date(2025, 1, 1),
            term_end=date(2028, 6, 1),
        )
    assert "term_end" in refused.value.message_dict


def test_only_a_residents_committee_or_street_office_sets_one_up(persona, street):
    brigade = Body.objects.get(region=street, kind=BodyKind.ENFORCEMENT_BRIGADE)
    with pytest.raises(ValidationError):
        do_save_committee(actor=persona("streetstaff"), body=brigade, name="x", members=MEMBERS)


def test_someone_else_cannot_keep_the_committee(persona, residents_committee, outsider):
    for actor in (persona("gridworker"), persona("dispatcher"), outsider):
        with pytest.raises(PermissionDenied):
            do_save_committee(actor=actor, body=residents_committee, name="调委会", members=MEMBERS)


def test_a_member_who_leaves_stays_on_record(persona, committee):
    kept = [
        MemberInput(name=m.name, role=m.role, sex=m.sex, pk=m.pk)
        for m in committee.members.exclude(name="张委员")
    ]
    kept.append(MemberInput(name="孙委员", role="member", sex="M"))
    do_save_committee(
        actor=persona("community"),
        committee=committee,
        body=committee.body,
        name=committee.name,
        members=kept,
    )
    left = CommitteeMember.objects.get(committee=committee, name="张委员")
    assert left.is_active is False
    assert committee.members.filter(is_active=True).count() == 4


def test_the_committee_pages(client_as, committee, english):
    page = client_as("community").get("/disputes/committees/")
    assert page.status_code == 200 and "柳岸社区人民调解委员会" in page.content.decode()
    edit = client_as("community").get(f"/disputes/committees/{committee.pk}/")
    assert edit.status_code == 200
    assert client_as("gridworker").get(f"/disputes/committees/{committee.pk}/").status_code in (
        403,
        404,
    )


def test_the_committee_form_refuses_a_bad_composition(client_as, residents_committee, english):
    data = {"body": residents_committee.pk, "name": "调委会", "is_active": "on"}
    data.update({"member_1_name": "王", "member_1_role": "chair", "member_1_sex": "F"})
    data.update({"member_2_name": "李", "member_2_role": "member", "member_2_sex": "M"})
    page = client_as("community").post("/disputes/committees/new/", data)
    assert page.status_code == 400
    assert "three to nine" in page.content.decode()
    assert not Committee.objects.exists()
    data.update({"member_3_name": "张", "member_3_role": "member", "member_3_sex": "M"})
    page = client_as("community").post("/disputes/committees/new/", data)
    assert page.status_code == 302
    assert Committee.objects.get().members.count() == 3


def test_outsiders_cannot_post_the_committee_form(client_as, residents_committee):
    data = {"body": residents_committee.pk, "name": "调委会", "is_active": "on"}
    assert client_as("gridworker").post("/disputes/committees/new/", data).status_code == 403
    assert not Committee.objects.exists()
