"""What the public reads: no requester, confidential cases generalised, reports about
a body and matters of other channels not published at all."""

import json

import pytest

from shanzhi.cases.engine import do_transition
from shanzhi.org.models import Body

pytestmark = pytest.mark.django_db


def _everything(open311, case):
    """The case as listed and as fetched, in both formats, as one text."""
    parts = []
    for fmt in ("xml", "json"):
        parts.append(open311.get("requests", fmt).content.decode())
        parts.append(open311.get(f"requests/{case.number}", fmt).content.decode())
        parts.append(
            open311.get("requests", fmt, {"service_request_id": case.number}).content.decode()
        )
    return "\n".join(parts)


def test_the_requester_is_never_published(open311, make_case):
    case = make_case(requester_name="李秀英", requester_phone="19900005678")
    text = _everything(open311, case)
    assert case.number in text
    assert "李秀英" not in text and "19900005678" not in text and "199****5678" not in text


def test_identifiers_written_into_the_text_are_masked(open311, make_case):
    case = make_case(
        description="井盖破损，请回电13812345678，身份证320102199001011234。",
        address="柳岸路2号（联系人手机13812345678）",
    )
    (record,) = open311.get(f"requests/{case.number}").json()
    assert record["description"] == "井盖破损，请回电138********，身份证320***************。"
    assert record["address"].startswith("柳岸路2号（联系人手机138********）")
    text = _everything(open311, case)
    # Never the last four digits: with the case number they open the tracking page.
    assert "13812345678" not in text and "*5678" not in text and "1234。" not in text


def test_a_confidential_case_is_published_generalised(open311, make_case, persona):
    case = make_case(
        confidential=True, description="邻居家私自改建，我是楼上住户", address="3栋502"
    )
    case = do_transition(case, "dispatch", actor=persona("dispatcher"), body=case.routed_body)
    (record,) = open311.get(f"requests/{case.number}").json()
    assert record["description"] is None
    assert record["address"] == "东湖街道"  # the street only
    assert record["lat"] is None and record["long"] is None
    assert record["status"] == "open" and record["service_code"] == "0604"
    assert record["agency_responsible"] == case.responsible_body.name
    assert record["expected_datetime"] is not None
    text = _everything(open311, case)
    assert "邻居" not in text and "502" not in text and str(case.lat) not in text


@pytest.mark.parametrize("kind", ["report", "consultation"])
def test_other_reports_and_consultations_are_published_generalised(open311, make_case, kind):
    case = make_case(kind=kind, description="隔壁饭店后厨卫生很差，我是隔壁住户")
    (record,) = open311.get(f"requests/{case.number}").json()
    assert record["description"] is None and record["lat"] is None
    assert record["address"] == "东湖街道" and record["status"] == "open"
    assert "隔壁" not in _everything(open311, case)


def test_a_report_about_a_body_is_not_published_in_any_form(open311, make_case):
    accused = Body.objects.get(name="区城市管理局")
    case = make_case(kind="report", accused_body=accused, description="城管执法人员吃拿卡要")
    assert open311.get(f"requests/{case.number}").status_code == 404
    assert open311.get(f"requests/{case.number}", "xml").status_code == 404
    listed = open311.get("requests", params={"service_request_id": case.number}).json()
    assert listed == []
    listed = "\n".join(open311.get("requests", fmt).content.decode() for fmt in ("xml", "json"))
    assert case.number not in listed and "吃拿卡要" not in listed


def test_a_matter_of_another_channel_is_not_published(open311, make_case, persona):
    petition = make_case(code="9005", description="信访事项的内容")
    redirected = do_transition(
        make_case(description="其实是信访"), "redirect", actor=persona("dispatcher"), note="转信访"
    )
    listed = json.loads(open311.get("requests").content)
    numbers = {r["service_request_id"] for r in listed}
    assert petition.number not in numbers and redirected.number not in numbers
    assert open311.get(f"requests/{petition.number}").status_code == 404
    assert open311.get(f"requests/{redirected.number}").status_code == 404


def test_a_token_resolves_only_for_a_published_case(open311, make_case):
    from shanzhi.open311 import tokens

    accused = Body.objects.get(name="区城市管理局")
    hidden = make_case(kind="report", accused_body=accused)
    assert open311.get(f"tokens/{tokens.issue(hidden.number)}").status_code == 404
    shown = make_case()
    assert open311.get(f"tokens/{tokens.issue(shown.number)}").status_code == 200
    forged = f"{shown.number}:{'A' * 43}"
    assert open311.get(f"tokens/{forged}").status_code == 404
