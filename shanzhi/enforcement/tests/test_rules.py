"""The pure rules: the late-payment surcharge (《行政处罚法》第七十二条), the on-the-spot limits
(第五十一条), the hearing threshold (第六十三条) and personal data in published text
(《个人信息保护法》)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from shanzhi.enforcement import rules


def test_surcharge_is_three_percent_a_day():
    # Art. 72: 3 % of the fine per day late.
    assert rules.surcharge(Decimal("1000"), date(2025, 10, 15), date(2025, 10, 18)) == Decimal(
        "90.00"
    )


def test_surcharge_is_capped_at_the_fine():
    # Art. 72: the surcharge never exceeds the fine (34 days × 3 % = 102 %).
    assert rules.surcharge(Decimal("500"), date(2025, 1, 1), date(2025, 2, 4)) == Decimal("500.00")


def test_no_surcharge_on_time_or_on_the_last_day():
    assert rules.surcharge(Decimal("500"), date(2025, 10, 15), date(2025, 10, 15)) == 0
    assert rules.surcharge(Decimal("500"), date(2025, 10, 15), date(2025, 10, 1)) == 0


def test_surcharge_rounds_to_cents():
    assert rules.surcharge(Decimal("33.33"), date(2025, 1, 1), date(2025, 1, 2)) == Decimal("1.00")


@pytest.mark.parametrize(
    ("kind", "fine", "ok"),
    [
        ("individual", "200", True),
        ("individual", "200.01", False),
        ("organisation", "3000", True),
        ("organisation", "3001", False),
    ],
)
def test_on_the_spot_limits(kind, fine, ok):
    # Art. 51: ≤200 yuan for an individual, ≤3,000 yuan for an organisation.
    if ok:
        rules.check_on_the_spot(kind, ["fine"], Decimal(fine))
    else:
        with pytest.raises(ValidationError) as exc:
            rules.check_on_the_spot(kind, ["fine"], Decimal(fine))
        assert "第五十一条" in str(exc.value)


def test_on_the_spot_only_warning_or_fine():
    with pytest.raises(ValidationError) as exc:
        rules.check_on_the_spot("individual", ["closure"], 0)
    assert "第五十一条" in str(exc.value)
    rules.check_on_the_spot("individual", ["warning"], 0)


def test_hearing_threshold_is_configurable(settings):
    # Art. 63: "较大数额" is set locally.
    case = SimpleNamespace(penalty_kinds=["fine"], fine=Decimal("5000"), party_kind="individual")
    assert not rules.hearing_triggered(case)
    settings.SHANZHI_ENFORCEMENT_HEARING_FINE = {"individual": 3000, "organisation": 50000}
    assert rules.hearing_triggered(case)
    closure = SimpleNamespace(penalty_kinds=["closure"], fine=0, party_kind="organisation")
    assert rules.hearing_triggered(closure)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("当事人身份证号110101199003070011", 1),
        ("联系电话13900001111", 1),
        ("电话 139-0000-1111", 1),
        ("身份证11010119900307001X，手机+86 13900001111", 2),
        ("罚款500元，决定书东湖罚〔2025〕1号", 0),
        ("统一社会信用代码91110105MA01ABCD2X", 0),
    ],
)
def test_personal_data_in_text(text, found):
    assert len(rules.personal_data_in(text)) == found


def test_mask_name():
    assert rules.mask_name("李测试") == "李**"
    assert rules.mask_name("王") == "王*"
