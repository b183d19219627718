import pytest

from shanzhi.registry import addresses


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("示范路12号3号楼2单元301室", "示范路12号3栋2单元301室"),
        ("示范路１２号 ３幢 二单元 三零一室", "示范路12号3栋2单元301室"),
        ("示范路12号3栋-2单元-301", "示范路12号3栋2单元301"),
        ("文昌小区二十三栋", "文昌小区23栋"),
        ("一百零八号", "108号"),
        ("十五组", "15组"),
    ],
)
def test_spellings_of_the_same_address_share_a_key(text, key):
    assert addresses.normalise(text) == key


def test_chinese_numbers():
    assert [addresses.chinese_to_int(t) for t in ("十", "十五", "二十", "二十三", "三零一")] == [
        10,
        15,
        20,
        23,
        301,
    ]


def test_masks_and_dwelling_addresses():
    assert addresses.mask("示范路12号3栋2单元301室") == "示范路12号…"
    assert addresses.mask("短地址") == "***"
    assert addresses.dwelling_address("示范路12号3栋", "2", "301") == "示范路12号3栋2单元301室"
    assert (
        addresses.dwelling_address("示范路12号3栋", "2单元", "301室") == "示范路12号3栋2单元301室"
    )
    assert addresses.dwelling_address("示范路12号3栋", "", "底商5号") == "示范路12号3栋底商5号"
