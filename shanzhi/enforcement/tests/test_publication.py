"""Publication of penalty decisions (双公示, 《行政处罚法》第四十八条; 国办发〔2018〕118号):
personal data minimised; text with an ID number or a mobile number refused
(《个人信息保护法》); withdrawn within 3 working days after an annulment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shanzhi.enforcement.actions import (
    do_publish,
    do_record_annulment,
    do_withdraw_publication,
    public_text,
)
from shanzhi.enforcement.tests.conftest import at
from shanzhi.enforcement.tests.helpers import decided


def test_public_text_masks_an_individual(new_case, matter, officers, officer_user):
    ecase = decided(
        new_case,
        matter,
        officers,
        officer_user,
        name="李测试",
        party_id="110101199003070011",
        party_phone="13900001111",
    )
    text = public_text(ecase)
    assert "李**" in text and "李测试" not in text
    assert "110101199003070011" not in text and "13900001111" not in text


def test_public_text_names_an_organisation_with_its_code(new_case, matter, officers, officer_user):
    ecase = decided(
        new_case,
        matter,
        officers,
        officer_user,
        party_kind="organisation",
        name="示范商贸有限公司",
        party_id="91110105MA01ABCD26",
    )
    text = public_text(ecase)
    assert "示范商贸有限公司" in text and "91110105MA01ABCD26" in text


@pytest.mark.parametrize("leak", ["110101199003070011", "13900001111"])
def test_personal_data_is_refused(new_case, matter, officers, officer_user, leak):
    ecase = decided(new_case, matter, officers, officer_user)
    with pytest.raises(ValidationError) as exc:
        do_publish(
            ecase, actor=officer_user, text=f"当事人 {leak} 罚款500元", now=at(2025, 9, 8, 9)
        )
    assert "《个人信息保护法》" in str(exc.value)
    ecase.publication.refresh_from_db()
    assert ecase.publication.published_at is None


def test_publish_on_time_then_public_page(client, new_case, matter, officers, officer_user):
    ecase = decided(new_case, matter, officers, officer_user)
    publication = do_publish(
        ecase, actor=officer_user, text=public_text(ecase), now=at(2025, 9, 8, 9)
    )
    assert publication.on_time is True
    page = client.get(reverse("enforcement:publications"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "东湖罚〔2025〕7号" in body and "李测试" not in body


def test_late_publication_is_recorded_late(new_case, matter, officers, officer_user):
    # Decided Fri 26 Sep 2025: due Mon 13 Oct (7 working days across National Day).
    ecase = decided(new_case, matter, officers, officer_user, when=at(2025, 9, 26, 9))
    publication = do_publish(
        ecase, actor=officer_user, text=public_text(ecase), now=at(2025, 10, 14, 9)
    )
    assert publication.on_time is False


def test_withdrawal_after_annulment(client, new_case, matter, officers, officer_user):
    ecase = decided(new_case, matter, officers, officer_user)
    do_publish(ecase, actor=officer_user, text=public_text(ecase), now=at(2025, 9, 8, 9))
    with pytest.raises(ValidationError, match="第四十八条"):
        do_withdraw_publication(ecase, actor=officer_user, now=at(2025, 9, 9, 9))
    with pytest.raises(ValidationError):
        do_record_annulment(
            ecase, actor=officer_user, kind="bogus", reason="", now=at(2025, 9, 9, 9)
        )
    do_record_annulment(
        ecase, actor=officer_user, kind="changed", reason="复议变更", now=at(2025, 9, 9, 9)
    )
    publication = do_withdraw_publication(ecase, actor=officer_user, now=at(2025, 9, 10, 9))
    assert publication.withdraw_on_time is True
    assert (
        "东湖罚〔2025〕7号" not in client.get(reverse("enforcement:publications")).content.decode()
    )


def test_outsider_may_not_publish(new_case, matter, officers, officer_user, outsider):
    ecase = decided(new_case, matter, officers, officer_user)
    with pytest.raises(PermissionDenied):
        do_publish(ecase, actor=outsider, text="罚款500元", now=at(2025, 9, 8, 9))
