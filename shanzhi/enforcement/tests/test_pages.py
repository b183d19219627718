"""The pages: public ones without a login, the others behind the access helper; every
mutating page refuses someone outside its scope and answers bad input with a message,
storing nothing."""

import pytest
from django.urls import reverse

from shanzhi.enforcement.models import (
    DelegatedMatter,
    EnforcementCase,
    MatterEvaluation,
    Officer,
    Publication,
    Step,
)
from shanzhi.enforcement.tests.conftest import at
from shanzhi.enforcement.tests.helpers import decided


def _case_url(ecase, what=None):
    if what is None:
        return reverse("enforcement:case", args=[ecase.case.number])
    return reverse("enforcement:case_action", args=[ecase.case.number, what])


# --- public pages ---------------------------------------------------------------------


def test_public_matter_list_without_login(client, demo):
    page = client.get(reverse("enforcement:matters"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "DEMO-ZF-0001" in body and "东湖街道" in body
    assert "60 days" in body and "6 months" in body  # remedies (Art. 39)


def test_public_publications_without_login(client, demo):
    assert client.get(reverse("enforcement:publications")).status_code == 200


# --- reading a case -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("zf-officer1", 200),
        ("streetstaff", 200),
        ("leader", 200),
        ("department", 200),  # 区城市管理局 delegated the matter
        ("resident", 404),
        ("gridworker", 404),
        ("socialorg", 404),
    ],
)
def test_case_page_access(client_as, new_case, matter, username, status):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    assert client_as(username).get(_case_url(ecase)).status_code == status


def test_other_department_and_other_street_refused(client, new_case, matter, housing, outsider):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    for user in (housing, outsider):
        client.force_login(user, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
        assert client.get(_case_url(ecase)).status_code == 404


def test_reader_sees_the_party_masked(client_as, new_case, matter):
    ecase = new_case(matter, now=at(2025, 9, 1, 9), name="李测试")
    body = client_as("department").get(_case_url(ecase)).content.decode()
    assert "李**" in body and "李测试" not in body


def test_case_page_shows_clock_and_documents(client_as, new_case, matter, officers, officer_user):
    ecase = decided(new_case, matter, officers, officer_user)
    page = client_as("zf-officer1").get(_case_url(ecase))
    body = page.content.decode()
    assert 'data-clock="decide"' in body and "第六十条" in body
    for kind in ("filing", "notice", "decision", "service"):
        doc = client_as("zf-officer1").get(
            reverse("enforcement:document", args=[ecase.case.number, kind])
        )
        assert doc.status_code == 200
    decision = (
        client_as("zf-officer1")
        .get(reverse("enforcement:document", args=[ecase.case.number, "decision"]))
        .content.decode()
    )
    assert "罚款500元" in decision and "60 days" in decision
    assert (
        client_as("zf-officer1")
        .get(reverse("enforcement:document", args=[ecase.case.number, "hearing"]))
        .status_code
        == 404
    )


def test_out_of_time_case_is_red(client_as, new_case, matter):
    ecase = new_case(matter, now=at(2025, 5, 1, 9))
    body = client_as("zf-officer1").get(_case_url(ecase)).content.decode()
    assert 'data-light="red"' in body


def test_case_list(client_as, new_case, matter, officers, officer_user):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    assert (
        ecase.case.number
        in client_as("zf-officer1").get(reverse("enforcement:cases")).content.decode()
    )
    assert client_as("resident").get(reverse("enforcement:cases")).status_code == 404


# --- mutating case pages --------------------------------------------------------------


def test_step_page_refuses_a_reader_and_an_outsider(client_as, client, new_case, matter, outsider):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    url = _case_url(ecase, "conclude_investigation")
    assert client_as("leader").post(url).status_code == 403
    client.force_login(outsider, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    assert client.post(url).status_code == 404
    ecase.case.refresh_from_db()
    assert ecase.case.state == "filed"


def test_file_without_standard(client_as, new_case, matter):
    ecase = new_case(matter, now=at(2025, 9, 1, 9), file=False)
    page = client_as("zf-officer1").post(_case_url(ecase, "file"), {"filing_standard": " "})
    assert page.status_code == 400 and "filing standard" in page.content.decode()
    ecase.case.refresh_from_db()
    assert ecase.case.state == "assigned"


def test_file_through_the_page(client_as, new_case, matter):
    ecase = new_case(matter, now=at(2025, 9, 1, 9), file=False)
    page = client_as("zf-officer1").post(
        _case_url(ecase, "file"), {"filing_standard": "违法事实清楚"}
    )
    assert page.status_code == 302
    ecase.case.refresh_from_db()
    assert ecase.case.state == "filed"


def test_assign_page(client_as, demo, street, officer_user):
    from shanzhi.enforcement.actions import Clue, do_register_clue

    ecase = do_register_clue(
        Clue(
            matter=demo["matters"][0],
            street=street,
            title="t",
            description="d",
            source="patrol",
            party_kind="individual",
            party_name="张测试",
        ),
        actor=officer_user,
        now=at(2025, 9, 1, 9),
    )
    assert client_as("zf-officer1").post(_case_url(ecase, "assign")).status_code == 403
    assert client_as("dispatcher").post(_case_url(ecase, "assign")).status_code == 302
    ecase.case.refresh_from_db()
    assert ecase.case.state == "assigned" and ecase.case.responsible_body == ecase.team


def test_evidence_page_needs_two_officers(client_as, new_case, matter, officers):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    page = client_as("zf-officer1").post(
        _case_url(ecase, "evidence"), {"officers": [officers[0].pk], "note": "笔录"}
    )
    assert page.status_code == 400 and "第四十二条" in page.content.decode()
    assert not Step.objects.filter(ecase=ecase, kind="evidence").exists()
    page = client_as("zf-officer1").post(
        _case_url(ecase, "evidence"),
        {"officers": [officers[0].pk, officers[1].pk], "note": "笔录"},
    )
    assert page.status_code == 302
    assert Step.objects.filter(ecase=ecase, kind="evidence").count() == 1


def test_notify_page_bad_fine(client_as, new_case, matter, officers, officer_user):
    from shanzhi.enforcement.actions import do_record_evidence, do_take_step

    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    do_record_evidence(
        ecase, actor=officer_user, now=at(2025, 9, 2, 9), officers=officers[:2], note="笔录"
    )
    do_take_step(ecase, "conclude_investigation", actor=officer_user, now=at(2025, 9, 3, 9))
    page = client_as("zf-officer1").post(
        _case_url(ecase, "notify"), {"penalty_kinds": ["fine"], "fine": "abc", "note": "x"}
    )
    assert page.status_code == 400 and "amount in yuan" in page.content.decode()
    ecase.case.refresh_from_db()
    assert ecase.case.state == "investigated"


@pytest.mark.parametrize(
    ("what", "data", "message"),
    [
        ("publish", {"text": "电话13900001111"}, "个人信息保护法"),
        ("annul", {"kind": "", "reason": ""}, "Choose what happened"),
        ("withdraw", {}, "第四十八条"),
        ("statement", {"note": ""}, "after the notice"),
        ("schedule_hearing", {"hearing_at": "tomorrow"}, "Enter a date and time"),
        ("require_review", {"review_reason": "whim"}, "Choose why"),
        ("decide", {}, "not possible"),
    ],
)
def test_case_side_pages_bad_input(
    client_as, new_case, matter, officers, officer_user, what, data, message
):
    ecase = decided(new_case, matter, officers, officer_user)
    before = Publication.objects.get(ecase=ecase)
    page = client_as("zf-officer1").post(_case_url(ecase, what), data)
    assert page.status_code == 400
    assert message in page.content.decode()
    after = Publication.objects.get(ecase=ecase)
    assert (after.published_at, after.annulment) == (before.published_at, before.annulment)


@pytest.mark.parametrize(
    "what",
    [
        "publish",
        "annul",
        "withdraw",
        "statement",
        "schedule_hearing",
        "require_review",
        "evidence",
        "decide",
    ],
)
def test_case_side_pages_refuse_a_reader(client_as, new_case, matter, officers, officer_user, what):
    ecase = decided(new_case, matter, officers, officer_user)
    assert client_as("department").post(_case_url(ecase, what), {"text": "x"}).status_code == 403
    assert client_as("resident").post(_case_url(ecase, what), {"text": "x"}).status_code == 404


# --- registering a clue ---------------------------------------------------------------


def test_case_new_access_and_bad_input(client_as, demo, street):
    assert client_as("resident").get(reverse("enforcement:case_new")).status_code == 404
    assert client_as("leader").post(reverse("enforcement:case_new"), {}).status_code == 404
    count = EnforcementCase.objects.count()
    page = client_as("zf-officer1").post(
        reverse("enforcement:case_new"),
        {"street": street.pk, "matter": "", "source": "patrol", "party_kind": "individual"},
    )
    assert page.status_code == 400
    assert "Choose the delegated matter" in page.content.decode()
    assert EnforcementCase.objects.count() == count
    page = client_as("zf-officer1").post(
        reverse("enforcement:case_new"),
        {
            "street": street.pk,
            "matter": demo["matters"][0].pk,
            "source": "patrol",
            "party_kind": "individual",
            "party_name": "张测试",
            "title": "占道经营",
            "description": "人行道摆摊",
        },
    )
    assert page.status_code == 302
    assert EnforcementCase.objects.count() == count + 1


def test_camera_clue_from_an_unreviewed_device(client_as, demo, street):
    from shanzhi.enforcement.models import Device

    device = Device.objects.create(code="T-CAM-2", site="路口", street=street)
    page = client_as("zf-officer1").post(
        reverse("enforcement:case_new"),
        {
            "street": street.pk,
            "matter": demo["matters"][0].pk,
            "source": "camera",
            "party_kind": "individual",
            "party_name": "张测试",
            "title": "占道",
            "description": "监控发现",
            "device": device.pk,
        },
    )
    assert page.status_code == 400 and "第四十一条" in page.content.decode()


# --- matters, evaluations, officers ---------------------------------------------------


def test_matter_admin_access(client_as, demo):
    assert client_as("admin").get(reverse("enforcement:matter_admin")).status_code == 200
    assert client_as("streetstaff").get(reverse("enforcement:matter_admin")).status_code == 404
    assert client_as("streetstaff").post(reverse("enforcement:matter_new"), {}).status_code == 404


def test_matter_new_bad_input_and_success(client_as, demo, street):
    from shanzhi.org.models import Body

    count = DelegatedMatter.objects.count()
    page = client_as("admin").post(
        reverse("enforcement:matter_new"),
        {
            "power_code": "X-1",
            "name": "测试事项",
            "legal_basis": "某法第1条",
            "decision_date": "2025-01-01",
            "department": Body.objects.get(name="区城市管理局").pk,
            "penalty_kinds": ["fine"],
            "fine_min": "100",
            "fine_max": "10",
            "streets": [street.pk],
        },
    )
    assert page.status_code == 400 and "highest fine" in page.content.decode()
    assert DelegatedMatter.objects.count() == count
    page = client_as("admin").post(
        reverse("enforcement:matter_new"),
        {
            "power_code": "X-1",
            "name": "测试事项",
            "legal_basis": "某法第1条",
            "decision_number": "示范〔2025〕1号",
            "decision_date": "2025-01-01",
            "department": Body.objects.get(name="区城市管理局").pk,
            "penalty_kinds": ["fine"],
            "fine_min": "0",
            "fine_max": "1000",
            "streets": [street.pk],
            "active": "1",
        },
    )
    assert page.status_code == 302
    assert DelegatedMatter.objects.filter(power_code="X-1", streets=street).exists()


def test_evaluation_access_and_input(client_as, demo, matter):
    url = reverse("enforcement:matter_evaluate", args=[matter.pk])
    assert client_as("streetstaff").post(url, {}).status_code == 404
    page = client_as("department").post(
        url,
        {
            "period_start": "2025-01-01",
            "period_end": "2024-12-31",
            "conclusion": "keep",
            "note": "ok",
        },
    )
    assert page.status_code == 400 and "ends before" in page.content.decode()
    assert not MatterEvaluation.objects.filter(matter=matter).exists()
    page = client_as("department").post(
        url,
        {
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "conclusion": "adjust",
            "note": "范围调整",
        },
    )
    assert page.status_code == 302
    evaluation = MatterEvaluation.objects.get(matter=matter)
    assert evaluation.volume >= 1 and evaluation.conclusion == "adjust"


def test_officer_pages(client_as, demo, street):
    assert client_as("admin").get(reverse("enforcement:officers")).status_code == 200
    assert client_as("zf-officer1").get(reverse("enforcement:officers")).status_code == 404
    assert client_as("zf-officer1").post(reverse("enforcement:officer_new"), {}).status_code == 404
    count = Officer.objects.count()
    page = client_as("admin").post(
        reverse("enforcement:officer_new"),
        {
            "username": "streetstaff",
            "certificate_number": "T-9",
            "issued_by": "示范省政府",
            "valid_from": "2026-01-01",
            "expires_on": "2025-01-01",
            "streets": [street.pk],
        },
    )
    assert page.status_code == 400 and "expires before" in page.content.decode()
    assert Officer.objects.count() == count
    page = client_as("admin").post(
        reverse("enforcement:officer_new"),
        {
            "username": "streetstaff",
            "certificate_number": "T-9",
            "issued_by": "示范省政府",
            "valid_from": "2025-01-01",
            "expires_on": "2028-01-01",
            "streets": [street.pk],
        },
    )
    assert page.status_code == 302 and Officer.objects.count() == count + 1


def test_supervision_page(client_as, new_case, matter):
    ecase = new_case(matter, now=at(2025, 5, 1, 9))
    body = client_as("leader").get(reverse("enforcement:supervision")).content.decode()
    assert ecase.case.number in body and 'data-anomaly="past_limit"' in body
    assert client_as("resident").get(reverse("enforcement:supervision")).status_code == 404


def test_evidence_page_stores_photos_and_video(client_as, new_case, matter, officers):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    page = client_as("zf-officer1").post(
        _case_url(ecase, "evidence"),
        {
            "officers": [officers[0].pk, officers[1].pk],
            "note": "现场检查笔录",
            "file_photo": SimpleUploadedFile("a.jpg", b"\xff\xd8\xff", "image/jpeg"),
            "file_video": SimpleUploadedFile("b.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
        },
    )
    assert page.status_code == 302
    step = Step.objects.get(ecase=ecase, kind="evidence")
    assert sorted(step.files.values_list("kind", flat=True)) == ["photo", "video"]


def test_visible_cases_follow_the_matters_department(new_case, matter, persona, housing):
    from shanzhi.enforcement.access import visible_cases

    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    assert ecase in visible_cases(persona("department"))
    assert ecase in visible_cases(persona("leader"))
    assert ecase not in visible_cases(housing)
    assert ecase not in visible_cases(persona("resident"))


def test_documents_for_readers_mask_the_individual(
    client_as, new_case, matter, officers, officer_user
):
    ecase = decided(
        new_case, matter, officers, officer_user, name="李测试", party_id="110101199003070011"
    )
    url = reverse("enforcement:document", args=[ecase.case.number, "decision"])
    worker = client_as("zf-officer1").get(url).content.decode()
    assert "李测试" in worker and "110101199003070011" in worker
    reader = client_as("department").get(url).content.decode()
    assert "李**" in reader and "李测试" not in reader and "110101199003070011" not in reader


def test_garbled_keys_and_a_camera_of_another_street_are_refused(
    client_as, demo, street, other_street, new_case, matter, officers
):
    """A key that is not a number names no row (a clear message, not a server error);
    a reviewed camera of another street gives no evidence here (Art. 41)."""
    from shanzhi.enforcement.models import Device

    count = EnforcementCase.objects.count()
    page = client_as("zf-officer1").post(
        reverse("enforcement:case_new"),
        {
            "street": "x1",
            "matter": "';--",
            "source": "patrol",
            "party_kind": "individual",
            "party_name": "张测试",
            "title": "占道",
            "description": "巡查发现",
            "device": "abc",
        },
    )
    assert page.status_code == 400 and EnforcementCase.objects.count() == count
    elsewhere = Device.objects.create(
        code="T-CAM-OTHER",
        site="别处路口",
        street=other_street,
        legally_reviewed=True,
        technically_reviewed=True,
        site_published=True,
    )
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    page = client_as("zf-officer1").post(
        _case_url(ecase, "evidence"),
        {"officers": [officers[0].pk, officers[1].pk], "note": "笔录", "device": elsewhere.pk},
    )
    assert page.status_code == 400 and "records in another street" in page.content.decode()
    assert not Step.objects.filter(ecase=ecase, kind="evidence").exists()
    page = client_as("zf-officer1").post(
        _case_url(ecase, "evidence"),
        {"officers": [officers[0].pk, officers[1].pk], "note": "笔录", "device": "x"},
    )
    assert page.status_code == 302  # no such camera: evidence without one


def test_documents_print_without_an_inline_script(client_as, new_case, matter):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    page = client_as("zf-officer1").get(
        reverse("enforcement:document", args=[ecase.case.number, "filing"])
    )
    html = page.content.decode()
    assert page.status_code == 200 and "data-print" in html and "onclick" not in html
